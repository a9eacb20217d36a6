// The chaos suite's plant: a MariaDB and a Temporal dev server of its own (so it may crash them without touching the
// servers other suites use), and for each run a fresh database, a Temporal namespace, the API and a worker process.
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { MariaDbServer } from '../support/mariadb-server';
import { freePort } from '../support/ports';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';
import { DevServer } from '../support/temporal-server';
import type { ChaosFault, ChaosRun } from './chaos-runs';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The servers the faults strike, shared by the suite's runs. */
export class ChaosSite {
  private constructor(
    readonly dir: string,
    readonly mariadb: MariaDbServer,
    readonly temporal: DevServer,
  ) {}

  static async start(runs: readonly ChaosRun[]): Promise<ChaosSite> {
    const dir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'chaos-'));
    const mariadb = await MariaDbServer.create(path.join(dir, 'mariadb'), await freePort());
    const temporal = new DevServer(
      await freePort(),
      path.join(dir, 'temporal.db'),
      runs.map((r) => namespaceOf(r)),
    );
    await temporal.start();
    return new ChaosSite(dir, mariadb, temporal);
  }

  async close(): Promise<void> {
    await this.temporal.stop();
    await this.mariadb.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const namespaceOf = (run: ChaosRun) => `chaos-${run.n}`;

/** One run's system: its own database and namespace, the API in this process, the worker as its own process. */
export class Plant {
  worker?: ChildProcess;
  /** The API's answers to the run's polls, by status: a fault may be answered 503, never 500. */
  readonly answers = new Map<number, number>();
  private constructor(
    readonly site: ChaosSite,
    readonly run: ChaosRun,
    readonly db: TestDatabase,
    readonly stack: TestStack,
    private sql: Connection,
  ) {}

  static async open(site: ChaosSite, run: ChaosRun): Promise<Plant> {
    const db = await createTestDatabase('mysql', `chaos_${run.n}`, site.mariadb.url);
    const dataDir = path.join(site.dir, `run-${run.n}`);
    const stack = await TestStack.start({
      db,
      namespace: 'chaos',
      worker: false,
      env: { TEMPORAL_ADDRESS: site.temporal.address, TEMPORAL_NAMESPACE: namespaceOf(run), DATA_DIR: dataDir, BLOB_DIR: path.join(dataDir, 'blobs') },
    });
    const plant = new Plant(site, run, db, stack, await createConnection(db.env.DATABASE_URL));
    plant.startWorker();
    return plant;
  }

  /** Starts a worker process; what it prints goes to the run's worker log. */
  startWorker(): void {
    const env = { TEMPORAL_ADDRESS: this.site.temporal.address, TEMPORAL_NAMESPACE: namespaceOf(this.run) };
    this.worker = spawnWorkerProcess(this.stack, this.db, 'chaos', env, 'pipe');
    const log = fs.createWriteStream(this.workerLog, { flags: 'a' });
    this.worker.stdout!.pipe(log, { end: false });
    this.worker.stderr!.pipe(log, { end: false });
  }

  get workerLog(): string {
    return path.join(this.site.dir, `worker-${this.run.n}.log`);
  }

  /** The last lines the run's workers printed, to show with a failure. */
  workerLogTail(lines = 30): string {
    return fs.existsSync(this.workerLog) ? fs.readFileSync(this.workerLog, 'utf8').split('\n').slice(-lines).join('\n') : '(no output)';
  }

  /** A count from the plant's database; waits out an outage of MariaDB. */
  async count(query: string, params: unknown[] = []): Promise<number> {
    return Number((await this.query(query, params))[0].n);
  }

  async query(query: string, params: unknown[] = []): Promise<any[]> {
    return eventually(
      async () => {
        try {
          return (await this.sql.query<any[]>(query, params))[0];
        } catch {
          // The connection died with the server: a new one once it is back.
          await this.sql.end().catch(() => undefined);
          this.sql = await createConnection(this.db.env.DATABASE_URL).catch(() => this.sql);
          return undefined;
        }
      },
      60_000,
      'the database to answer',
    );
  }

  /** The job's status body once it has ended; answers the API gives during an outage (5xx, no body) are waited out. */
  async finished(workflowId: string, timeoutMs: number): Promise<any> {
    return eventually(
      async () => {
        const res = await this.stack.http('GET', `/api/v1/jobs/${workflowId}`, { key: ADMIN_KEY });
        this.noteAnswer(res.status);
        return res.status === 200 && res.body.status !== 'running' ? res.body : undefined;
      },
      timeoutMs,
      `job ${workflowId} to end`,
    );
  }

  noteAnswer(status: number): void {
    this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
  }

  /** The answers, e.g. `200×41 503×6`. */
  describeAnswers(): string {
    return [...this.answers]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
  }

  /** What the job reports of its progress right now, in a few words. */
  async progress(workflowId: string): Promise<string> {
    const res = await this.stack.http('GET', `/api/v1/jobs/${workflowId}`, { key: ADMIN_KEY });
    this.noteAnswer(res.status);
    if (res.status !== 200) return 'unknown';
    if (res.body.status !== 'running') return res.body.status;
    const p = res.body.progress;
    return p ? `${p.phase} ${p.done}/${p.total ?? '?'}${p.unit ? ` ${p.unit}` : ''}` : 'running';
  }

  /** Strikes the run's fault and brings the struck part back after the run's downtime. */
  async strike(fault: ChaosFault): Promise<void> {
    if (fault === 'worker-kill') {
      const worker = this.worker!;
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGKILL');
      await exited;
      await sleep(this.run.downMs);
      this.startWorker();
    } else if (fault === 'mariadb-crash') {
      await this.site.mariadb.stop('SIGKILL');
      await sleep(this.run.downMs);
      await this.site.mariadb.start();
    } else {
      await this.site.temporal.stop();
      await sleep(this.run.downMs);
      await this.site.temporal.start();
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGKILL');
      await exited;
    }
    await this.sql.end().catch(() => undefined);
    await this.stack.close();
    await this.db.drop();
  }
}
