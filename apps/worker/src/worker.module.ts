import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@him/config';
import { DatabaseModule } from '@him/db';
import { RegistryModule } from '@him/registry';
import { ACTIVITY_CLASSES, ACTIVITY_DEPENDENCIES } from '../../../activities';
import { UploadStoreCleaner } from './upload-store-cleaner';

/** The worker's providers: configuration, the database, the model registry, every activity class and the upload store's cleaner. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(config.database), RegistryModule],
      providers: [...ACTIVITY_DEPENDENCIES, ...ACTIVITY_CLASSES, UploadStoreCleaner],
    };
  }
}
