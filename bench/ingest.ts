/* `npm run bench:ingest`: the full 1.5 M-row recording set (8 files) on MySQL/MariaDB, timed in one run as
 *   (a) a raw `LOAD DATA LOCAL INFILE` of the same files into a scratch table with the same keys, and
 *   (b) the ingest workflow end to end: HTTP upload → Temporal → worker → database, all 8 files at once;
 * then the same 8 files again (each must come back as a duplicate). Prints rows/s, the ratio b/a, the
 * worker's peak RSS and the re-ingest times as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI.       */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { BenchStack, DB_URL, freshDatabase, generateRecordings, machineLine, peakRssMb } from './stack';

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

async function main(): Promise<void> {
  console.log('generating the recording set…');
  const files = await generateRecordings();
  const rows = files.reduce((a, f) => a + f.rows, 0);
  const mb = files.reduce((a, f) => a + f.bytes, 0) / 1e6;
  console.log(`${files.length} files, ${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB`);
  await freshDatabase();

  console.log('(a) raw LOAD DATA LOCAL INFILE…');
  const rawSeconds = await rawLoadData(files);

  const stack = await BenchStack.start();
  try {
    console.log('(b) ingest workflow through the API, 8 files at once…');
    const started = performance.now();
    const ids = await Promise.all(files.map((f) => stack.upload(f.file)));
    const results = await Promise.all(ids.map((id) => stack.result(id)));
    const workflowSeconds = (performance.now() - started) / 1000;
    const inserted = results.reduce((a, r) => a + r.rows_inserted, 0);
    if (inserted !== rows) throw new Error(`inserted ${inserted} rows, expected ${rows}`);
    const rss = peakRssMb(stack.worker.pid!);

    console.log('re-ingesting the same files…');
    const again: number[] = [];
    for (const f of files) {
      const t = performance.now();
      const r = await stack.result(await stack.upload(f.file));
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
    console.log(`\n${files.length} files, ${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB · ${machineLine()}\n\n${table}`);
  } finally {
    stack.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
