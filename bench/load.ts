/* `npm run bench:load`: the API under load while a sweep and an ingest run, on MySQL/MariaDB, the system as separate
 * processes (Temporal dev server, the API, an I/O worker and a CPU worker) and the load generator (autocannon, in this
 * process) on the same machine.
 * Setup (not timed): captures of g1–g5 (2 sensors, every 6 h for 3 days) and a Tennessee Eastman lot (d04_te: the real
 * run from TEP_DATA_DIR when this machine has it, else a generated one) through the ingest workflow, one sweep (its
 * diagnoses, anomalies, predictions and KPI rollup are what the reads find); then the next 2 days' captures of 20
 * streams (g1–g5 × 4 sensors, 16 s each), not yet swept; API keys, one per endpoint.
 * Load: at once, an ingest of a large recording (g9_sensor1.csv, LOAD_RECORDING_SECONDS of samples, default 1200:
 * ~1.6 M rows), the diagnosis sweep of those new captures, and autocannon against every endpoint below for
 * LOAD_SECONDS (default 60) with LOAD_CONNECTIONS (default 50) connections in all, split over the endpoints, each
 * endpoint an autocannon instance of its own (its own counts and latencies). The bulk routes post realistic batches
 * (1,000 samples, 500 diagnoses), each request's rows its own, so what each stored can be checked afterwards.
 * Then, checked: no error and no non-2xx answer; every acknowledged bulk request's rows are stored, each once, and a
 * request in flight when the load stopped stored all of its rows or none; the ingest and the sweep completed.
 * Rate limiter, separately: an API replica with the default RATE_LIMIT_PER_MINUTE (3000; the load's API has 1,000,000,
 * as every bench's) and two fresh keys: one sends 4,000 requests as fast as 10 connections go and must get exactly
 * 3,000 answered and 1,000 refused with 429, the other, at 5 requests/s for LIMIT_SECONDS (default 15) at the same
 * time, must get no 429.
 * The API and the workers write CPU profiles with BENCH_PROFILE_DIR (see bench/stack.ts).
 * Prints Markdown tables for docs/BENCHMARKS.md. Env: DATABASE_URL (server), BENCH_DATABASE (default him_mes_bench),
 * TEMPORAL_CLI, TEP_DATA_DIR, LOAD_SECONDS, LOAD_CONNECTIONS, LOAD_RECORDING_SECONDS, LIMIT_SECONDS.          */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import { Client, Connection } from '@temporalio/client';
import { createConnection } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { DEMO_MACHINES, planCaptures, scriptedFaultHistory, writeCaptures, writeRecording, writeTepRun, type CaptureCampaign } from '@him/datagen';
import { BenchStack, cpuSeconds, DB_URL, dropBenchDatabase, freshDatabase, machineLine, peakRssMb } from './stack';

const LOAD_SECONDS = Math.max(1, Number(process.env.LOAD_SECONDS ?? 60));
const CONNECTIONS = Math.max(8, Number(process.env.LOAD_CONNECTIONS ?? 50));
const RECORDING_SECONDS = Math.max(10, Number(process.env.LOAD_RECORDING_SECONDS ?? 1200));
const LIMIT_SECONDS = Math.max(5, Number(process.env.LIMIT_SECONDS ?? 15));
/** The replica's per-key budget: RATE_LIMIT_PER_MINUTE's default. */
const RATE_LIMIT = 3000;
/** Requests the key over its limit sends beyond it, all within the minute: each must be answered 429. */
const OVER_LIMIT = 1000;
const TEP_DATA_DIR = path.resolve(REPO_ROOT, process.env.TEP_DATA_DIR ?? '../shared/data/tep');
const DATA_ROWS_PER_POST = 1000;
const DIAGNOSES_PER_POST = 500;
/** The machine the bulk posts write as, apart from everything the plant's files and the sweep store. */
const LOAD_MACHINE = 'load1';
const UPLOADS_AT_ONCE = 8;

