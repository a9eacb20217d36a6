/* `npm run bench:queries`: every read route of the query API at the demo volume plus 1 M diagnoses, on MySQL/MariaDB.
 * Setup (not timed), in a fresh him_mes_bench:
 *   1. the recording set (1.5 M vibration_data rows, 8 machine/sensor series) with `LOAD DATA LOCAL INFILE`, for the
 *      seed's grouped-range route;
 *   2. what `npm start` loads, through the ingest workflow: the committed samples (data/samples) and the demo plant
 *      (`generate demo`, 14 days ending today, into data/bench/demo; the real Tennessee Eastman lots d00_te/d04_te when
 *      ../shared/data/tep has them, else the generated ones), then one diagnosis sweep, so diagnoses, anomalies,
 *      predictions and KPIs exist as a user finds them;
 *   3. the plant's history before the demo: 40,000 captures of g1–g5 (one every 30 min per machine, 24 s each, their
 *      samples not kept) with what the sweep writes for each — 24 window-level diagnoses and one capture-level one —
 *      1,000,000 vibration_diagnosis rows, from MariaDB's sequence engine; fault episodes of a few days per machine;
 *   4. `ANALYZE TABLE`, then a KPI rollup (POST /jobs/kpi-rollup) over the history and the demo.
 * Then 5 warm-up and 50 timed rounds; each round requests every route once and, as a same-run baseline, the liveness
 * route (no database). Prints p50/p95 (bar: p95 < 25 ms) as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI, TEP_DATA_DIR.           */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection, type Connection, type ResultSetHeader } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { BenchStack, DB_URL, freshDatabase, generateRecordings, machineLine } from './stack';

const RUNS = 50;
const WARM_UP = 5;
const BASELINE = '/api/v1/health';
const DEMO_DAYS = 14;
const DAY_MS = 86_400_000;
/** The history: captures per machine, one every CAPTURE_EVERY_MIN minutes, WINDOWS_PER_CAPTURE 1 s windows each. */
const HISTORY_MACHINES = 5;
const CAPTURES_PER_MACHINE = 8_000;
const CAPTURE_EVERY_MIN = 30;
const WINDOWS_PER_CAPTURE = 24;
const HISTORY_DIAGNOSES = HISTORY_MACHINES * CAPTURES_PER_MACHINE * (WINDOWS_PER_CAPTURE + 1);
/** Uploads in flight at once while loading (the worker's I/O concurrency). */
const UPLOADS_AT_ONCE = 8;
const TEP_DATA_DIR = path.resolve(REPO_ROOT, process.env.TEP_DATA_DIR ?? '../shared/data/tep');

const utcDay = (t: Date | number): string => new Date(t).toISOString().slice(0, 10);
const sqlTime = (t: Date): string => t.toISOString().slice(0, 23).replace('T', ' ');

async function loadRecordings(conn: Connection, files: { file: string }[]): Promise<void> {
  for (const { file } of files) {
    const [, machine, sensor] = /g(\d+)_sensor(\d+)/.exec(path.basename(file))!;
    await conn.query({
      sql:
        "load data local infile 'raw' into table vibration_data fields terminated by ',' lines terminated by '\\n' " +
        '(measured_time, normal, unbalance, looseness, unbalance_looseness) set machine_name = ?, sensor_no = ?, collected_at = ?',
      values: [`g${machine}`, sensor, '2026-01-01 00:00:00'],
      infileStreamFactory: () => fs.createReadStream(file, { highWaterMark: 64 * 1024 }),
    });
  }
}

