/* `npm run bench:sweep`: the nightly diagnosis sweep over ≥ 1.5 M new capture samples on MySQL/MariaDB. Setup (not
 * timed): 320 generated live captures (g1–g5, 4 sensors, every 6 h for 4 days, 4 s each) through the ingest workflow.
 * Timed in the same run:
 *   (a) merely streaming the same samples out of the database: every capture's samples in time order, one prepared
 *       query each (the binary protocol the sweep's reads use);
 *   (b) the sweep end to end: POST /jobs/diagnosis-sweep → Temporal → worker (features, the active classifier in ONNX
 *       Runtime, one diagnosis per 1 s window and per capture, watermarks) → its KPI rollup, until the job completes.
 * Runs (a) then (b) BENCH_ROUNDS times (default 3; each round forgets the previous diagnoses) and prints the medians:
 * the ratio b/a (bar: ≤ 2), windows/s and the worker's peak RSS (bar: < 500 MB; the peak of its whole life,
 * ingest included) as a Markdown table for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI.                          */
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createConnection } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { DEMO_MACHINES, planCaptures, scriptedFaultHistory, writeCaptures, type CaptureCampaign } from '@him/datagen';
import { BenchStack, DB_URL, freshDatabase, machineLine, peakRssMb } from './stack';

const START = new Date('2026-11-01T00:00:00Z');
const CAMPAIGN: CaptureCampaign = {
  start: START,
  days: 4,
  everyHours: 6,
  machines: DEMO_MACHINES,
  sensorsPerMachine: 4,
  seconds: 4,
  seed: 'bench-sweep',
  history: scriptedFaultHistory(START),
};
/** Uploads in flight at once while loading (the worker's I/O concurrency). */
const UPLOADS_AT_ONCE = 8;
/** Rounds of (a) then (b) over the same captures (BENCH_ROUNDS); the table gives their medians. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The CPU seconds each process used between two readings, the busiest first. */
function cpuSpent(before: Record<string, number>, after: Record<string, number>): string {
  return Object.keys(after)
    .map((name) => [name, after[name] - before[name]] as const)
    .filter(([, spent]) => !Number.isNaN(spent))
    .sort((x, y) => y[1] - x[1])
    .map(([name, spent]) => `${name} ${spent.toFixed(2)}`)
    .join(', ');
}

/** Drops every diagnosis and watermark, so the next sweep finds all captures new again. */
async function forgetDiagnoses(): Promise<void> {
  const conn = await createConnection({ uri: DB_URL });
  try {
    await conn.query('delete from vibration_diagnosis');
    await conn.query('delete from sweep_watermark');
  } finally {
    await conn.end();
  }
}

async function streamSamples(): Promise<{ seconds: number; samples: number; captures: number }> {
  const conn = await createConnection({ uri: DB_URL, timezone: 'Z' });
  try {
    const [captures] = await conn.query<any[]>('select id from capture order by id');
    const started = performance.now();
    let samples = 0;
    for (const { id } of captures) {
      // A prepared statement, as the sweep reads them: doubles come back binary.
      const [rows] = await conn.execute<any[]>({
        sql: 'select measured_time, value from capture_sample where capture_id = ? order by measured_time',
        values: [id],
        rowsAsArray: true,
      });
      samples += rows.length;
    }
    return { seconds: (performance.now() - started) / 1000, samples, captures: captures.length };
  } finally {
    await conn.end();
  }
}

const EventType = temporal.api.enums.v1.EventType;
const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

/**
 * Where the sweep's time went, from its workflow history: from the start to the first series activity, the series
 * activities (their summed run time and their span), then the KPI rollup child until the sweep closed.
 */
