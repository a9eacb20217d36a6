// Ctrl-C of `npm start` sends the worker SIGINT (from the terminal) and SIGTERM (from the start script) at once:
// the built worker process must drain once and exit cleanly, not crash on a second shutdown.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

describe('worker process signals', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'worker_signals');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('drains once and exits 0 on SIGINT and SIGTERM together', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], {
      env: {
        ...process.env,
        ...db.env,
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: 'worker-signals',
        WORKER_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
        DATA_DIR: path.join(process.env.TEST_TMP_DIR!, 'worker-signals'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await eventually(async () => (/worker polling/.test(output) ? true : undefined), 60_000, 'the worker to poll');
      child.kill('SIGINT');
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(output).not.toMatch(/IllegalStateError|Not running/);
      expect(output).toMatch(/worker stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
