/** @jest-environment ./test/support/onnx-environment.ts */
// Records one history of every workflow type into test/fixtures/histories/ (`npm run record:histories`): each job runs
// to completion on a real stack (API, worker, Temporal dev server, SQLite) and its event history is written as the
// protobuf Temporal keeps it (`temporal workflow show --output json` prints one for reading).
// Re-record when a workflow changes on purpose (with a `patched()` branch for runs in flight, so the old histories
// still replay); `workflow-replay.spec.ts` replays what is committed against the current code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { jobStart, type JobWorkflow } from '@him/contracts';
import { captureChunks, FaultType, recordingChunks } from '@him/datagen';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';
import { HISTORIES_DIR } from './workflow-histories';

const SEED = 'replay-2026';
const TEP_FILE = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'tep', 'd01_te.dat');

describe('record workflow histories', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'replay-record');
    stack = await TestStack.start({ db, namespace: 'replay-record' });
    client = stack.app.get(Client);
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  const save = async (workflowType: string, workflowId: string) => {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    fs.writeFileSync(path.join(HISTORIES_DIR, `${workflowType}.history.pb`), temporal.api.history.v1.History.encode(history).finish());
  };
  const finished = async (workflowId: string) => expect((await stack.finishedJob(workflowId, 180_000)).status).toBe('completed');
  const started = async (res: { status: number; body: { workflow_id: string } }) => {
    expect(res.status).toBe(202);
    await finished(res.body.workflow_id);
    return res.body.workflow_id;
  };

  it('records every workflow type', async () => {
    // Ingest: two recordings to retrain on, a capture and a TEP run for the sweep.
    for (const sensor of [1, 2])
      await started(await stack.upload(`g1_sensor${sensor}.csv`, [...recordingChunks({ machine: 1, sensor, seed: SEED, seconds: 40, header: true })].join('')));
    const capture = { machine: 1, sensor: 1, capturedAt: new Date('2026-11-02T03:00:00Z'), faultType: FaultType.Unbalance, speedHz: 25, seed: SEED, seconds: 2, header: true };
    const ingest = await started(await stack.upload('g1_sensor1_20261102T030000Z.csv', [...captureChunks(capture)].join('')));
    await save('ingestWithDedupe', ingest);
    if (fs.existsSync(TEP_FILE)) await started(await stack.upload('d01_te.dat', fs.readFileSync(TEP_FILE), { start_time: '2026-11-02T00:00:00Z' }));

    // The sweep, and the KPI rollup it runs as a child.
    const sweep = await started(await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day: '2026-11-03' } }));
    await save('diagnosisSweep', sweep);
    await save('kpiRollup', (await stack.finishedJob(sweep)).result.kpi_rollup);

    await save(
      'retrainModel',
      await started(await stack.http('POST', '/api/v1/jobs/retrain', { key: ADMIN_KEY, body: { model: 'vibration-classifier', promote: 'never', epochs: 1 } })),
    );

    const report = await stack.http('POST', '/api/v1/reports', { key: ADMIN_KEY, body: { type: 'weekly', from: '2026-11-02', to: '2026-11-08', formats: ['pdf'] } });
    expect(report.status).toBe(202);
    await finished(report.body.workflow_id);
    await save('generateReport', report.body.workflow_id);

    for (const { type, input } of [
      { type: 'weekly-report', input: { timezone: 'UTC', formats: ['pdf'], lang: 'en' } },
      { type: 'report-retention', input: { olderThanDays: 365, batchSize: 100 } },
    ] as const) {
      const job = jobStart({ type, input } as never);
      await client.workflow.execute<JobWorkflow<typeof type>>(job.workflowType, { taskQueue: job.taskQueue, workflowId: job.workflowId, args: [input as never] });
      await save(job.workflowType, job.workflowId);
    }
    await save('auditRetention', await started(await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: {} })));
  }, 600_000);
});
