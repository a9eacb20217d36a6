import { type INestApplicationContext } from '@nestjs/common';
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { AppConfig } from '@him/config';
import { TASK_QUEUES, WORKFLOW_TASK_QUEUES, type TaskQueueKind } from '@him/contracts';
import { collectActivities } from './activities';
import { domainErrorsToFailures } from './activity-failures';
import { bundleWorkflows } from './workflow-bundle';

export interface CreateWorkersOptions {
  app: INestApplicationContext;
  connection: NativeConnection;
  /** Prebuilt bundle (production, tests); otherwise `workflows/` is bundled now. */
  bundlePath?: string;
  /** The task queues to serve; the configured WORKER_QUEUES when absent. */
  queues?: readonly TaskQueueKind[];
}

/**
 * One Temporal Worker per task queue this process serves, all sharing the Nest app (database, model registry). Each
 * registers the activities declared for its queue, with the queue's own concurrency; the workflows go on the
 * queues the job catalogue names for them.
 */
export async function createWorkers({ app, connection, bundlePath, queues }: CreateWorkersOptions): Promise<Worker[]> {
  const config = app.get(AppConfig);
  let bundle: WorkflowBundleOption | undefined;
  const workers: Worker[] = [];
  for (const kind of queues ?? config.worker.queues) {
    const taskQueue = TASK_QUEUES[kind];
    const runsWorkflows = WORKFLOW_TASK_QUEUES.includes(taskQueue);
    if (runsWorkflows) bundle ??= bundlePath ? { codePath: bundlePath } : await bundleWorkflows();
    workers.push(
      await Worker.create({
        connection,
        namespace: config.temporal.namespace,
        taskQueue,
        activities: collectActivities(app, kind),
        ...(runsWorkflows ? { workflowBundle: bundle } : {}),
        maxConcurrentActivityTaskExecutions: config.worker.concurrency[kind],
        shutdownGraceTime: `${config.worker.shutdownGraceSeconds}s`,
        interceptors: { activity: [domainErrorsToFailures] },
      }),
    );
  }
  return workers;
}

/** Runs the workers together until all have stopped: when one stops (drained or failed), the others drain too. */
export async function runWorkers(workers: readonly Worker[]): Promise<void> {
  const results = await Promise.allSettled(workers.map((worker) => worker.run().finally(() => shutdownWorkers(workers))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Starts draining every running worker; safe to call any number of times (a second signal, a stopped sibling). */
export function shutdownWorkers(workers: readonly Worker[]): void {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
}
