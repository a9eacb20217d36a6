/* `npm run bench:queries`: the two grouped seed routes at scale on MySQL/MariaDB — 1.5 M vibration_data rows
 * (the recording set: 8 machine/sensor series, loaded with `LOAD DATA LOCAL INFILE`, setup not timed) and 1 M
 * vibration_diagnosis rows (5 machines, one SQL bulk insert) — then 50 timed HTTP requests of each route through
 * the API after a short warm-up, in rounds with the liveness route as a baseline. Prints p50/p95 (bar: p95 < 25 ms)
 * as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI.                      */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { BenchStack, DB_URL, freshDatabase, generateRecordings, machineLine } from './stack';

const RUNS = 50;
const WARM_UP = 5;
const DIAGNOSES = 1_000_000;
const DIAGNOSED_MACHINES = 5;
const BASELINE = '/api/v1/health';
const ROUTES = ['/api/v1/vibration-data/grouped-range?start=0&end=140&limit=100', '/api/v1/vibration-diagnosis/grouped-recent?limit=10'];

async function loadRecordings(files: { file: string }[]): Promise<void> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
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
  await conn.end();
}

/** One diagnosis per machine per second, machines m1…m5 — MariaDB's sequence engine writes them in one statement. */
async function insertDiagnoses(): Promise<void> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
  await conn.query(
    `insert into vibration_diagnosis (machine_name, sensor_no, detected_at, fault_type, confidence, model_version)
     select concat('m', seq % ${DIAGNOSED_MACHINES} + 1), '', timestamp'2026-01-01 00:00:00' + interval (seq div ${DIAGNOSED_MACHINES}) second,
            seq % 4, 0.9, 'bench'
     from seq_0_to_${DIAGNOSES - 1}`,
  );
  await conn.query('analyze table vibration_data, vibration_diagnosis');
  await conn.end();
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  console.log('generating the recording set…');
  const files = await generateRecordings();
  const rows = files.reduce((a, f) => a + f.rows, 0);
  await freshDatabase();
  console.log(`loading ${rows.toLocaleString('en')} vibration_data rows and ${DIAGNOSES.toLocaleString('en')} vibration_diagnosis rows…`);
  await loadRecordings(files);
  await insertDiagnoses();

  const stack = await BenchStack.start();
  try {
    // The liveness route (no database) is timed in the same rounds: what HTTP and the machine's load cost alone.
    const routes = [...ROUTES, BASELINE];
    const times = routes.map((): number[] => []);
    const answered = routes.map(() => 0);
    for (let i = 0; i < WARM_UP + RUNS; i++) {
      for (const [k, route] of routes.entries()) {
        const { ms, body } = await stack.timedGet(route);
        if (i < WARM_UP) continue;
        times[k].push(ms);
        answered[k] = Array.isArray(body) ? body.length : 1;
      }
    }
    const lines = ['| Query | Rows answered | HTTP p50 / p95 |', '| --- | --- | --- |'];
    for (const [k, route] of routes.entries()) {
      const sorted = times[k].sort((a, b) => a - b);
      const name = route === BASELINE ? `baseline: \`GET ${route.replace('/api/v1', '')}\` (liveness, no database)` : `\`GET ${route.replace('/api/v1', '')}\``;
      lines.push(`| ${name} | ${answered[k]} | ${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 95).toFixed(1)} ms |`);
    }
    console.log(`\n${rows.toLocaleString('en')} vibration_data rows, ${DIAGNOSES.toLocaleString('en')} vibration_diagnosis rows, ${RUNS} runs each · ${machineLine()}\n`);
    console.log(lines.join('\n'));
  } finally {
    stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
