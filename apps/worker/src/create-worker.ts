import { type INestApplicationContext } from '@nestjs/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { AppConfig } from '@him/config';
import { TASK_QUEUES } from '@him/contracts';
import { collectActivities } from './activities';
import { bundleWorkflows } from './workflow-bundle';

export interface CreateWorkerOptions {
  app: INestApplicationContext;
  connection: NativeConnection;
  /** Prebuilt bundle (production, tests); otherwise `workflows/` is bundled now. */
  bundlePath?: string;
  taskQueue?: string;
}

export async function createWorker({ app, connection, bundlePath, taskQueue = TASK_QUEUES.main }: CreateWorkerOptions): Promise<Worker> {
  const config = app.get(AppConfig);
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue,
    activities: collectActivities(app),
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowBundle: await bundleWorkflows() }),
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    shutdownGraceTime: `${config.worker.shutdownGraceSeconds}s`,
  });
}
