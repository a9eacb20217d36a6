import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { AppConfig } from '@him/config';
import { ormOptions } from './orm-config';

/** MikroORM for the API and the worker. The API forks an EntityManager per request (RequestContext). */
@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ormOptions(config.database),
    }),
  ],
})
export class DatabaseModule {}
