import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_NAMESPACES } from './namespaces';
import { freePort } from './ports';

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Temporal dev server did not listen on ${port} within ${timeoutMs} ms`);
}

/** One real Temporal dev server for the whole run (`npm test` built the workflow bundle); each suite has its own namespace. */
export default async function globalSetup(): Promise<void> {
  const cli = process.env.TEMPORAL_CLI;
  if (!cli || !process.env.TEMPORAL_TEST_SERVER) throw new Error('Run the tests with `npm test` (it provides TEMPORAL_CLI and TEMPORAL_TEST_SERVER).');
  if (!process.env.TEST_WORKFLOW_BUNDLE || !fs.existsSync(process.env.TEST_WORKFLOW_BUNDLE)) throw new Error('no workflow bundle: run the tests with `npm test`');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'him-mes-test-'));

  const port = await freePort();
  const server = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--log-level',
      'error',
      ...TEST_NAMESPACES.flatMap((ns) => ['--namespace', ns]),
      '--search-attribute',
      'JobType=Keyword',
      '--search-attribute',
      'MainEntity=Keyword',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, 60_000);

  process.env.TEST_TMP_DIR = dir;
  process.env.TEST_TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  (globalThis as { temporalServer?: typeof server }).temporalServer = server;
}
