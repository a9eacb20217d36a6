/* `npm run bench:scale-out`: the diagnosis sweep with one CPU worker process and with two, the rest of the system the
 * same: Temporal dev server, MariaDB, the API, one I/O worker (WORKER_QUEUES=io: workflows, ingest, rollups) and the
 * CPU workers (WORKER_QUEUES=cpu: the sweep's series activities), each a process of its own, as in production.
 * Setup (not timed): 20 capture streams (g1–g5 × 4 sensors; captures every 6 h for 4 days, BENCH_CAPTURE_SECONDS
 * each, default 16) through the ingest workflow.
 * Each round (BENCH_ROUNDS, default 3), on the same captures (the previous sweep's diagnoses, watermarks and drift
 * counts are deleted first, so every sweep does the same work):
 *   (1) the sweep with one CPU worker;
 *   (2) a second CPU worker process is started, a warm-up sweep (not timed: the new process's JIT, model and feature
 *       threads), then the timed sweep with two; then the second worker is stopped (SIGTERM, it drains).
 * Each sweep: POST /jobs/diagnosis-sweep with concurrency 8 (SWEEP_MAX_CONCURRENCY: 8 lanes; 20 streams in shards of
 * 2 make 10 activities, so both workers' slots, WORKER_CPU_CONCURRENCY each, are kept full) until the run completes;
 * its Temporal history says which worker ran each CPU activity (ActivityTaskStarted's identity, pid@host).
 * Prints per round the times and the activities per worker, and the ratio time with one / time with two (medians).
 * Prints too the CPU seconds each process used during each sweep, and how busy that kept the machine's cores.
 * Env: DATABASE_URL (server), BENCH_DATABASE (default him_mes_bench), TEMPORAL_CLI, BENCH_ROUNDS, BENCH_CAPTURE_SECONDS;
 * the workers take their settings from the environment too (WORKER_CPU_CONCURRENCY, WORKER_FEATURE_THREADS).        */
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createConnection } from 'mysql2/promise';
import { REPO_ROOT } from '@him/config';
import { TASK_QUEUES } from '@him/contracts';
import { DEMO_MACHINES, planCaptures, scriptedFaultHistory, writeCaptures, type CaptureCampaign } from '@him/datagen';
import { BenchStack, cpuSeconds, DB_URL, dropBenchDatabase, freshDatabase, machineLine, peakRssMb } from './stack';

const START = new Date('2026-11-01T00:00:00Z');
const CAMPAIGN: CaptureCampaign = {
  start: START,
  days: 4,
  everyHours: 6,
  machines: DEMO_MACHINES,
  sensorsPerMachine: 4,
  seconds: Math.max(1, Number(process.env.BENCH_CAPTURE_SECONDS ?? 16)),
  seed: 'bench-scale-out',
  history: scriptedFaultHistory(START),
};
const SERIES = CAMPAIGN.machines.length * CAMPAIGN.sensorsPerMachine;
/** The sweep's lanes: the most it takes, so two workers' slots can all be busy (the default, 2, would fill one worker's). */
const SWEEP_CONCURRENCY = 8;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Uploads in flight at once while loading (the I/O worker's concurrency). */
const UPLOADS_AT_ONCE = 8;
const CPU_WORKER = { WORKER_QUEUES: 'cpu' };

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;
/** The SDK's default worker identity: what ActivityTaskStarted records. */
const identityOf = (child: ChildProcess): string => `${child.pid}@${os.hostname()}`;

/** Drops what a sweep wrote (diagnoses, watermarks, drift counts and judgements), so the next one finds all captures new. */
async function forgetSweep(): Promise<void> {
  const conn = await createConnection({ uri: DB_URL });
  try {
    for (const table of ['vibration_diagnosis', 'sweep_watermark', 'model_drift', 'drift_check']) await conn.query(`delete from ${table}`);
  } finally {
    await conn.end();
  }
}

interface CpuActivities {
  /** CPU-queue activities per worker identity (the worker of each activity's last attempt). */
  perWorker: Map<string, number>;
  /** CPU-queue activities per activity type. */
  perType: Map<string, number>;
  /** Activities that needed more than one attempt. */
  retried: number;
  /** From the first CPU activity's start to the last one's end (s). */
  span: number;
}

/** Who ran the run's CPU-queue activities, from its history (ActivityTaskStarted is written when the attempt ends). */
async function cpuActivities(client: Client, workflowId: string, runId: string): Promise<CpuActivities> {
  const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  const onCpu = new Set<number>();
  const perWorker = new Map<string, number>();
  const perType = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let retried = 0;
  let first = Infinity;
  let last = 0;
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.taskQueue?.name === TASK_QUEUES.cpu) {
      onCpu.add(Number(e.eventId));
      count(perType, scheduled.activityType!.name!);
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started && onCpu.has(Number(started.scheduledEventId))) {
      count(perWorker, started.identity!);
      if ((started.attempt ?? 1) > 1) retried++;
      first = Math.min(first, seconds(e.eventTime));
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed && onCpu.has(Number(completed.scheduledEventId))) last = Math.max(last, seconds(e.eventTime));
  }
  return { perWorker, perType, retried, span: last - first };
}