const SEED_START = new Date('2026-11-01T00:00:00Z');
const seedCampaign: CaptureCampaign = {
  start: SEED_START,
  days: 3,
  everyHours: 6,
  machines: DEMO_MACHINES,
  sensorsPerMachine: 2,
  seconds: 4,
  seed: 'bench-load',
  history: scriptedFaultHistory(SEED_START),
};
const SWEEP_START = new Date('2026-11-04T00:00:00Z');
const sweepCampaign: CaptureCampaign = {
  start: SWEEP_START,
  days: 2,
  everyHours: 6,
  machines: DEMO_MACHINES,
  sensorsPerMachine: 4,
  seconds: 16,
  seed: 'bench-load',
  history: scriptedFaultHistory(SEED_START),
};

const utcDay = (t: Date): string => t.toISOString().slice(0, 10);

/** One endpoint under load: its route, the role of its key, its share of the connections, and, for bulk posts, its bodies. */
interface Endpoint {
  name: string;
  path: string;
  connections: number;
  role?: 'viewer' | 'operator';
  bulk?: { rows: number; body: (request: number) => string };
}

/** What one bulk endpoint's requests were answered: per request number, rows stored by it (acknowledged ones only). */
interface BulkAccount {
  sent: Set<number>;
  acknowledged: Map<number, number>;
}

interface EndpointResult {
  endpoint: Endpoint;
  result: autocannon.Result;
  bulk?: BulkAccount;
}

const statusCount = (result: autocannon.Result, status: number): number => result.statusCodeStats?.[`${status}`]?.count ?? 0;

/** Runs autocannon against one endpoint with its key; a bulk endpoint's requests each get a body of their own. */
function cannon(base: string, endpoint: Endpoint, key: string, options: Partial<autocannon.Options>): Promise<EndpointResult> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const bulk = endpoint.bulk;
  const account: BulkAccount = { sent: new Set(), acknowledged: new Map() };
  let next = 0;
  const requests: autocannon.Request[] = [
    bulk
      ? {
          method: 'POST',
          path: endpoint.path,
          headers,
          setupRequest: (req, context: { request?: number }) => {
            context.request = next++;
            account.sent.add(context.request);
            return { ...req, body: bulk.body(context.request) };
          },
          onResponse: (status, body, context: { request?: number }) => {
            if (status === 200) account.acknowledged.set(context.request!, (JSON.parse(body) as { inserted: number }).inserted);
          },
        }
      : { method: 'GET', path: endpoint.path, headers },
  ];
  return autocannon({ url: base, connections: endpoint.connections, requests, timeout: 30, ...options }).then((result) => ({
    endpoint,
    result,
    bulk: bulk ? account : undefined,
  }));
}

/** 1,000 samples of the load machine, one recording per request (collected_at), so each request's rows are its own. */
function dataBody(request: number): string {
  const collectedAt = new Date(Date.UTC(2026, 0, 1) + request * 1000).toISOString();
  const rows: string[] = [];
  for (let i = 0; i < DATA_ROWS_PER_POST; i++) {
    const t = i / 1000;
    rows.push(
      `{"machine_name":"${LOAD_MACHINE}","sensor_no":"1","collected_at":"${collectedAt}","measured_time":${t},"normal":${Math.sin(t * 157).toFixed(6)},` +
        `"unbalance":${Math.sin(t * 157 + 1).toFixed(6)},"looseness":${Math.cos(t * 314).toFixed(6)},"unbalance_looseness":${Math.cos(t * 157).toFixed(6)}}`,
    );
  }
  return `[${rows.join(',')}]`;
}

/** 500 diagnoses of the load machine, 1 s apart, the request's number in model_version. */
function diagnosisBody(request: number): string {
  const rows: string[] = [];
  for (let i = 0; i < DIAGNOSES_PER_POST; i++) {
    const at = new Date(Date.UTC(2026, 0, 1) + (request * DIAGNOSES_PER_POST + i) * 1000).toISOString();
    const fault = (request + i) % 4;
    const p = [0, 1, 2, 3].map((c) => (c === fault ? 0.91 : 0.03));
    rows.push(
      `{"machine_name":"${LOAD_MACHINE}","sensor_no":"1","detected_at":"${at}","fault_type":${fault},"confidence":0.91,"probabilities":[${p.join(',')}],"model_version":"load-${request}"}`,
    );
  }
  return `{"rows":[${rows.join(',')}]}`;
}

