import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { CaptureFeatureThreads } from '@him/ml';

/** The worker's feature threads (WORKER_FEATURE_THREADS), stopped with the worker. */
@Injectable()
export class FeatureThreads extends CaptureFeatureThreads implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super(config.worker.featureThreads);
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
