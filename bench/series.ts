/* `npm run bench:series`: the two chart routes on a 190 k-point series on MySQL/MariaDB, cut to 1,000 points.
 * Setup (not timed):
 *   - one 190 k-sample capture (g1 sensor 1, ~140 s at ~1.35 kHz) through the ingest workflow, then the diagnosis
 *     sweep over it, so the capture has its window diagnoses;
 *   - one lot opened by the ingest of a short generated TEP run, whose values are then replaced, with
 *     `LOAD DATA LOCAL INFILE`, by 190 k observations of 8 tags, one every 10 s (22 days): through the ingest a
 *     190 k-observation run is 9.9 M values 3 minutes apart, 396 days, beyond the 31-day range a timeseries may span.
 * Timed: 50 rounds after a warm-up, each requesting `GET /captures/{id}?points=1000`, `GET /timeseries?…&points=1000`
 * and the liveness route (the same-run baseline: what HTTP and the machine's load cost alone), plus the bare SQL read
 * of each series (a prepared statement, as the repositories read them) for reference. Prints p50/p95
 * (bar: p95 < 100 ms) as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server), BENCH_DATABASE (default him_mes_bench), TEMPORAL_CLI.                                  */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { captureChunks, captureFileName, captureRowCount, FaultType, lineChunks, sensorProfile, writeChunks, writeTepRun, type CaptureSpec } from '@him/datagen';
import { BenchStack, DB_URL, freshDatabase, machineLine } from './stack';

const RUNS = 50;
const WARM_UP = 5;
const POINTS = 1000;
const SERIES_POINTS = 190_000;
const BASELINE = '/api/v1/health';

const SEED = 'bench-series';
const CAPTURED_AT = new Date('2026-11-01T03:00:00Z');
const samplingRateHz = sensorProfile(1, 1, SEED).samplingRateHz;
const CAPTURE: CaptureSpec = {
  machine: 1,
  sensor: 1,
  capturedAt: CAPTURED_AT,
  faultType: FaultType.Unbalance,
  speedHz: 25,
  seed: SEED,
  seconds: SERIES_POINTS / samplingRateHz,
  header: true,
};

const LOT_CODE = 'series_bench';
const LOT_TAGS = ['XMEAS_1', 'XMEAS_2', 'XMEAS_3', 'XMEAS_4', 'XMEAS_5', 'XMEAS_6', 'XMEAS_7', 'XMEAS_8'];
const TAG = 'XMEAS_7';
const LOT_STEP_MS = 10_000;

/** A random walk per tag, observation by observation as the ingest stores a run: `tag,measured_at,value` lines. */
function* lotLines(startMs: number): Generator<string> {
  const level = LOT_TAGS.map((_, k) => 100 * (k + 1));
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  for (let i = 0; i < SERIES_POINTS; i++) {
    const at = new Date(startMs + i * LOT_STEP_MS).toISOString().replace('T', ' ').replace('Z', '');
    for (let k = 0; k < LOT_TAGS.length; k++) {
      level[k] += next();
      yield `${LOT_TAGS[k]},${at},${level[k].toFixed(4)}`;
    }
  }
}

async function replaceLotValues(file: string): Promise<{ lotId: number; rows: number }> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
  try {
    const [[lot]] = await conn.query<any[]>('select id, equipment_id, started_at from lot where code = ?', [LOT_CODE]);
    await writeChunks(file, lineChunks(lotLines(new Date(`${lot.started_at}Z`).getTime())));
    await conn.query('delete from process_value where lot_id = ?', [lot.id]);
    const [result] = await conn.query<any>({
      sql:
        "load data local infile 'raw' into table process_value fields terminated by ',' lines terminated by '\\n' " + '(tag, measured_at, value) set equipment_id = ?, lot_id = ?',
      values: [lot.equipment_id, lot.id],
      infileStreamFactory: () => fs.createReadStream(file, { highWaterMark: 64 * 1024 }),
    });
    await conn.query('analyze table process_value, capture_sample');
    return { lotId: lot.id, rows: result.affectedRows };
  } finally {
    await conn.end();
  }
}

async function onlyCaptureId(): Promise<number> {
  const conn = await createConnection({ uri: DB_URL });
  try {
    const [[row]] = await conn.query<any[]>('select id from capture');
    return Number(row.id);
  } finally {
    await conn.end();
  }
}