/**
 * What the bulk posts stored, per request: every acknowledged request's rows all stored, a request in flight when the
 * load stopped all or none, no row twice. Returns the figures for the report; throws on any breach.
 */
async function checkBulkRows(data: BulkAccount, diagnoses: BulkAccount): Promise<string[]> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
  try {
    const [dataRows] = await conn.query<any[]>(
      'select collected_at as k, count(*) as n, count(distinct measured_time) as d from vibration_data where machine_name = ? group by collected_at',
      [LOAD_MACHINE],
    );
    const [diagnosisRows] = await conn.query<any[]>(
      'select model_version as k, count(*) as n, count(distinct detected_at, sensor_no) as d from vibration_diagnosis where machine_name = ? group by model_version',
      [LOAD_MACHINE],
    );
    const requestOfData = (k: Date) => (k.getTime() - Date.UTC(2026, 0, 1)) / 1000;
    const requestOfDiagnosis = (k: string) => Number(k.slice('load-'.length));
    const lines: string[] = [];
    const problems: string[] = [];
    const check = (name: string, account: BulkAccount, perRequest: number, stored: { request: number; n: number; d: number }[]) => {
      const byRequest = new Map(stored.map((s) => [s.request, s]));
      let acknowledgedRows = 0;
      let unacknowledgedStored = 0;
      for (const [request, inserted] of account.acknowledged) {
        acknowledgedRows += inserted;
        if (inserted !== perRequest) problems.push(`${name}: request ${request} was answered inserted ${inserted}, not ${perRequest}`);
        if (byRequest.get(request)?.n !== perRequest) problems.push(`${name}: acknowledged request ${request} has ${byRequest.get(request)?.n ?? 0} rows stored`);
      }
      for (const s of stored) {
        if (s.n !== s.d) problems.push(`${name}: request ${s.request} has a row stored twice`);
        if (!account.sent.has(s.request)) problems.push(`${name}: rows of request ${s.request}, never sent`);
        if (!account.acknowledged.has(s.request)) {
          unacknowledgedStored += s.n;
          if (s.n !== perRequest) problems.push(`${name}: unacknowledged request ${s.request} stored ${s.n} of ${perRequest} rows`);
        }
      }
      const storedRows = stored.reduce((a, s) => a + s.n, 0);
      const inFlight = account.sent.size - account.acknowledged.size;
      lines.push(
        `${name}: ${account.acknowledged.size.toLocaleString('en')} requests acknowledged, ${acknowledgedRows.toLocaleString('en')} rows; ` +
          `${storedRows.toLocaleString('en')} rows stored = acknowledged + ${unacknowledgedStored.toLocaleString('en')} of the ${inFlight} request(s) in flight when the load stopped; no duplicate`,
      );
    };
    check(
      'POST /vibration-data/bulk',
      data,
      DATA_ROWS_PER_POST,
      dataRows.map((r) => ({ request: requestOfData(r.k as Date), n: Number(r.n), d: Number(r.d) })),
    );
    check(
      'POST /vibration-diagnosis/bulk',
      diagnoses,
      DIAGNOSES_PER_POST,
      diagnosisRows.map((r) => ({ request: requestOfDiagnosis(String(r.k)), n: Number(r.n), d: Number(r.d) })),
    );
    if (problems.length) throw new Error(`the bulk posts' rows do not add up:\n  ${problems.slice(0, 20).join('\n  ')}`);
    return lines;
  } finally {
    await conn.end();
  }
}

/** Uploads files through the ingest workflow, a few at a time, and waits for each job. */
async function ingestAll(stack: BenchStack, uploads: { file: string; fields?: Record<string, string> }[]): Promise<void> {
  for (let from = 0; from < uploads.length; from += UPLOADS_AT_ONCE) {
    const ids = await Promise.all(uploads.slice(from, from + UPLOADS_AT_ONCE).map((u) => stack.upload(u.file, u.fields)));
    await Promise.all(ids.map((id) => stack.result(id)));
  }
}

