/* `npm run bench:ingest`: the full 1.5 M-row recording set (8 files) on MySQL/MariaDB, timed in one run as
 *   (a) a raw `LOAD DATA LOCAL INFILE` of the same files into a scratch table with the same keys, and
 *   (b) the ingest workflow end to end: HTTP upload → Temporal → worker → database, all 8 files at once;
 * then the same 8 files again (each must come back as a duplicate). Prints rows/s, the ratio b/a, the
 * worker's peak RSS and the re-ingest times as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI.       */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { recordingFileName, writeRecording, type RecordingSpec } from '@him/datagen';
import { migrateDatabase } from '@him/db';

const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
serverUrl.pathname = '';
const SERVER = serverUrl.toString();
serverUrl.pathname = '/him_mes_bench';
const DB_URL = serverUrl.toString();
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const DIR = path.join(REPO_ROOT, 'data', 'bench', 'recordings');
const SPECS: RecordingSpec[] = [1, 2].flatMap((machine) => [1, 2, 3, 4].map((sensor) => ({ machine, sensor, seed: 42 })));

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
  child.stderr!.on('data', (d) => process.env.BENCH_VERBOSE && process.stderr.write(`[${name}] ${d}`));
  return child;
}

/** Peak resident set size of a live process (Linux VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function generate(): Promise<{ file: string; rows: number; bytes: number }[]> {
  fs.mkdirSync(DIR, { recursive: true });
  const files = [];
  for (const spec of SPECS) files.push(await writeRecording(path.join(DIR, recordingFileName(spec.machine, spec.sensor)), spec).then((w) => ({ file: w.path, rows: w.rows, bytes: w.bytes })));
  return files;
}

async function rawLoadData(files: { file: string }[]): Promise<number> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
  await conn.query('drop table if exists bench_raw_vibration');
  await conn.query('create table bench_raw_vibration like vibration_data');
  const started = performance.now();
  for (const { file } of files) {
    const [, machine, sensor] = /g(\d+)_sensor(\d+)/.exec(path.basename(file))!;
    await conn.query({
      sql:
        "load data local infile 'raw' ignore into table bench_raw_vibration fields terminated by ',' lines terminated by '\\n' " +
        '(measured_time, normal, unbalance, looseness, unbalance_looseness) set machine_name = ?, sensor_no = ?, collected_at = ?',
      values: [`g${machine}`, sensor, '1970-01-01 00:00:00'],
      infileStreamFactory: () => fs.createReadStream(file, { highWaterMark: 64 * 1024 }),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await conn.query('drop table bench_raw_vibration');
  await conn.end();
  return seconds;
}

async function upload(api: string, file: string): Promise<string> {
  const form = new FormData();
  form.append('file', await fs.openAsBlob(file), path.basename(file));
  const res = await fetch(`${api}/api/v1/jobs/ingest`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: form });
  const body = (await res.json()) as { workflow_id: string; message?: string };
  if (res.status !== 202) throw new Error(`upload of ${file} answered ${res.status}: ${body.message}`);
  return body.workflow_id;
}

async function result(api: string, workflowId: string): Promise<Record<string, any>> {
  for (;;) {
    const res = await fetch(`${api}/api/v1/jobs/${workflowId}`, { headers: { 'x-api-key': ADMIN_KEY } });
    const job = (await res.json()) as Record<string, any>;
    if (job.status === 'completed') return job.result;
    if (job.status !== 'running') throw new Error(`job ${workflowId} ended ${job.status}: ${JSON.stringify(job.error)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  try {
    console.log('generating the recording set…');
    const files = await generate();
    const rows = files.reduce((a, f) => a + f.rows, 0);
    const mb = files.reduce((a, f) => a + f.bytes, 0) / 1e6;
    console.log(`${files.length} files, ${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB`);

    const admin = await createConnection(SERVER);
    await admin.query('drop database if exists him_mes_bench');
    await admin.end();
    await migrateDatabase({ kind: 'mysql', url: DB_URL, poolMax: 2, debug: false });

    console.log('(a) raw LOAD DATA LOCAL INFILE…');
    const rawSeconds = await rawLoadData(files);

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
      // The bench polls job status hard; the per-key limit is not what is measured here.
      RATE_LIMIT_PER_MINUTE: '1000000',
      BLOB_DIR: path.join(tmp, 'blobs'),
      WORKER_BUNDLE_PATH: path.join(REPO_ROOT, 'dist', 'workflow-bundle.js'),
    };
    const cli = process.env.TEMPORAL_CLI ?? 'temporal';
    children.push(start('temporal', cli, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort), '--log-level', 'error', '--search-attribute', 'JobType=Keyword', '--search-attribute', 'MainEntity=Keyword'], {}));
    const api = `http://127.0.0.1:${apiPort}`;
    children.push(start('api', process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], env));
    const worker = start('worker', process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], env);
    children.push(worker);
    await until(async () => (await fetch(`${api}/api/v1/health/ready`)).ok, 'the API to be ready');

    console.log('(b) ingest workflow through the API, 8 files at once…');
    const started = performance.now();
    const ids = await Promise.all(files.map((f) => upload(api, f.file)));
    const results = await Promise.all(ids.map((id) => result(api, id)));
    const workflowSeconds = (performance.now() - started) / 1000;
    const inserted = results.reduce((a, r) => a + r.rows_inserted, 0);
    if (inserted !== rows) throw new Error(`inserted ${inserted} rows, expected ${rows}`);
    const rss = peakRssMb(worker.pid!);

    console.log('re-ingesting the same files…');
    const again: number[] = [];
    for (const f of files) {
      const t = performance.now();
      const r = await result(api, await upload(api, f.file));
      if (!r.duplicate_file) throw new Error(`${f.file} was not answered as a duplicate`);
      again.push((performance.now() - t) / 1000);
    }

    const rawRate = rows / rawSeconds;
    const wfRate = rows / workflowSeconds;
    const table = [
      `| What | Time | Rows/s |`,
      `| --- | --- | --- |`,
      `| (a) raw \`LOAD DATA LOCAL INFILE\`, 8 files one after another | ${rawSeconds.toFixed(2)} s | ${Math.round(rawRate).toLocaleString('en')} |`,
      `| (b) ingest workflow via the API, 8 files at once | ${workflowSeconds.toFixed(2)} s | ${Math.round(wfRate).toLocaleString('en')} |`,
      `| ratio b/a | | **${(wfRate / rawRate).toFixed(2)}** |`,
      `| worker peak RSS | ${rss.toFixed(0)} MB | |`,
      `| re-ingest of each file (duplicate), max / mean | ${Math.max(...again).toFixed(3)} s / ${(again.reduce((a, b) => a + b, 0) / again.length).toFixed(3)} s | |`,
    ].join('\n');
    console.log(`\n${files.length} files, ${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB · ${os.cpus().length} cores · ${os.cpus()[0].model} · Node ${process.version}\n\n${table}`);
  } finally {
    for (const child of children.reverse()) child.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
