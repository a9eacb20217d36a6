/** @jest-environment ./test/support/onnx-environment.ts */
// Scale-out: the API, one I/O worker and two CPU workers, each worker a process of its own (WORKER_QUEUES=io / cpu) on
// one Temporal namespace and one MariaDB database. A sweep over 20 capture streams spreads its CPU activities over both
// CPU workers (read from the run's Temporal history); one CPU worker leaves in the middle of it (SIGTERM: it drains
// its activities in hand, then exits), and the sweep still ends with exactly one diagnosis per capture and per window.
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createConnection, type Connection as SqlConnection } from 'mysql2/promise';
import { TASK_QUEUES } from '@him/contracts';
import { captureChunks, captureFileName, DEMO_MACHINES, planCaptures, scriptedFaultHistory } from '@him/datagen';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

const describeMysql = process.env.TEST_MYSQL_URL ? describe : describe.skip;

const NAMESPACE = 'scale-out';
// 20 capture streams (g1–g5 × 4 sensors), 4 captures of 10 s each: 80 captures, 800 windows, about 1 M samples.
const start = new Date('2026-11-01T00:00:00Z');
const plan = planCaptures({ start, days: 1, everyHours: 6, machines: DEMO_MACHINES, sensorsPerMachine: 4, seconds: 10, seed: 'scale-out', history: scriptedFaultHistory(start) });
const SERIES = DEMO_MACHINES.length * 4;
const WINDOWS_PER_CAPTURE = 10;
/** The sweep's most lanes: 20 streams in shards of 2, 8 at a time, more than both workers' slots (2 each) together. */
const SWEEP_CONCURRENCY = 8;
const SHUTDOWN_GRACE_SECONDS = 30;

const { PendingActivityState, TaskQueueType } = temporal.api.enums.v1;
/** The SDK's default worker identity, which Temporal records for each activity a worker runs. */
const identityOf = (worker: ChildProcess): string => `${worker.pid}@${os.hostname()}`;
const exitOf = (worker: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  worker.exitCode !== null || worker.signalCode !== null
    ? Promise.resolve({ code: worker.exitCode, signal: worker.signalCode })
    : new Promise((resolve) => worker.once('exit', (code, signal) => resolve({ code, signal })));

/** Per worker identity, the run's CPU-queue activities it ran, and those of its activities that did not complete. */
async function cpuActivitiesByWorker(client: Client, workflowId: string): Promise<{ ran: Map<string, number>; notCompleted: Map<string, number> }> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const onCpu = new Set<number>();
  const workerOf = new Map<number, string>();
  const ran = new Map<string, number>();
  const notCompleted = new Map<string, number>();
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.taskQueue?.name === TASK_QUEUES.cpu) onCpu.add(Number(e.eventId));
    const started = e.activityTaskStartedEventAttributes;
    if (started && onCpu.has(Number(started.scheduledEventId))) {
      workerOf.set(Number(started.scheduledEventId), started.identity!);
      ran.set(started.identity!, (ran.get(started.identity!) ?? 0) + 1);
    }
    const ended = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    const worker = ended && workerOf.get(Number(ended.scheduledEventId));
    if (worker) notCompleted.set(worker, (notCompleted.get(worker) ?? 0) + 1);
  }
  return { ran, notCompleted };
}

