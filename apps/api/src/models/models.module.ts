import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModelRegistry } from '@him/registry';
import { ModelDriftService } from './model-drift.service';
import { ModelsController } from './models.controller';

@Module({ controllers: [ModelsController], providers: [ModelDriftService] })
export class ModelsModule implements OnApplicationBootstrap {
  constructor(private readonly registry: ModelRegistry) {}

  /** A fresh installation serves the models shipped in data/models without training; files a crash left unregistered go. */
  async onApplicationBootstrap(): Promise<void> {
    const logger = new Logger('models');
    for (const shipped of await this.registry.registerShipped()) logger.log(`registered shipped ${shipped}`);
    for (const orphan of await this.registry.sweepOrphanFiles()) logger.log(`removed ${orphan}: no model version refers to it`);
  }
}
