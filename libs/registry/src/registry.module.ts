import { Global, Module } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AppConfig, REPO_ROOT } from '@him/config';
import * as path from 'node:path';
import { ModelRegistry } from './model-registry';
import { ServedModels } from './served-models';

/** The registry and the loaded models, for the API and the worker alike (both need a DatabaseModule). */
@Global()
@Module({
  providers: [
    {
      provide: ModelRegistry,
      inject: [MikroORM, AppConfig],
      useFactory: (orm: MikroORM, config: AppConfig) => new ModelRegistry(orm, config.blobDir, path.join(REPO_ROOT, 'data', 'models')),
    },
    { provide: ServedModels, inject: [ModelRegistry], useFactory: (registry: ModelRegistry) => new ServedModels(registry) },
  ],
  exports: [ModelRegistry, ServedModels],
})
export class RegistryModule {}
