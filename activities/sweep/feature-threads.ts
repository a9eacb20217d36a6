import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { CAPTURE_SAMPLES_MODULE } from '@him/db';
import { CaptureFeatureThreads } from '@him/ml';

/**
 * The worker's feature threads (WORKER_FEATURE_THREADS), reading captures from the worker's database: started at boot
 * by a worker serving the CPU queue, stopped with the worker.
 */
@Injectable()
export class FeatureThreads extends CaptureFeatureThreads implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(private readonly config: AppConfig) {
    super(config.worker.featureThreads, { module: CAPTURE_SAMPLES_MODULE, options: config.database });
  }

  onApplicationBootstrap(): void {
    if (this.config.worker.queues.includes('cpu')) this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