async function issueKey(stack: BenchStack, name: string, role: string): Promise<string> {
  const res = await fetch(`${stack.api}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'x-api-key': 'bench-admin-key-0123456789abcdef', 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  const body = (await res.json()) as { key: string; message?: string };
  if (res.status !== 201) throw new Error(`issuing key ${name} answered ${res.status}: ${body.message}`);
  return body.key;
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'data', 'bench', 'load');
  fs.rmSync(dir, { recursive: true, force: true });
  console.log('generating the files…');
  await writeCaptures(path.join(dir, 'seed'), seedCampaign);
  const sweepWritten = await writeCaptures(path.join(dir, 'sweep'), sweepCampaign);
  const recording = await writeRecording(path.join(dir, 'g9_sensor1.csv'), { machine: 9, sensor: 1, seed: 'bench-load', seconds: RECORDING_SECONDS, startupSeconds: 0 });
  const realLot = path.join(TEP_DATA_DIR, 'd04_te.dat');
  const lotFile = fs.existsSync(realLot) ? realLot : path.join(dir, 'd04_te.dat');
  if (lotFile !== realLot) await writeTepRun(lotFile, 960, 'bench-load', { fromRow: 160, shifts: [{ column: 3, sigmas: 4 }] });
  console.log(
    `seed ${planCaptures(seedCampaign).length} captures + lot d04_te (${lotFile === realLot ? 'the real run' : 'generated'}); ` +
      `for the sweep ${sweepWritten.files} captures (${sweepWritten.rows.toLocaleString('en')} samples); ` +
      `for the ingest ${path.basename(recording.path)}, ${recording.rows.toLocaleString('en')} rows, ${(recording.bytes / 1e6).toFixed(1)} MB`,
  );
  await freshDatabase();

  const stack = await BenchStack.start({
    env: { ENSURE_SCHEDULES: 'false' },
    workers: [
      { name: 'worker-io', env: { WORKER_QUEUES: 'io' } },
      { name: 'worker-cpu', env: { WORKER_QUEUES: 'cpu' } },
    ],
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    console.log('seeding through the ingest workflow and one sweep (not timed)…');
    const seedDir = path.join(dir, 'seed');
    const seedFiles = fs.readdirSync(seedDir).filter((f) => f.endsWith('Z.csv'));
    await ingestAll(stack, [...seedFiles.map((f) => ({ file: path.join(seedDir, f) })), { file: lotFile, fields: { start_time: '2026-11-02T00:00:00Z' } }]);
    const seedSweep = await stack.result(await stack.startJob('diagnosis-sweep', { day: '2026-11-03' }));
    console.log(`  seed sweep: ${seedSweep.diagnoses_written} diagnoses, ${seedSweep.anomalies_written} anomalies, ${seedSweep.predictions_written} predictions`);
    const sweepDir = path.join(dir, 'sweep');
    await ingestAll(
      stack,
      fs
        .readdirSync(sweepDir)
        .filter((f) => f.endsWith('Z.csv'))
        .map((f) => ({ file: path.join(sweepDir, f) })),
    );

    const day = utcDay(SEED_START);
    const lastDay = utcDay(new Date(SWEEP_START.getTime() - 86_400_000));
    const share = Math.floor(CONNECTIONS / 8);
    const endpoints: Endpoint[] = [
      { name: 'GET /health', path: '/api/v1/health', connections: share },
      { name: 'GET /vibration-diagnosis', path: '/api/v1/vibration-diagnosis?machine_name=g3&limit=100', connections: share },
      { name: 'GET /timeseries', path: '/api/v1/timeseries?lot=d04_te&tag=XMEAS_9&points=500', connections: share },
      { name: 'GET /kpi', path: `/api/v1/kpi?equipment=g3&from=${day}&to=${lastDay}&granularity=day`, connections: share },
      { name: 'GET /anomalies', path: '/api/v1/anomalies?lot_code=d04_te', connections: share },
      // The running sweep's status: a describe and a progress query to Temporal each time.
      { name: 'GET /jobs/{id}', path: '', connections: share },
      { name: 'POST /vibration-data/bulk', path: '/api/v1/vibration-data/bulk', connections: 0, role: 'operator', bulk: { rows: DATA_ROWS_PER_POST, body: dataBody } },
      {
        name: 'POST /vibration-diagnosis/bulk',
        path: '/api/v1/vibration-diagnosis/bulk',
        connections: 0,
        role: 'operator',
        bulk: { rows: DIAGNOSES_PER_POST, body: diagnosisBody },
      },
    ];
    // The bulk routes take what is left of the connections, half each.
    const left = CONNECTIONS - share * 6;
    endpoints[6].connections = Math.ceil(left / 2);
    endpoints[7].connections = Math.floor(left / 2);
    const keys = await Promise.all(endpoints.map((e, i) => issueKey(stack, `load-${i}`, e.role ?? 'viewer')));

    console.log(`load: ${CONNECTIONS} connections for ${LOAD_SECONDS} s, with an ingest of ${recording.rows.toLocaleString('en')} rows and a sweep…`);
    const loadBefore = os.loadavg()[0];
    const cpuBefore = stack.cpu();
    const cpuWorkerBefore = cpuSeconds(stack.workers[1].pid!);
    const t0 = performance.now();
    const at = () => (performance.now() - t0) / 1000;
    const ingestId = await stack.upload(recording.path);
    const sweep = await stack.accepted('/api/v1/jobs/diagnosis-sweep', { day: '2026-11-06' });
    const sweepId = String(sweep.workflow_id);
    endpoints[5].path = `/api/v1/jobs/${sweepId}`;
    const jobEnds: Record<string, number> = {};
    const ingestDone = stack.result(ingestId).then((r) => ((jobEnds.ingest = at()), r));
    const sweepDone = client.workflow
      .getHandle(sweepId)
      .result()
      .then((r: Record<string, any>) => ((jobEnds.sweep = at()), r));
    const results = await Promise.all(endpoints.map((e, i) => cannon(stack.api, e, keys[i], { duration: LOAD_SECONDS })));
    const loadEnd = at();
    const cpuAfter = stack.cpu();
    const cpuWorkerUsed = cpuSeconds(stack.workers[1].pid!) - cpuWorkerBefore;
    const loadAfter = os.loadavg()[0];
    const ingest = await ingestDone;
    const swept = await sweepDone;

    const lines = [
      '| Endpoint | Connections | Requests | Req/s | p50 | p99 | 2xx | 429 | Other non-2xx | Errors (timeouts) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    let failures = 0;
    for (const { endpoint, result } of results) {
      const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
      const tooMany = statusCount(result, 429);
      const other = result.non2xx - tooMany;
      failures += result.non2xx + result.errors;
      const rows = endpoint.bulk ? ` (${endpoint.bulk.rows} rows each)` : '';
      lines.push(
        `| \`${endpoint.name}\`${rows} | ${endpoint.connections} | ${requests.toLocaleString('en')} | ${(requests / result.duration).toFixed(0)} | ` +
          `${ms(result.latency.p50)} ms | ${ms(result.latency.p99)} ms | ${result['2xx'].toLocaleString('en')} | ${tooMany} | ${other} | ${result.errors} (${result.timeouts}) |`,
      );
    }
    const bulkLines = await checkBulkRows(results[6].bulk!, results[7].bulk!);

    const dbCpu = cpuAfter.database - cpuBefore.database;
    const cpuLine = [
      `api ${(cpuAfter.api - cpuBefore.api).toFixed(1)}`,
      `database ${Number.isNaN(dbCpu) ? '–' : dbCpu.toFixed(1)}`,
      `worker-io ${(cpuAfter.worker - cpuBefore.worker).toFixed(1)}`,
      `worker-cpu ${cpuWorkerUsed.toFixed(1)}`,
      `temporal ${(cpuAfter.temporal - cpuBefore.temporal).toFixed(1)}`,
      `load generator ${(cpuAfter.bench - cpuBefore.bench).toFixed(1)}`,
    ].join(', ');
    console.log(`\n${machineLine()} · load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
    console.log(`${CONNECTIONS} connections for ${loadEnd.toFixed(1)} s; CPU seconds during the load: ${cpuLine}`);
    const [io, cpu] = stack.workers;
    console.log(
      `peak RSS so far: api ${peakRssMb(stack.apiProcess.pid!).toFixed(0)} MB, worker-io ${peakRssMb(io.pid!).toFixed(0)} MB, worker-cpu ${peakRssMb(cpu.pid!).toFixed(0)} MB`,
    );
    console.log(
      `ingest of ${path.basename(recording.path)}: ${ingest.status}, ${Number(ingest.rows_inserted).toLocaleString('en')} rows inserted of ${Number(ingest.rows_read).toLocaleString('en')}, ` +
        `done after ${jobEnds.ingest.toFixed(1)} s of the load`,
    );
    console.log(
      `sweep: ${swept.series_done}/${swept.series_total} series, ${swept.items} captures, ${Number(swept.windows).toLocaleString('en')} windows, ${swept.series_failed} failed, ` +
        `done after ${jobEnds.sweep.toFixed(1)} s of the load`,
    );
    for (const line of bulkLines) console.log(line);
    console.log(`\n${lines.join('\n')}\n`);

    if (ingest.status !== 'succeeded' || ingest.rows_inserted !== recording.rows) throw new Error(`the ingest ended ${ingest.status} with ${ingest.rows_inserted} rows`);
    if (swept.series_failed !== 0 || swept.items !== sweepWritten.files) throw new Error(`the sweep diagnosed ${swept.items} of ${sweepWritten.files} captures`);
    if (failures) throw new Error(`${failures} requests failed or were answered other than 2xx under load`);

    console.log(`rate limiter: a replica with RATE_LIMIT_PER_MINUTE=${RATE_LIMIT}, two fresh keys for ${LIMIT_SECONDS} s…`);
    const replica = await stack.addApi('api-replica', { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
    const limited: Endpoint = { name: 'GET /vibration-diagnosis', path: '/api/v1/vibration-diagnosis?machine_name=g3&limit=10', connections: 10 };
    const [greedyKey, politeKey] = await Promise.all([issueKey(stack, 'limit-greedy', 'viewer'), issueKey(stack, 'limit-polite', 'viewer')]);
    const [greedy, polite] = await Promise.all([
      cannon(replica, limited, greedyKey, { amount: RATE_LIMIT + OVER_LIMIT }),
      cannon(replica, { ...limited, connections: 1 }, politeKey, { duration: LIMIT_SECONDS, overallRate: 5 }),
    ]);
    const limiterLines = ['| Key (same replica, same route, same time) | Requests | 2xx | 429 | Other | p50 | p99 |', '| --- | --- | --- | --- | --- | --- | --- |'];
    for (const [name, { result }] of [
      [`over its limit: ${RATE_LIMIT + OVER_LIMIT} requests on 10 connections, as fast as they go`, greedy],
      ['within its limit: 5 requests/s', polite],
    ] as const) {
      const tooMany = statusCount(result, 429);
      limiterLines.push(
        `| ${name} | ${(result['2xx'] + result.non2xx).toLocaleString('en')} | ${result['2xx'].toLocaleString('en')} | ${tooMany.toLocaleString('en')} | ${result.non2xx - tooMany + result.errors} | ${ms(result.latency.p50)} ms | ${ms(result.latency.p99)} ms |`,
      );
    }
    console.log(`\n${limiterLines.join('\n')}\n`);
    if (greedy.result['2xx'] !== RATE_LIMIT || statusCount(greedy.result, 429) !== OVER_LIMIT) {
      throw new Error(`the key over its limit got ${greedy.result['2xx']} answers and ${statusCount(greedy.result, 429)} 429s, not ${RATE_LIMIT} and ${OVER_LIMIT}`);
    }
    if (polite.result.non2xx !== 0 || polite.result.errors !== 0) throw new Error('the key within its limit was refused');
  } finally {
    await connection.close();
    await stack.close();
    await dropBenchDatabase();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
