import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { devServerArgs } from '@him/temporal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Temporal dev server of a suite's own on a database file, so the suite can stop it and start it again with its
 * state (the run's shared server is never stopped). `start` returns once the server answers.
 */
export class DevServer {
  private proc?: ChildProcess;

  constructor(
    readonly port: number,
    readonly dbFile: string,
    /** Namespaces the server creates at its first start, besides `default`. */
    readonly namespaces: readonly string[] = [],
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Starts the server and waits until it answers. One CI run saw a restarted server exit with status 2 before
   * answering; a server that exits at start-up is started again, at most three times, and what it printed is shown.
   */
  async start(attempt = 1): Promise<void> {
    const proc = spawn(process.env.TEMPORAL_CLI!, devServerArgs(this.port, ['--db-filename', this.dbFile, ...this.namespaces.flatMap((ns) => ['--namespace', ns])]), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    let printed = '';
    proc.stderr.on('data', (chunk: Buffer) => (printed = (printed + chunk.toString()).slice(-4000)));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    const deadline = Date.now() + 90_000;
    for (;;) {
      // A connection of each try, closed when the try fails: none is left retrying behind the caller.
      const connection = Connection.lazy({ address: this.address, connectTimeout: 1000 });
      try {
        await connection.withDeadline(Date.now() + 10_000, async () => {
          await connection.workflowService.getSystemInfo({});
          await connection.workflowService.listSchedules({ namespace: this.namespaces[0] ?? 'default', maximumPageSize: 1 });
        });
        await connection.close();
        return;
      } catch (err) {
        await connection.close();
        if (proc.exitCode !== null) {
          await exited;
          const why = `the dev server exited (${proc.exitCode}) before it answered (start ${attempt} of 3):\n${printed}`;
          if (attempt >= 3) throw new Error(why);
          console.warn(why);
          return this.start(attempt + 1);
        }
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
  }

  /** Stops the server (SIGTERM, SIGKILL after 30 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  }
}
