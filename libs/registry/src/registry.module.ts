import { Global, Module } from '@nestjs/common';
import { AppConfig, REPO_ROOT } from '@him/config';
import { ModelVersionRepository } from '@him/db';
import * as path from 'node:path';
import { ModelRegistry } from './model-registry';
import { ServedModels } from './served-models';

/** The registry and the loaded models, for the API and the worker alike (both need a DatabaseModule). */
@Global()
@Module({
  providers: [
    {
      provide: ModelRegistry,
      inject: [ModelVersionRepository, AppConfig],
      useFactory: (versions: ModelVersionRepository, config: AppConfig) =>
        new ModelRegistry(versions, { blobDir: config.blobDir, shippedDir: path.join(REPO_ROOT, 'data', 'models'), check: config.modelCheck }),
    },
    { provide: ServedModels, inject: [ModelRegistry], useFactory: (registry: ModelRegistry) => new ServedModels(registry) },
  ],
  exports: [ModelRegistry, ServedModels],
})
export class RegistryModule {}
