import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NativeConnection } from '@temporalio/worker';
import { AppConfig, ConfigError, loadConfig } from '@him/config';
import { createWorker } from './create-worker';
import { WorkerModule } from './worker.module';

const log = new Logger('worker');

/** Keeps trying until Temporal answers, so the worker can start before the server in any order. */
async function connectTemporal(config: AppConfig): Promise<NativeConnection> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect({ address: config.temporal.address });
    } catch (err) {
      if (attempt % 10 === 1) log.warn(`Temporal at ${config.temporal.address} not reachable yet (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(500 * attempt, 5000)));
    }
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn', 'log'] });
  const connection = await connectTemporal(config);
  const worker = await createWorker({ app, connection, bundlePath: config.worker.bundlePath });

  // Graceful stop: finish or hand back in-flight activities, then release the database.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.log(`${signal}: draining the worker`);
      worker.shutdown();
    });
  }
  log.log(`worker polling task queue(s) on ${config.temporal.address} namespace ${config.temporal.namespace}`);
  await worker.run();
  await connection.close();
  await app.close();
  log.log('worker stopped');
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    log.error(err instanceof Error ? err.stack ?? err.message : String(err));
  }
  process.exit(1);
});
