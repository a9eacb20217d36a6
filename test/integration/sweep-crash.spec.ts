/** @jest-environment ./test/support/onnx-environment.ts */
// Reliability: a worker killed with SIGKILL in the middle of a diagnosis sweep, then started again, leaves exactly one
// diagnosis per capture and per 1 s window: none lost, none doubled (each batch commits with its watermark).
import type { ChildProcess } from 'node:child_process';
import { createConnection, type Connection } from 'mysql2/promise';
import { captureChunks, captureFileName, DEMO_MACHINES, planCaptures, scriptedFaultHistory } from '@him/datagen';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

const describeMysql = process.env.TEST_MYSQL_URL ? describe : describe.skip;

// 40 captures of 10 s (g1–g5, every 3 h for a day): 400 windows, about 540 k samples, a few batches per stream.
const start = new Date('2026-11-01T00:00:00Z');
const plan = planCaptures({ start, days: 1, everyHours: 3, machines: DEMO_MACHINES, sensorsPerMachine: 1, seconds: 10, seed: 'sweep-kill', history: scriptedFaultHistory(start) });
const WINDOWS_PER_CAPTURE = 10;

describeMysql('diagnosis sweep survives a killed worker (MariaDB)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let sql: Connection;
  let worker: ChildProcess | undefined;

  const startWorker = (): ChildProcess => spawnWorkerProcess(stack, db, 'sweep-kill');

  const count = async (query: string): Promise<number> => Number((await sql.query<any[]>(query))[0][0].n);

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'sweep_kill');
    stack = await TestStack.start({ db, namespace: 'sweep-kill', worker: false });
    sql = await createConnection(db.env.DATABASE_URL);
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await sql?.end();
    await stack?.close();
    await db?.drop();
  });

  it('writes every diagnosis exactly once when the worker is SIGKILLed mid-sweep and restarted', async () => {
    worker = startWorker();
    const ingests: string[] = [];
    for (const capture of plan) {
      const res = await stack.upload(captureFileName(capture.machine, capture.sensor, capture.capturedAt), [...captureChunks(capture)].join(''));
      expect(res.status).toBe(202);
      ingests.push(res.body.workflow_id);
    }
    for (const id of ingests) expect((await stack.finishedJob(id, 120_000)).status).toBe('completed');

    const started = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day: '2026-11-02', concurrency: 1 } });
    expect(started.status).toBe(202);
    // Kill it once a batch has committed, while most captures are still to do.
    await eventually(async () => ((await count('select count(*) as n from sweep_watermark')) >= 1 ? true : undefined), 120_000, 'a committed batch');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    const atKill = await count("select count(*) as n from vibration_diagnosis where level = 'capture'");
    expect(atKill).toBeLessThan(plan.length);

    worker = startWorker();
    const job = await stack.finishedJob(started.body.workflow_id, 150_000);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ series_total: 5, series_done: 5, series_failed: 0 });

    expect(await count("select count(*) as n from vibration_diagnosis where level = 'capture'")).toBe(plan.length);
    expect(await count("select count(distinct capture_id) as n from vibration_diagnosis where level = 'capture'")).toBe(plan.length);
    expect(await count("select count(*) as n from vibration_diagnosis where level = 'window'")).toBe(plan.length * WINDOWS_PER_CAPTURE);
    expect(await count("select count(distinct capture_id, window_start) as n from vibration_diagnosis where level = 'window'")).toBe(plan.length * WINDOWS_PER_CAPTURE);
    expect(await count('select count(*) as n from sweep_watermark')).toBe(5);
    console.log(`sweep killed after ${atKill}/${plan.length} captures were diagnosed; restarted, it finished with each diagnosed once`);
  }, 300_000);
});