/** Resolves once this worker polls the CPU task queue (Temporal lists it among the queue's pollers); throws if it exits. */
async function pollingCpuQueue(client: Client, worker: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: TASK_QUEUES.cpu },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    if (pollers?.some((p) => p.identity === identityOf(worker))) return;
    if (worker.exitCode !== null || worker.signalCode !== null)
      throw new Error(`worker ${worker.pid} ended (${worker.signalCode ?? worker.exitCode}) before it polled; BENCH_VERBOSE=1 shows why`);
    if (Date.now() > deadline) throw new Error(`no worker ${identityOf(worker)} polls ${TASK_QUEUES.cpu}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The share of the machine's cores the processes above used during a sweep (the load generator's included). */
const busy = (run: SweepRun): number => run.cpuSeconds.reduce((a, [, used]) => a + used, 0) / (run.seconds * os.cpus().length);

interface SweepRun {
  seconds: number;
  windows: number;
  items: number;
  cpu: CpuActivities;
  /** CPU seconds each process used during the sweep, the busiest first. */
  cpuSeconds: [string, number][];
}

/** CPU seconds used so far by the stack's processes and the CPU workers named here. */
function cpuNow(stack: BenchStack, cpuWorkers: Map<string, ChildProcess>): Record<string, number> {
  const { worker, ...rest } = stack.cpu();
  const used: Record<string, number> = { ...rest, 'worker-io': worker };
  for (const [name, child] of cpuWorkers) used[name] = cpuSeconds(child.pid!);
  return used;
}

async function sweep(stack: BenchStack, client: Client, cpuWorkers: Map<string, ChildProcess>): Promise<SweepRun> {
  await forgetSweep();
  const cpuBefore = cpuNow(stack, cpuWorkers);
  const started = performance.now();
  const job = await stack.accepted('/api/v1/jobs/diagnosis-sweep', { day: '2026-11-05', concurrency: SWEEP_CONCURRENCY });
  const [workflowId, runId] = [String(job.workflow_id), String(job.run_id)];
  // Temporal answers the moment the run closes (a long poll), where polling the API would add up to its interval.
  const result = (await client.workflow.getHandle(workflowId, runId).result()) as Record<string, any>;
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuNow(stack, cpuWorkers);
  const spent = Object.keys(cpuAfter)
    .map((name): [string, number] => [name, cpuAfter[name] - cpuBefore[name]])
    .filter(([, used]) => !Number.isNaN(used))
    .sort((a, b) => b[1] - a[1]);
  if (result.series_done !== SERIES || result.series_failed !== 0) throw new Error(`the sweep did ${result.series_done}/${SERIES} series, ${result.series_failed} failed`);
  return { seconds: elapsed, windows: result.windows, items: result.items, cpu: await cpuActivities(client, workflowId, runId), cpuSeconds: spent };
}

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'data', 'bench', 'scale-out');
  console.log('generating the captures…');
  const written = await writeCaptures(dir, CAMPAIGN);
  const files = planCaptures(CAMPAIGN).map((c) => path.join(dir, c.file));
  console.log(`${written.files} captures of ${SERIES} streams, ${written.rows.toLocaleString('en')} samples, ${(written.bytes / 1e6).toFixed(1)} MB`);
  await freshDatabase();

  const stack = await BenchStack.start({
    // No schedule may start a sweep of its own in the middle of the timed ones.
    env: { ENSURE_SCHEDULES: 'false' },
    workers: [
      { name: 'worker-io', env: { WORKER_QUEUES: 'io' } },
      { name: 'worker-cpu-1', env: CPU_WORKER },
    ],
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({ connection });
    // The stack's workers: [worker-io, worker-cpu-1]; `stack.worker` is the first (the I/O worker).
    const cpu1 = stack.workers[1];
    await pollingCpuQueue(client, cpu1);
    const names = new Map<string, string>([[identityOf(cpu1), 'cpu-1']]);
    const cpuWorkers = new Map<string, ChildProcess>([['cpu-1', cpu1]]);

    console.log('loading them through the ingest workflow (not timed)…');
    const loadStarted = performance.now();
    for (let from = 0; from < files.length; from += UPLOADS_AT_ONCE) {
      const ids = await Promise.all(files.slice(from, from + UPLOADS_AT_ONCE).map((f) => stack.upload(f)));
      await Promise.all(ids.map((id) => stack.result(id)));
    }
    console.log(`loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; warm-up sweep with one CPU worker…`);
    await sweep(stack, client, cpuWorkers);

    const runs: { one: SweepRun; two: SweepRun }[] = [];
    const describe = (run: SweepRun): string =>
      [
        `activities ${[...run.cpu.perWorker].map(([identity, n]) => `${names.get(identity) ?? identity} ${n}`).join(', ')}`,
        `(${[...run.cpu.perType].map(([type, n]) => `${n} ${type}`).join(', ')}${run.cpu.retried ? `, ${run.cpu.retried} retried` : ''})`,
        `span ${run.cpu.span.toFixed(2)} s`,
        `CPU s ${run.cpuSeconds.map(([name, used]) => `${name} ${used.toFixed(2)}`).join(', ')}`,
        `the ${os.cpus().length} cores ${(busy(run) * 100).toFixed(0)} % busy`,
      ].join(' · ');
    for (let round = 1; round <= ROUNDS; round++) {
      const single = await sweep(stack, client, cpuWorkers);
      console.log(`round ${round}/${ROUNDS}: one CPU worker  ${single.seconds.toFixed(2)} s · ${describe(single)}`);

      const second = stack.addWorker(`worker-cpu-2.${round}`, CPU_WORKER);
      names.set(identityOf(second), 'cpu-2');
      cpuWorkers.set('cpu-2', second);
      await pollingCpuQueue(client, second);
      await sweep(stack, client, cpuWorkers);
      const double = await sweep(stack, client, cpuWorkers);
      const rss = peakRssMb(second.pid!);
      console.log(
        `round ${round}/${ROUNDS}: two CPU workers ${double.seconds.toFixed(2)} s · ${describe(double)} · ratio ${(single.seconds / double.seconds).toFixed(2)} · cpu-2 peak RSS ${rss.toFixed(0)} MB`,
      );
      if (double.cpu.perWorker.size < 2) console.log('  (only one worker ran activities in this sweep)');
      const ended = await stack.stopProcess(second);
      cpuWorkers.delete('cpu-2');
      console.log(`  cpu-2 stopped (${ended})`);
      runs.push({ one: single, two: double });
    }

    const oneSeconds = median(runs.map((r) => r.one.seconds));
    const twoSeconds = median(runs.map((r) => r.two.seconds));
    const ratios = runs.map((r) => r.one.seconds / r.two.seconds);
    const shares = (pick: (r: { one: SweepRun; two: SweepRun }) => SweepRun) =>
      runs.map((r) => ['cpu-1', 'cpu-2'].map((name) => [...pick(r).cpu.perWorker].filter(([id]) => names.get(id) === name).reduce((a, [, n]) => a + n, 0)).join(' / ')).join(', ');
    const { windows, items } = runs[0].one;
    const table = [
      `| Diagnosis sweep, ${SERIES} capture streams (${items} captures, ${windows.toLocaleString('en')} windows), median of ${ROUNDS} rounds | Time | CPU activities per worker (cpu-1 / cpu-2), each round |`,
      `| --- | --- | --- |`,
      `| one CPU worker process | ${oneSeconds.toFixed(2)} s | ${shares((r) => r.one)} |`,
      `| two CPU worker processes | ${twoSeconds.toFixed(2)} s | ${shares((r) => r.two)} |`,
      `| **ratio one / two** (median of the rounds' ratios; rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')}) | **${median(ratios).toFixed(2)}** | |`,
      `| the ${os.cpus().length} cores busy during the sweeps, one / two CPU workers (median) | ${(median(runs.map((r) => busy(r.one))) * 100).toFixed(0)} % / ${(median(runs.map((r) => busy(r.two))) * 100).toFixed(0)} % | |`,
    ].join('\n');
    console.log(`\n${machineLine()} · load average now ${os.loadavg()[0].toFixed(1)}\n\n${table}`);
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
