import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { AppConfig, ConfigError, createLogger, loadConfig, NestPinoLogger, TemporalPinoLogger } from '@him/config';
import { TASK_QUEUES } from '@him/contracts';
import { THROUGHPUT_HISTOGRAM_BUCKETS } from '../../../activities/throughput-metrics';
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
  const logger = createLogger('worker', config.logLevel);
  const nestLogger = new NestPinoLogger(logger);
  // Nest's `Logger` calls (this file's before the app exists, every provider's after) write the same JSON lines.
  Logger.overrideLogger(nestLogger);
  // The runtime is installed once, before any connection or worker. Its logger takes the SDK's messages, the Rust
  // core's (forwarded, not printed apart) and the activities' and workflows' context loggers, whose lines carry the
  // workflow and activity they are about. With WORKER_METRICS_PORT its Prometheus exporter serves the SDK's own
  // metrics (pollers, task slots, latencies, workflow and activity outcomes per task queue) and the activities'
  // throughput (activities/throughput-metrics.ts).
  const metricsPort = config.worker.metricsPort;
  Runtime.install({
    logger: new TemporalPinoLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(metricsPort !== undefined ? { metrics: { prometheus: { bindAddress: `${config.host}:${metricsPort}`, histogramBucketOverrides: THROUGHPUT_HISTOGRAM_BUCKETS } } } : {}),
    },
  });
  if (metricsPort !== undefined) log.log(`worker metrics on http://${config.host}:${metricsPort}/metrics`);
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

  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: nestLogger });
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
