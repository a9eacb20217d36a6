import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModelRegistry } from '@him/registry';
import { ModelsController } from './models.controller';

@Module({ controllers: [ModelsController] })
export class ModelsModule implements OnApplicationBootstrap {
  constructor(private readonly registry: ModelRegistry) {}

  /** A fresh installation serves the models shipped in data/models without training. */
  async onApplicationBootstrap(): Promise<void> {
    for (const shipped of await this.registry.registerShipped()) new Logger('models').log(`registered shipped ${shipped}`);
  }
}