async function timeline(client: Client, workflowId: string): Promise<string> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const at = (e: temporal.api.history.v1.IHistoryEvent) => seconds(e.eventTime);
  const t0 = at(events[0]);
  const seriesScheduled = new Set<number>();
  const started = new Map<number, number>();
  let busy = 0;
  let firstSeries = Infinity;
  let lastSeries = 0;
  let childStart = 0;
  for (const e of events) {
    const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type === 'diagnoseCaptureStream' || type === 'diagnoseCaptureStreams' || type === 'diagnoseLot') seriesScheduled.add(Number(e.eventId));
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) started.set(Number(e.activityTaskStartedEventAttributes!.scheduledEventId), at(e));
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const scheduledId = Number(e.activityTaskCompletedEventAttributes!.scheduledEventId);
      const from = started.get(scheduledId)!;
      if (seriesScheduled.has(scheduledId)) {
        busy += at(e) - from;
        firstSeries = Math.min(firstSeries, from);
        lastSeries = Math.max(lastSeries, at(e));
      }
    }
    if (e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) childStart = at(e);
  }
  const end = at(events[events.length - 1]);
  return (
    `start → first series ${(firstSeries - t0).toFixed(2)} s · series activities ${(lastSeries - firstSeries).toFixed(2)} s ` +
    `(summed run time ${busy.toFixed(2)} s) · last series → KPI child ${(childStart - lastSeries).toFixed(2)} s · KPI child → closed ${(end - childStart).toFixed(2)} s · total ${(end - t0).toFixed(2)} s`
  );
}

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'data', 'bench', 'captures');
  console.log('generating the captures…');
  const written = await writeCaptures(dir, CAMPAIGN);
  const files = planCaptures(CAMPAIGN).map((c) => path.join(dir, c.file));
  console.log(`${written.files} captures, ${written.rows.toLocaleString('en')} samples, ${(written.bytes / 1e6).toFixed(1)} MB`);
  await freshDatabase();

  const stack = await BenchStack.start();
  try {
    console.log('loading them through the ingest workflow (not timed)…');
    for (let from = 0; from < files.length; from += UPLOADS_AT_ONCE) {
      const ids = await Promise.all(files.slice(from, from + UPLOADS_AT_ONCE).map((f) => stack.upload(f)));
      await Promise.all(ids.map((id) => stack.result(id)));
    }
    console.log(`loaded; worker peak RSS so far ${peakRssMb(stack.worker.pid!).toFixed(0)} MB`);

    const connection = await Connection.connect({ address: stack.temporalAddress });
    const temporalClient = new Client({ connection });
    const runs: { stream: number; sweep: number }[] = [];
    let last: { sweep: Record<string, any>; sweepId: string; stream: Awaited<ReturnType<typeof streamSamples>> } | undefined;
    for (let round = 1; round <= ROUNDS; round++) {
      // Each round diagnoses the same captures anew: the previous round's diagnoses and watermarks go.
      if (round > 1) await forgetDiagnoses();
      console.log(`round ${round}/${ROUNDS}: (a) streaming the samples out of the database…`);
      const beforeStream = stack.cpu();
      const stream = await streamSamples();
      const streamCpu = cpuSpent(beforeStream, stack.cpu());
      if (stream.samples !== written.rows) throw new Error(`streamed ${stream.samples} samples, ${written.rows} were generated`);

      console.log(`round ${round}/${ROUNDS}: (b) the diagnosis sweep, end to end…`);
      const beforeSweep = stack.cpu();
      const started = performance.now();
      const sweepId = await stack.startJob('diagnosis-sweep', { day: '2026-11-05' });
      // Temporal answers the moment the run closes (a long poll), where polling the API would add up to its interval.
      const sweep = (await temporalClient.workflow.getHandle(sweepId).result()) as Record<string, any>;
      const sweepSeconds = (performance.now() - started) / 1000;
      const sweepCpu = cpuSpent(beforeSweep, stack.cpu());
      if (sweep.items !== stream.captures) throw new Error(`the sweep diagnosed ${sweep.items} captures, ${stream.captures} were stored`);
      console.log(
        `  (a) ${stream.seconds.toFixed(2)} s · (b) ${sweepSeconds.toFixed(2)} s · b/a ${(sweepSeconds / stream.seconds).toFixed(2)} · ${await timeline(temporalClient, sweepId)}`,
      );
      console.log(`  CPU seconds used during (a): ${streamCpu} · during (b): ${sweepCpu} · worker peak RSS so far ${peakRssMb(stack.worker.pid!).toFixed(0)} MB`);
      runs.push({ stream: stream.seconds, sweep: sweepSeconds });
      last = { sweep, sweepId, stream };
    }
    const rss = peakRssMb(stack.worker.pid!);
    const { sweep, stream } = last!;
    const streamSeconds = median(runs.map((r) => r.stream));
    const sweepSeconds = median(runs.map((r) => r.sweep));
    const ratio = median(runs.map((r) => r.sweep / r.stream));

    const table = [
      `| What (median of ${ROUNDS} rounds) | Time | Throughput |`,
      `| --- | --- | --- |`,
      `| (a) stream ${stream.samples.toLocaleString('en')} samples of ${stream.captures} captures out of the database | ${streamSeconds.toFixed(2)} s | ${Math.round(stream.samples / streamSeconds).toLocaleString('en')} samples/s |`,
      `| (b) diagnosis sweep via the API (${sweep.windows.toLocaleString('en')} windows, ${sweep.diagnoses_written.toLocaleString('en')} diagnoses, KPI rollup) | ${sweepSeconds.toFixed(2)} s | ${Math.round(sweep.windows / sweepSeconds).toLocaleString('en')} windows/s |`,
      `| ratio b/a, the median of the rounds' ratios (bar ≤ 2) | **${ratio.toFixed(2)}** | |`,
      `| worker peak RSS, ingest included (bar < 500 MB) | ${rss.toFixed(0)} MB | |`,
    ].join('\n');
    console.log(`\n${machineLine()}\n\n${table}`);
    await connection.close();
  } finally {
    stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
