import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as { temporalServer?: ChildProcess }).temporalServer;
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  if (process.env.TEST_TMP_DIR) fs.rmSync(process.env.TEST_TMP_DIR, { recursive: true, force: true });
}
