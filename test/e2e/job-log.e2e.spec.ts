// The Temporal Web UI reads like a job log: an ingest started through the API carries its static summary, keeps its
// phase in the current details (what the UI's "current details" and `__temporal_workflow_metadata` show), and each
// activity it ran has a readable summary in the history.
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { vibrationCsv } from '../support/ingest-files';
import { TestStack } from '../support/stack';

describe('the Web UI as a job log (ingest through the API)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'job_log');
    stack = await TestStack.start({ db, namespace: 'job-log' });
    client = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }), namespace: 'job-log' });
  }, 120_000);

  afterAll(async () => {
    await client?.connection.close();
    await stack?.close();
    await db?.drop();
  });

  it('shows the file, the chunk being loaded and the final counts, and names every activity', async () => {
    const started = await stack.upload('g4_sensor2.csv', vibrationCsv(60_000));
    expect(started.status).toBe(202);
    const job = await stack.finishedJob(started.body.workflow_id, 120_000);
    expect(job.status).toBe('completed');

    const handle = client.workflow.getHandle(started.body.workflow_id);
    expect(await (await handle.describe()).staticSummary()).toBe('ingest g4_sensor2.csv');
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe('done · 60,000 inserted, 0 duplicate, 0 rejected of 60,000 rows');

    const history = await handle.fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => {
        const payload = e.userMetadata?.summary;
        return payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as string) : null;
      });
    expect(summaries).toEqual([
      'look up g4_sensor2.csv in the ledger',
      'open ledger entry for g4_sensor2.csv',
      'validate g4_sensor2.csv',
      'load chunk 1/2 of g4_sensor2.csv',
      'load chunk 2/2 of g4_sensor2.csv',
      'reconcile and close g4_sensor2.csv',
    ]);

    // The same file again: a new run that the ledger answers at once, and says so.
    const again = await stack.upload('g4_sensor2.csv', vibrationCsv(60_000));
    expect((await stack.finishedJob(again.body.workflow_id)).status).toBe('completed');
    const rerun = client.workflow.getHandle(again.body.workflow_id, again.body.run_id);
    expect((await rerun.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails).toBe('already ingested · 60,000 rows');
  });
});