/** The files `npm start` sends to the ingest workflow (scripts/start.mjs), the demo plant generated as it does. */
function demoFiles(end: string): { file: string; fields?: Record<string, string> }[] {
  const demo = path.join(REPO_ROOT, 'data', 'bench', 'demo');
  const generated = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'tools', 'src', 'generate.js'), 'demo', '--out', demo, '--end', end], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (generated.status !== 0) throw new Error('generate demo failed');
  const listed = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => /\.(csv|dat)$/.test(f) && !f.includes('truth'))
      .map((f) => ({ file: path.join(dir, f) }));
  const samples = path.join(REPO_ROOT, 'data', 'samples');
  const day = (offset: number) => new Date(new Date(`${end}T00:00:00Z`).getTime() + offset * DAY_MS).toISOString();
  const realRuns = ['d00_te.dat', 'd04_te.dat'].map((f) => path.join(TEP_DATA_DIR, f));
  const lots = realRuns.every((f) => fs.existsSync(f))
    ? [
        { file: realRuns[0], fields: { start_time: day(-4) } },
        { file: realRuns[1], fields: { start_time: day(-2) } },
      ]
    : [
        { file: path.join(demo, 'tep', 'demo_lot_a.dat'), fields: { start_time: day(-2) } },
        { file: path.join(demo, 'tep', 'demo_lot_b.dat'), fields: { start_time: day(-1) } },
      ];
  return [...['vibration', 'captures', 'tep'].flatMap((dir) => listed(path.join(samples, dir))), ...listed(path.join(demo, 'captures')), ...lots];
}

/**
 * The plant's history before `until`: each machine's captures every 30 min, and for each what the sweep writes (one
 * diagnosis per 1 s window, one for the capture; same model version, job and probabilities layout as the sweep's own
 * rows). A machine is faulty 3 days in 30 (its own fault type, its own phase), with a one-capture fault now and then
 * and a window now and then read as normal within a fault. Returns the first day of the history.
 */
