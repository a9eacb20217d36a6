// The worker process' Prometheus metrics (WORKER_METRICS_PORT, served by the Temporal SDK's exporter): its pollers
// per task queue, and the outcome of a job it ran, by workflow type.
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { freePort } from '../support/ports';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

describe('worker metrics', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let worker: ChildProcess;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'worker-metrics');
    stack = await TestStack.start({ db, namespace: 'worker-metrics', worker: false });
    port = await freePort();
    worker = spawnWorkerProcess(stack, db, 'worker-metrics', { WORKER_METRICS_PORT: String(port) });
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) await new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGTERM')));
    await stack?.close();
    await db?.drop();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    return res?.ok ? res.text() : undefined;
  };

  it('serves the SDK’s metrics: pollers of both task queues, and a completed job by its workflow type', async () => {
    // Pollers show once each queue's first long poll is under way.
    const pollers = (queue: string) => new RegExp(`^temporal_num_pollers\\{[^}]*task_queue="${queue}"[^}]*\\} [1-9]`, 'm');
    const polling = await eventually(
      async () => {
        const text = await scrape();
        return text && pollers('him-mes-io').test(text) && pollers('him-mes-cpu').test(text) ? text : undefined;
      },
      60_000,
      'the worker to poll both queues',
    );
    expect(polling).toMatch(/^# HELP temporal_num_pollers /m);

    const started = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: {} });
    expect(started.status).toBe(202);
    expect((await stack.finishedJob(started.body.workflow_id, 60_000)).status).toBe('completed');
    const after = await eventually(
      async () => {
        const text = await scrape();
        return text && /^temporal_workflow_completed\{[^}]*workflow_type="auditRetention"[^}]*\} 1/m.test(text) ? text : undefined;
      },
      30_000,
      'the completed workflow to be counted',
    );
    expect(after).toMatch(/^temporal_activity_execution_latency_(bucket|count)\{[^}]*activity_type="[a-zA-Z]+"/m);
  });
});
