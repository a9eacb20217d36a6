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
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (d) => process.env.BENCH_VERBOSE && process.stderr.write(`[${name}] ${d}`));
  return child;
}

/** Peak resident set size of a live process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** CPU seconds (user + system) a live process has used so far (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The local database server's pid, when it runs on this machine (for its CPU share); undefined elsewhere. */
function databasePid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    const found = spawnSync('pidof', [name], { encoding: 'utf8' }).stdout?.trim().split(/\s+/)[0];
    if (found) return Number(found);
  }
  return undefined;
}

/** Temporal, the API and one worker on the bench database; `stop()` ends them all. */
export class BenchStack {
  private constructor(
    readonly api: string,
    readonly temporalAddress: string,
    readonly worker: ChildProcess,
    private readonly children: ChildProcess[],
  ) {}

  static async start(): Promise<BenchStack> {
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
    };
    const cli = process.env.TEMPORAL_CLI ?? 'temporal';
    const children = [
      start('temporal', cli, devServerArgs(temporalPort), {}),
      start('api', process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], env),
    ];
    // BENCH_PROFILE_DIR: the worker writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const worker = start('worker', process.execPath, [...WORKER_NODE_FLAGS, ...profile, path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], env);
    children.push(worker);
    const stack = new BenchStack(`http://127.0.0.1:${apiPort}`, env.TEMPORAL_ADDRESS, worker, children);
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

  stop(): void {
    for (const child of [...this.children].reverse()) child.kill('SIGTERM');
  }
}

/** The machine, for every figure a bench prints. */
export const machineLine = (): string => `${os.cpus().length} cores · ${os.cpus()[0].model} · Node ${process.version}`;