async function insertHistory(conn: Connection, until: Date): Promise<string> {
  const [[sweepRow]] = await conn.query<any[]>("select model_version, job_id from vibration_diagnosis where level = 'window' and model_version <> '' limit 1");
  if (!sweepRow) throw new Error('the demo sweep wrote no window diagnosis');
  // A quarter past and to the hour: clear of the committed sample captures (on the hour, inside the history's span).
  const first = new Date(until.getTime() - CAPTURES_PER_MACHINE * CAPTURE_EVERY_MIN * 60_000 + 15 * 60_000);
  const captures = HISTORY_MACHINES * CAPTURES_PER_MACHINE;
  await conn.query(
    `insert into capture (machine_name, sensor_no, captured_at, sampling_rate_hz, sample_count)
     select concat('g', seq % ${HISTORY_MACHINES} + 1), '1', timestamp'${sqlTime(first)}' + interval (seq div ${HISTORY_MACHINES}) * ${CAPTURE_EVERY_MIN} minute,
            1351, ${WINDOWS_PER_CAPTURE} * 1351
     from seq_0_to_${captures - 1}`,
  );
  // The capture's fault: k = its index within the machine (half-hours since the history's start), m = the machine.
  const faultOf = (k: string, m: string) => `case when (${k} div 48 + 7 * ${m}) % 30 < 3 then 1 + ${m} % 3 when ${k} % 97 = ${m} then 2 else 0 end`;
  const probabilities = (fault: string, confidence: string) =>
    `concat('[', concat_ws(',', if(${fault} = 0, ${confidence}, (1 - ${confidence}) / 3), if(${fault} = 1, ${confidence}, (1 - ${confidence}) / 3),
       if(${fault} = 2, ${confidence}, (1 - ${confidence}) / 3), if(${fault} = 3, ${confidence}, (1 - ${confidence}) / 3)), ']')`;
  const history = `from capture c where c.ingest_id is null`;
  const k = `timestampdiff(minute, timestamp'${sqlTime(first)}', c.captured_at) div ${CAPTURE_EVERY_MIN}`;
  const m = `(substr(c.machine_name, 2) - 1)`;
  const [written] = await conn.query<ResultSetHeader>(
    `insert into vibration_diagnosis (machine_name, sensor_no, detected_at, fault_type, window_start, window_end, confidence, probabilities, model_version, job_id, level, capture_id)
     select machine_name, sensor_no, detected_at, fault, window_start, window_end, confidence, ${probabilities('fault', 'confidence')}, ?, ?, level, capture_id
     from (
       select c.machine_name, c.sensor_no, c.captured_at + interval w.seq second as detected_at,
              if((${k} * ${WINDOWS_PER_CAPTURE} + w.seq) % 13 = 0, 0, ${faultOf(k, m)}) as fault,
              c.captured_at + interval w.seq second as window_start, c.captured_at + interval (w.seq + 1) second as window_end,
              0.75 + ((${k} * 31 + w.seq * 7) % 25) / 100 as confidence, 'window' as level, c.id as capture_id
       ${history.replace('from capture c', `from capture c join seq_0_to_${WINDOWS_PER_CAPTURE - 1} w`)}
       union all
       select c.machine_name, c.sensor_no, c.captured_at, ${faultOf(k, m)}, c.captured_at, c.captured_at + interval ${WINDOWS_PER_CAPTURE} second,
              0.8 + (${k} % 19) / 100, 'capture', c.id
       ${history}
     ) as d`,
    [sweepRow.model_version, sweepRow.job_id],
  );
  if (written.affectedRows !== HISTORY_DIAGNOSES) throw new Error(`the history holds ${written.affectedRows} diagnoses, not ${HISTORY_DIAGNOSES}`);
  return utcDay(first);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Rows answered: a page's items (and its total), an array's length, else 1. */
function answered(body: unknown): string {
  if (Array.isArray(body)) return String(body.length);
  const page = body as { items?: unknown[]; total?: number; points?: number; trend?: unknown[] };
  if (Array.isArray(page.items)) return `${page.items.length}${page.total !== undefined ? ` of ${page.total.toLocaleString('en')}` : ''}`;
  if (page.points !== undefined) return `${page.points} points`;
  return '1';
}

async function main(): Promise<void> {
  console.log('generating the recording set…');
  const files = await generateRecordings();
  const recordingRows = files.reduce((a, f) => a + f.rows, 0);
  await freshDatabase();
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z', multipleStatements: false });
  console.log(`loading ${recordingRows.toLocaleString('en')} vibration_data rows…`);
  await loadRecordings(conn, files);

  const today = utcDay(Date.now());
  const demoStart = new Date(new Date(`${today}T00:00:00Z`).getTime() - DEMO_DAYS * DAY_MS);
  const uploads = demoFiles(today);
  const stack = await BenchStack.start();
  try {
    console.log(`loading the demo (${uploads.length} files) through the ingest workflow…`);
    for (let from = 0; from < uploads.length; from += UPLOADS_AT_ONCE) {
      const ids = await Promise.all(uploads.slice(from, from + UPLOADS_AT_ONCE).map((u) => stack.upload(u.file, u.fields)));
      await Promise.all(ids.map((id) => stack.result(id)));
    }
    console.log('the demo diagnosis sweep…');
    const sweep = await stack.result(await stack.startJob('diagnosis-sweep', {}));
    console.log(`  ${sweep.items} series items, ${sweep.diagnoses_written} diagnoses written`);

    console.log(`the history: ${HISTORY_DIAGNOSES.toLocaleString('en')} diagnoses of ${(HISTORY_MACHINES * CAPTURES_PER_MACHINE).toLocaleString('en')} captures…`);
    const historyStart = await insertHistory(conn, demoStart);
    await conn.query('analyze table vibration_data, vibration_diagnosis, capture, capture_sample, anomaly, prediction, process_value, lot, equipment, sensor');
    console.log(`KPI rollup ${historyStart} … ${today}…`);
    await stack.result(await stack.startJob('kpi-rollup', { from: historyStart, to: today }));
    await conn.query('analyze table kpi_equipment_daily, kpi_lot');

    const [counts] = await conn.query<any[]>(
      `select (select count(*) from vibration_diagnosis) as diagnoses, (select count(*) from capture) as captures, (select count(*) from capture_sample) as samples,
              (select count(*) from anomaly) as anomalies, (select count(*) from prediction) as predictions, (select count(*) from process_value) as process_values,
              (select count(*) from lot) as lots, (select count(*) from kpi_equipment_daily) as kpi_days`,
    );
    const [[capture]] = await conn.query<any[]>("select id, sample_count from capture where machine_name = 'g3' and sample_count > 0 order by captured_at desc limit 1");
    const [[lot]] = await conn.query<any[]>('select l.code from lot l join anomaly a on a.lot_id = l.id group by l.code order by count(*) desc limit 1');
    const week = utcDay(Date.parse(`${today}T00:00:00Z`) - 7 * DAY_MS);
    const routes = [
      '/api/v1/equipment',
      '/api/v1/equipment/g3',
      '/api/v1/equipment/g3/health',
      '/api/v1/captures',
      `/api/v1/captures?machine_name=g3&sensor_no=1&from=${week}T00:00:00Z&to=${today}T23:59:59Z`,
      '/api/v1/captures?machine_name=g3',
      `/api/v1/captures?from=${week}T00:00:00Z&to=${today}T23:59:59Z`,
      `/api/v1/captures/${capture.id}`,
      '/api/v1/lots',
      `/api/v1/lots/${lot.code}`,
      `/api/v1/timeseries?lot=${lot.code}&tag=XMEAS_9`,
      '/api/v1/anomalies',
      '/api/v1/anomalies?equipment=TEP',
      `/api/v1/anomalies?lot_code=${lot.code}`,
      '/api/v1/anomalies?severity=high',
      '/api/v1/anomalies?acknowledged=false',
      `/api/v1/anomalies?from=${utcDay(Date.parse(`${today}T00:00:00Z`) - 3 * DAY_MS)}T00:00:00Z&to=${today}T23:59:59Z`,
      `/api/v1/predictions?lot_code=${lot.code}`,
      `/api/v1/kpi?equipment=g3&from=${historyStart}&to=${today}&granularity=day`,
      `/api/v1/kpi?equipment=g3&from=${historyStart}&to=${today}&granularity=week`,
      `/api/v1/kpi?equipment=g3&from=${historyStart}&to=${today}&granularity=month`,
      `/api/v1/kpi?from=${historyStart}&to=${today}&granularity=day`,
      '/api/v1/kpi',
      '/api/v1/kpi/lots',
      '/api/v1/vibration-data/grouped-range?start=0&end=140&limit=100',
      '/api/v1/vibration-diagnosis/grouped-recent?limit=10',
      BASELINE,
    ];

    const loadBefore = os.loadavg()[0];
    // The liveness route (no database) is timed in the same rounds: what HTTP and the machine's load cost alone.
    const times = routes.map((): number[] => []);
    const rows = routes.map(() => '');
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      for (const [k, route] of routes.entries()) {
        const { ms, body } = await stack.timedGet(route);
        if (i < WARM_UP) continue;
        times[k].push(ms);
        rows[k] = answered(body);
      }
    }
    const loadAfter = os.loadavg()[0];
    const lines = ['| Route | Rows answered | HTTP p50 / p95 |', '| --- | --- | --- |'];
    for (const [k, route] of routes.entries()) {
      const sorted = times[k].sort((a, b) => a - b);
      const p95 = percentile(sorted, 95);
      const shown = route.replace('/api/v1', '');
      const name = route === BASELINE ? `baseline: \`GET ${shown}\` (liveness, no database)` : `\`GET ${shown}\``;
      lines.push(`| ${name} | ${rows[k]} | ${percentile(sorted, 50).toFixed(1)} / ${route !== BASELINE && p95 >= 25 ? `**${p95.toFixed(1)}**` : p95.toFixed(1)} ms |`);
    }
    const c = counts[0];
    console.log(
      `\n${recordingRows.toLocaleString('en')} vibration_data rows; ${Number(c.diagnoses).toLocaleString('en')} diagnoses, ${Number(c.captures).toLocaleString('en')} captures ` +
        `(${Number(c.samples).toLocaleString('en')} samples), ${c.lots} lots (${Number(c.process_values).toLocaleString('en')} process values), ` +
        `${Number(c.anomalies).toLocaleString('en')} anomalies, ${Number(c.predictions).toLocaleString('en')} predictions, ${c.kpi_days} KPI days; ` +
        `${RUNS} runs each; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after · ${machineLine()}\n`,
    );
    console.log(lines.join('\n'));
  } finally {
    stack.stop();
    await conn.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
