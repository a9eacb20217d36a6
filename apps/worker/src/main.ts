import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { AppConfig, ConfigError, loadConfig } from '@him/config';
import { TASK_QUEUES } from '@him/contracts';
import { createWorkers, runWorkers, shutdownWorkers } from './create-worker';
import { WorkerModule } from './worker.module';

const log = new Logger('worker');

/** Keeps trying until Temporal answers, so the worker can start before the server in any order; null once told to stop. */
async function connectTemporal(config: AppConfig, stopping: () => boolean): Promise<NativeConnection | null> {
  for (let attempt = 1; !stopping(); attempt++) {
    try {
      return await NativeConnection.connect({ address: config.temporal.address });
    } catch (err) {
      if (attempt % 10 === 1) log.warn(`Temporal at ${config.temporal.address} not reachable yet (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
    }
  }
  return null;
}

async function main(): Promise<void> {
  const config = loadConfig();
  // The SDK's own metrics (pollers, task slots, latencies, workflow and activity outcomes per task queue), served by
  // its Prometheus exporter; the runtime is installed once, before any connection or worker.
  if (config.worker.metricsPort !== undefined) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `${config.host}:${config.worker.metricsPort}` } } } });
    log.log(`worker metrics on http://${config.host}:${config.worker.metricsPort}/metrics`);
  }
  // Graceful stop: finish or hand back in-flight activities, then release the database. Ctrl-C of `npm start` sends
  // SIGINT and SIGTERM together, so a stop is asked for once and every later signal is only noted (never the default
  // action, which would kill the drain); the SDK's own signal hook may get there first, hence the state checks.
  let workers: Worker[] = [];
  let stopRequested = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopRequested) return void log.log(`${signal}: already draining`);
      stopRequested = true;
      log.log(`${signal}: draining the worker`);
      shutdownWorkers(workers);
    });
  }

  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn', 'log'] });
  const connection = await connectTemporal(config, () => stopRequested);
  if (connection) {
    workers = await createWorkers({ app, connection, bundlePath: config.worker.bundlePath });
    if (!stopRequested) {
      const queues = config.worker.queues.map((q) => `${TASK_QUEUES[q]} (${config.worker.concurrency[q]} at once)`).join(', ');
      log.log(`worker polling ${queues} on ${config.temporal.address} namespace ${config.temporal.namespace}`);
      await runWorkers(workers);
    }
    await connection.close();
  }
  await app.close();
  log.log('worker stopped');
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
  process.exit(1);
});
