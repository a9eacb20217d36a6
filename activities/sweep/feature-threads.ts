import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { CAPTURE_SAMPLES_MODULE } from '@him/db';
import { CaptureFeatureThreads } from '@him/ml';

/** The worker's feature threads (WORKER_FEATURE_THREADS), reading captures from the worker's database; stopped with the worker. */
@Injectable()
export class FeatureThreads extends CaptureFeatureThreads implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super(config.worker.featureThreads, { module: CAPTURE_SAMPLES_MODULE, options: config.database });
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