describeMysql('scale-out: separate I/O and CPU worker processes (MariaDB)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let sql: SqlConnection;
  let connection: Connection;
  let client: Client;
  const workers: ChildProcess[] = [];

  const count = async (query: string): Promise<number> => Number((await sql.query<any[]>(query))[0][0].n);
  /** Each worker's log lines (warnings and errors: LOG_LEVEL warn), printed when the test fails. */
  const logs = new Map<ChildProcess, string[]>();
  const startWorker = (name: string, env: Record<string, string>): ChildProcess => {
    const worker = spawnWorkerProcess(stack, db, NAMESPACE, env, 'pipe');
    const lines: string[] = [];
    for (const stream of [worker.stdout!, worker.stderr!])
      stream.on('data', (chunk: Buffer) =>
        lines.push(
          ...chunk
            .toString()
            .trimEnd()
            .split('\n')
            .map((l) => `[${name}] ${l}`),
        ),
      );
    logs.set(worker, lines);
    workers.push(worker);
    return worker;
  };
  /** Resolves once every one of these workers polls the CPU task queue. */
  const pollingCpuQueue = (...cpuWorkers: ChildProcess[]) =>
    eventually(
      async () => {
        const { pollers } = await client.workflowService.describeTaskQueue({
          namespace: NAMESPACE,
          taskQueue: { name: TASK_QUEUES.cpu },
          taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        });
        const polling = new Set(pollers?.map((p) => p.identity));
        return cpuWorkers.every((w) => polling.has(identityOf(w))) ? true : undefined;
      },
      90_000,
      'both CPU workers to poll',
    );

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'scale_out');
    stack = await TestStack.start({ db, namespace: NAMESPACE, worker: false });
    sql = await createConnection(db.env.DATABASE_URL);
    connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
    client = new Client({ connection, namespace: NAMESPACE });
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await Promise.all(workers.map(exitOf));
    await connection?.close();
    await sql?.end();
    await stack?.close();
    await db?.drop();
  });

  it('spreads a sweep over both CPU workers, and loses nothing when one leaves mid-run', async () => {
    try {
      await sweepWhileOneWorkerLeaves();
    } catch (err) {
      console.log(`the workers' warnings and errors:\n${[...logs.values()].flat().join('\n')}`);
      throw err;
    }
  }, 240_000);

  async function sweepWhileOneWorkerLeaves(): Promise<void> {
    startWorker('io', { WORKER_QUEUES: 'io' });
    const cpuA = startWorker('cpu-A', { WORKER_QUEUES: 'cpu' });
    const cpuB = startWorker('cpu-B', { WORKER_QUEUES: 'cpu', SHUTDOWN_GRACE_SECONDS: String(SHUTDOWN_GRACE_SECONDS) });

    const ingests: string[] = [];
    for (const capture of plan) {
      const res = await stack.upload(captureFileName(capture.machine, capture.sensor, capture.capturedAt), [...captureChunks(capture)].join(''));
      expect(res.status).toBe(202);
      ingests.push(res.body.workflow_id);
    }
    for (const id of ingests) expect((await stack.finishedJob(id, 120_000)).status).toBe('completed');
    await pollingCpuQueue(cpuA, cpuB);

    const started = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day: '2026-11-02', concurrency: SWEEP_CONCURRENCY } });
    expect(started.status).toBe(202);
    const sweepId: string = started.body.workflow_id;

    // B leaves as soon as it has a sweep activity in hand: it must finish that one (drain), and A the rest.
    await eventually(
      async () => {
        const { raw } = await client.workflow.getHandle(sweepId).describe();
        return raw.pendingActivities?.some((a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && a.lastWorkerIdentity === identityOf(cpuB)) ? true : undefined;
      },
      60_000,
      'worker B to run a sweep activity',
    );
    const stoppedAt = Date.now();
    cpuB.kill('SIGTERM');
    const atStop = await count("select count(*) as n from vibration_diagnosis where level = 'capture'");
    expect(atStop).toBeLessThan(plan.length);
    expect(await exitOf(cpuB)).toEqual({ code: 0, signal: null });
    const drainSeconds = (Date.now() - stoppedAt) / 1000;
    expect(drainSeconds).toBeLessThan(SHUTDOWN_GRACE_SECONDS);

    const job = await stack.finishedJob(sweepId, 120_000);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ series_total: SERIES, series_done: SERIES, series_failed: 0, items: plan.length, windows: plan.length * WINDOWS_PER_CAPTURE });

    // Exactly the plan: one capture diagnosis per capture, one window diagnosis per 1 s window, none twice.
    expect(await count("select count(*) as n from vibration_diagnosis where level = 'capture'")).toBe(plan.length);
    expect(await count("select count(distinct capture_id) as n from vibration_diagnosis where level = 'capture'")).toBe(plan.length);
    expect(await count("select count(*) as n from capture c where not exists (select 1 from vibration_diagnosis d where d.capture_id = c.id and d.level = 'capture')")).toBe(0);
    expect(await count("select count(*) as n from vibration_diagnosis where level = 'window'")).toBe(plan.length * WINDOWS_PER_CAPTURE);
    expect(await count("select count(distinct capture_id, window_start) as n from vibration_diagnosis where level = 'window'")).toBe(plan.length * WINDOWS_PER_CAPTURE);
    expect(await count('select count(*) as n from sweep_watermark')).toBe(SERIES);

    // Both CPU workers ran the sweep's activities; what B had in hand when told to stop, it completed.
    const { ran, notCompleted } = await cpuActivitiesByWorker(client, sweepId);
    expect(ran.get(identityOf(cpuA))).toBeGreaterThan(0);
    expect(ran.get(identityOf(cpuB))).toBeGreaterThan(0);
    expect([...ran.keys()].sort()).toEqual([identityOf(cpuA), identityOf(cpuB)].sort());
    expect(notCompleted.get(identityOf(cpuB)) ?? 0).toBe(0);
    console.log(
      `sweep over ${SERIES} streams: CPU activities A ${ran.get(identityOf(cpuA))}, B ${ran.get(identityOf(cpuB))}; ` +
        `B left after ${atStop}/${plan.length} captures were diagnosed and drained in ${drainSeconds.toFixed(1)} s; each capture and window diagnosed once`,
    );
  }
});
