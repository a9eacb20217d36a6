// What the end-to-end benchmarks share: a fresh MySQL database, the 1.5 M-row recording set, and the whole
// system as separate processes (Temporal dev server, API, worker from dist/) driven over HTTP like a user would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { REPO_ROOT, WORKER_NODE_FLAGS } from '@him/config';
import { recordingFileName, writeRecording, type RecordingSpec } from '@him/datagen';
import { migrateDatabase } from '@him/db';
import { devServerArgs } from '@him/temporal';

const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
serverUrl.pathname = '';
export const SERVER = serverUrl.toString();
/** BENCH_DATABASE lets benches run side by side on one server without dropping each other's data. */
const BENCH_DATABASE = process.env.BENCH_DATABASE ?? 'him_mes_bench';
serverUrl.pathname = `/${BENCH_DATABASE}`;
export const DB_URL = serverUrl.toString();
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/** The KAMP-like set: machines g1 and g2, four sensors each, 140 s per recording — 1.5 M rows, 73 MB. */
export const RECORDING_SET: RecordingSpec[] = [1, 2].flatMap((machine) => [1, 2, 3, 4].map((sensor) => ({ machine, sensor, seed: 42 })));

export interface RecordingFile {
  file: string;
  rows: number;
  bytes: number;
}

export async function generateRecordings(): Promise<RecordingFile[]> {
  const dir = path.join(REPO_ROOT, 'data', 'bench', 'recordings');
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  for (const spec of RECORDING_SET) {
    const written = await writeRecording(path.join(dir, recordingFileName(spec.machine, spec.sensor)), spec);
    files.push({ file: written.path, rows: written.rows, bytes: written.bytes });
  }
  return files;
}

/** Drops and re-creates the bench database with the current migrations. */
export async function freshDatabase(): Promise<void> {
  const admin = await createConnection(SERVER);
  await admin.query(`drop database if exists \`${BENCH_DATABASE}\``);
  await admin.end();
  await migrateDatabase({ kind: 'mysql', url: DB_URL, poolMax: 2, debug: false });
}

/** Drops the bench database (a bench that made it for itself leaves none behind). */
export async function dropBenchDatabase(): Promise<void> {
  const admin = await createConnection(SERVER);
  await admin.query(`drop database if exists \`${BENCH_DATABASE}\``);
  await admin.end();
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // BENCH_VERBOSE: the processes' logs (JSON lines on stdout) and errors, each line after the process's name.
  const verbose = Boolean(process.env.BENCH_VERBOSE);
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', verbose ? 'pipe' : 'ignore', 'pipe'] });
  child.stdout?.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  child.stderr!.on('data', (d) => verbose && process.stderr.write(`[${name}] ${d}`));
  return child;
}

/** Peak resident set size of a live process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** CPU seconds (user + system) a live process has used so far (Linux /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The bench database server's pid, read from its pid file when it runs on this machine (see findServerPid). */
let serverPid: number | undefined;

/** Asks the server for its pid file: another MariaDB of a test may run on this machine beside it. */
async function findServerPid(): Promise<void> {
  const conn = await createConnection(SERVER);
  try {
    const [[row]] = await conn.query<any[]>('select @@pid_file as file');
    const pid = Number(fs.readFileSync(String(row.file), 'utf8').trim());
    if (pid > 0 && fs.existsSync(`/proc/${pid}`)) serverPid = pid;
  } catch {
    /* not on this machine, or not readable: the first local server found below */
  } finally {
    await conn.end();
  }
}

/** The local database server's pid, when it runs on this machine (for its CPU share); undefined elsewhere. */
function databasePid(): number | undefined {
  if (serverPid !== undefined) return serverPid;
  for (const name of ['mariadbd', 'mysqld']) {
    const found = spawnSync('pidof', [name], { encoding: 'utf8' }).stdout?.trim().split(/\s+/)[0];
    if (found) return Number(found);
  }
  return undefined;
}

export interface BenchStackOptions {
  /** Settings for every process of the stack (API and workers), over the bench's own. */
  env?: NodeJS.ProcessEnv;
  /** The worker processes, each with settings of its own (e.g. WORKER_QUEUES); default one serving both queues. */
  workers?: { name: string; env?: NodeJS.ProcessEnv }[];
}

const processExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Temporal, the API and the workers (one by default) on the bench database; `stop()` or `close()` ends them all. */
export class BenchStack {
  private constructor(
    readonly api: string,
    readonly temporalAddress: string,
    readonly worker: ChildProcess,
    private readonly children: ChildProcess[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly workerProcesses: ChildProcess[] = children.slice(2),
  ) {}

  static async start(options: BenchStackOptions = {}): Promise<BenchStack> {
    const temporalPort = await freePort();
    const apiPort = await freePort();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'him-bench-'));
    const env = {
      DATABASE_URL: DB_URL,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      MES_ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The benches poll job status hard; the per-key limit is not what is measured here.
      RATE_LIMIT_PER_MINUTE: '1000000',
      BLOB_DIR: path.join(tmp, 'blobs'),
      WORKER_BUNDLE_PATH: path.join(REPO_ROOT, 'dist', 'workflow-bundle.js'),
      ...options.env,
    };
    await findServerPid();
    const cli = process.env.TEMPORAL_CLI ?? 'temporal';
    // BENCH_PROFILE_DIR: the API and the workers write a V8 CPU profile there when they stop (open it in Chrome DevTools).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const children = [
      start('temporal', cli, devServerArgs(temporalPort), {}),
      start('api', process.execPath, [...profile, path.join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], env),
    ];
    for (const w of options.workers ?? [{ name: 'worker' }]) {
      children.push(start(w.name, process.execPath, [...WORKER_NODE_FLAGS, ...profile, path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], { ...env, ...w.env }));
    }
    const stack = new BenchStack(`http://127.0.0.1:${apiPort}`, env.TEMPORAL_ADDRESS, children[2], children, env);
    try {
      await until(async () => (await fetch(`${stack.api}/api/v1/health/ready`)).ok, 'the API to be ready');
    } catch (err) {
      stack.stop();
      throw err;
    }
    return stack;
  }

  /**
   * CPU seconds used so far by each process of the stack (and the database server, when local): two readings'
   * difference says which process a timed step kept busy. Each process's threads are included.
   */
  cpu(): Record<string, number> {
    const [temporal, api, worker] = this.children;
    const db = databasePid();
    return {
      worker: cpuSeconds(worker.pid!),
      database: db === undefined ? NaN : cpuSeconds(db),
      temporal: cpuSeconds(temporal.pid!),
      api: cpuSeconds(api.pid!),
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    };
  }

  /** Sends a file to the ingest workflow, with any other form fields (e.g. a lot's `start_time`); returns the job id. */
  async upload(file: string, fields: Record<string, string> = {}): Promise<string> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', await fs.openAsBlob(file), path.basename(file));
    const res = await fetch(`${this.api}/api/v1/jobs/ingest`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: form });
    const body = (await res.json()) as { workflow_id: string; message?: string };
    if (res.status !== 202) throw new Error(`upload of ${file} answered ${res.status}: ${body.message}`);
    return body.workflow_id;
  }

  /** Starts a job with a JSON body; returns the job id. */
  async startJob(type: string, body: unknown): Promise<string> {
    return ((await this.accepted(`/api/v1/jobs/${type}`, body)) as { workflow_id: string }).workflow_id;
  }

  /** POSTs a JSON body with the admin key; returns the answer, which must be 202 Accepted. */
  async accepted(route: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.api}${route}`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== 202) throw new Error(`POST ${route} answered ${res.status}: ${String(answer.message)}`);
    return answer;
  }

  /** Polls a job until it completes; returns its result (throws if it ends otherwise). */
  async result(workflowId: string): Promise<Record<string, any>> {
    for (;;) {
      const res = await fetch(`${this.api}/api/v1/jobs/${workflowId}`, { headers: { 'x-api-key': ADMIN_KEY } });
      const job = (await res.json()) as Record<string, any>;
      if (job.status === 'completed') return job.result;
      if (job.status !== 'running') throw new Error(`job ${workflowId} ended ${job.status}: ${JSON.stringify(job.error)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A GET with the admin key, timed from the request until the whole body is read; throws unless 200. */
  async timedGet(route: string): Promise<{ ms: number; body: unknown }> {
    const started = performance.now();
    const res = await fetch(`${this.api}${route}`, { headers: { 'x-api-key': ADMIN_KEY } });
    const body: unknown = await res.json();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}: ${JSON.stringify(body)}`);
    return { ms, body };
  }

  /** The API process started with the stack. */
  get apiProcess(): ChildProcess {
    return this.children[1];
  }

  /** The worker processes in the order they were started (those of `start()` first), stopped ones included. */
  get workers(): ChildProcess[] {
    return [...this.workerProcesses];
  }

  /** Starts another worker process on the stack's database and Temporal, with settings of its own; `close()` ends it too. */
  addWorker(name: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
    const worker = start(name, process.execPath, [...WORKER_NODE_FLAGS, path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], { ...this.env, ...env });
    this.children.push(worker);
    this.workerProcesses.push(worker);
    return worker;
  }

  /** Starts another API process (a replica) on the stack's database and Temporal; resolves with its base URL once ready. */
  async addApi(name: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
    const port = await freePort();
    const api = start(name, process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], { ...this.env, ...env, PORT: String(port) });
    this.children.push(api);
    const url = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${url}/api/v1/health/ready`)).ok, `${name} to be ready`);
    return url;
  }

  /** SIGTERM (a graceful stop: a worker drains) and wait for the exit; SIGKILL after `graceMs`. Resolves with how it ended. */
  async stopProcess(child: ChildProcess, graceMs = 60_000): Promise<string> {
    if (!processExited(child)) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    return child.signalCode ?? `exit ${child.exitCode}`;
  }

  stop(): void {
    for (const child of [...this.children].reverse()) child.kill('SIGTERM');
  }

  /** Stops every process, the apps before Temporal, and waits until all have exited. */
  async close(): Promise<void> {
    const [temporal, ...apps] = this.children;
    await Promise.all(apps.map((child) => this.stopProcess(child)));
    await this.stopProcess(temporal, 10_000);
  }
}

/** The machine, for every figure a bench prints. */
export const machineLine = (): string => `${os.cpus().length} cores · ${os.cpus()[0].model} · Node ${process.version}`;