/** The bare read of each series, as the repositories send it: a prepared statement, rows as arrays. */
async function timedSql(conn: Connection, sql: string, values: unknown[]): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const [rows] = await conn.execute<any[]>({ sql, values, rowsAsArray: true });
  return { ms: performance.now() - started, rows: rows.length };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'data', 'bench', 'series');
  fs.mkdirSync(dir, { recursive: true });
  const captureFile = path.join(dir, captureFileName(CAPTURE.machine, CAPTURE.sensor, CAPTURED_AT));
  await writeChunks(captureFile, captureChunks(CAPTURE));
  const runFile = path.join(dir, `${LOT_CODE}.dat`);
  await writeTepRun(runFile, 20, SEED);
  await freshDatabase();

  const stack = await BenchStack.start();
  try {
    console.log(`loading a ${captureRowCount(CAPTURE).toLocaleString('en')}-sample capture and a short TEP run through the ingest workflow, then the sweep (not timed)…`);
    const capture = await stack.result(await stack.upload(captureFile));
    await stack.result(await stack.upload(runFile));
    const sweep = await stack.result(await stack.startJob('diagnosis-sweep', { day: '2026-11-02' }));
    console.log(`loading ${SERIES_POINTS.toLocaleString('en')} observations × ${LOT_TAGS.length} tags into lot ${LOT_CODE} (LOAD DATA, not timed)…`);
    const lot = await replaceLotValues(path.join(dir, 'lot-values.csv'));
    const captureId = await onlyCaptureId();
    if (capture.rows_inserted !== captureRowCount(CAPTURE)) throw new Error(`the capture's ingest stored ${capture.rows_inserted} samples`);

    const routes = [`/api/v1/captures/${captureId}?points=${POINTS}`, `/api/v1/timeseries?lot=${LOT_CODE}&tag=${TAG}&points=${POINTS}`, BASELINE];
    const sqlReads = [
      { name: 'capture_sample of the capture', sql: 'select measured_time, value from capture_sample where capture_id = ? order by measured_time', values: [captureId] },
      {
        name: `process_value of ${TAG} in the lot, times as datetime text`,
        sql: 'select measured_at, value from process_value where lot_id = ? and tag = ? order by measured_at',
        values: [lot.lotId, TAG],
      },
      {
        name: `process_value of ${TAG} in the lot, times as epoch ms (as the repository reads it)`,
        sql: "select timestampdiff(microsecond, timestamp'1970-01-01 00:00:00', measured_at) / 1e3, value from process_value where lot_id = ? and tag = ? order by measured_at",
        values: [lot.lotId, TAG],
      },
    ];
    const times = routes.map((): number[] => []);
    const sqlTimes = sqlReads.map((): number[] => []);
    const source = new Map<string, number>();
    const conn = await createConnection({ uri: DB_URL, timezone: 'Z', dateStrings: true });
    try {
      for (let i = 0; i < WARM_UP + RUNS; i++) {
        for (const [k, route] of routes.entries()) {
          const { ms, body } = await stack.timedGet(route);
          if (i >= WARM_UP) times[k].push(ms);
          const answer = body as { source_points?: number; samples?: number };
          if (route !== BASELINE) source.set(route, answer.source_points ?? answer.samples ?? 0);
        }
        for (const [k, read] of sqlReads.entries()) {
          const { ms, rows } = await timedSql(conn, read.sql, read.values);
          if (rows !== SERIES_POINTS && rows !== captureRowCount(CAPTURE)) throw new Error(`${read.name}: ${rows} rows`);
          if (i >= WARM_UP) sqlTimes[k].push(ms);
        }
      }
    } finally {
      await conn.end();
    }

    const cell = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return `${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 95).toFixed(1)} ms`;
    };
    const lines = ['| Request | Series points | p50 / p95 |', '| --- | --- | --- |'];
    for (const [k, route] of routes.entries()) {
      const name = route === BASELINE ? `baseline: \`GET ${route.replace('/api/v1', '')}\` (liveness, no database)` : `\`GET ${route.replace('/api/v1', '')}\``;
      lines.push(`| ${name} | ${route === BASELINE ? '' : (source.get(route) ?? 0).toLocaleString('en')} | ${cell(times[k])} |`);
    }
    for (const [k, read] of sqlReads.entries())
      lines.push(`| reference: bare SQL read of ${read.name} (prepared, rows as arrays) | ${SERIES_POINTS.toLocaleString('en')} | ${cell(sqlTimes[k])} |`);
    console.log(
      `\n${RUNS} rounds after ${WARM_UP} warm-up · capture ${captureId} (${sweep.windows ?? '?'} windows diagnosed) · lot ${LOT_CODE}: ${lot.rows.toLocaleString('en')} process_value rows · ${machineLine()}\n`,
    );
    console.log(lines.join('\n'));
  } finally {
    stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
