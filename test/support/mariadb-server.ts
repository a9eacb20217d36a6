import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MARIADBD = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].find((p) => fs.existsSync(p)) ?? 'mariadbd';

/**
 * A MariaDB server of a suite's own (its data directory under the run's temporary directory, a port of its own), so
 * the suite can crash and restart it without touching the server every other suite uses.
 */
export class MariaDbServer {
  private proc?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** A new data directory (mariadb-install-db; root with no password, as on the shared server) and a running server. */
  static async create(dir: string, port: number): Promise<MariaDbServer> {
    fs.mkdirSync(dir, { recursive: true });
    const install = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', `--datadir=${path.join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asUser()],
      { encoding: 'utf8' },
    );
    if (install.status !== 0) throw new Error(`mariadb-install-db failed (${install.status}):\n${install.stderr || install.stdout}`);
    const server = new MariaDbServer(dir, port);
    await server.start();
    return server;
  }

  /** The server's URL without a database: mysql://root@127.0.0.1:port. */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = fs.openSync(path.join(this.dir, 'server.log'), 'a');
    this.proc = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${path.join(this.dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${path.join(this.dir, 'mysqld.pid')}`,
        '--innodb-buffer-pool-size=256M',
        '--max-connections=300',
        ...asUser(),
      ],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const conn = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
        await conn.end();
        return;
      } catch (err) {
        if (this.proc.exitCode !== null || Date.now() > deadline) {
          throw new Error(`MariaDB did not start on port ${this.port} (${String(err)}); see ${path.join(this.dir, 'server.log')}`);
        }
        await sleep(100);
      }
    }
  }

  /** Stops the server: SIGKILL is a crash (InnoDB recovers at the next start), SIGTERM a clean shutdown. */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** mariadbd refuses to run as root unless told to. */
function asUser(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}
