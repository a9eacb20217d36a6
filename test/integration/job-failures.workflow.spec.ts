// A job's failure crosses Temporal once, as its root cause: the ingest workflow on Temporal's time-skipping server,
// with the worker wired as in production (createWorkers: registration, queues, the activity interceptor) around
// stand-in ingest activities that fail the way real ones do.
import type { INestApplicationContext } from '@nestjs/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { AppConfig, loadConfig } from '@him/config';
import { describeJobFailure, INGEST_JOB, jobStart, NotFoundError, type IngestInput, type JobWorkflow } from '@him/contracts';
import { IngestActivities } from '../../activities';
import { createWorkers } from '../../apps/worker/src/create-worker';

const input: IngestInput = { checksum: 'c0ffee', bytes: 10, fileName: 'g1_sensor1.csv', path: '/nowhere/g1_sensor1.csv', deleteWhenDone: false, maxErrors: 0 };

describe('job failures (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER! } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  /** Runs one ingest whose validation throws `error`; returns its failure, the validation attempts and the ledger's reasons. */
  async function ingestFailingWith(error: () => Error, workflowId: string) {
    let attempts = 0;
    const ledgerReasons: string[] = [];
    const ingest = Object.assign(Object.create(IngestActivities.prototype), {
      findIngestedFile: async () => null,
      openIngest: async () => 7,
      validateIngestFile: async () => {
        attempts++;
        throw error();
      },
      failIngest: async (_id: number, reason: string) => void ledgerReasons.push(reason),
    });
    const config = loadConfig({ LOG_LEVEL: 'error' });
    const app = {
      get: (cls: unknown) => (cls === AppConfig ? config : cls === IngestActivities ? ingest : Object.create((cls as { prototype: object }).prototype)),
    } as unknown as INestApplicationContext;
    const [worker] = await createWorkers({ app, connection: env.nativeConnection, bundlePath: process.env.TEST_WORKFLOW_BUNDLE, queues: ['io'] });
    const job = jobStart({ type: INGEST_JOB, input });
    const failure = await worker.runUntil(
      env.client.workflow.execute<JobWorkflow<typeof INGEST_JOB>>(job.workflowType, { taskQueue: job.taskQueue, workflowId, args: [input] }).then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
    return { failure, attempts, ledgerReasons };
  }

  it('fails at once on a domain error, and job status and ledger name it, not "Activity task failed"', async () => {
    const { failure, attempts, ledgerReasons } = await ingestFailingWith(() => new NotFoundError('the upload c0ffee is not in the file store'), 'failures-domain');
    expect(attempts).toBe(1);
    expect(describeJobFailure(failure)).toEqual({ type: 'NotFound', message: 'the upload c0ffee is not in the file store' });
    expect(ledgerReasons).toEqual(['the upload c0ffee is not in the file store']);
  });

  it('retries an internal error, then shows its type only: the SQL text and the path stay in the worker log', async () => {
    const sql = "select * from `ingest` where `checksum` = 'c0ffee' - ER_NO_SUCH_TABLE: Table 'him_mes.ingest' doesn't exist (/srv/him-mes/data/blobs/uploads/c0ffee)";
    const { failure, attempts, ledgerReasons } = await ingestFailingWith(() => new Error(sql), 'failures-internal');
    expect(attempts).toBeGreaterThan(1);
    const shown = describeJobFailure(failure);
    expect(shown).toEqual({ type: 'Error', message: expect.stringMatching(/internal error \(Error\)/) });
    expect(ledgerReasons).toEqual([shown.message]);
    expect(JSON.stringify([shown, ledgerReasons])).not.toMatch(/ER_NO_SUCH_TABLE|select|\/srv/);
  });
});
