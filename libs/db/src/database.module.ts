import { DynamicModule, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DatabaseConfig } from '@him/config';
import { ormOptions } from './orm-config';

/** MikroORM for the API and the worker. The API forks an EntityManager per request (RequestContext). */
@Module({})
export class DatabaseModule {
  static forRoot(db: DatabaseConfig): DynamicModule {
    return { module: DatabaseModule, imports: [MikroOrmModule.forRoot(ormOptions(db))] };
  }
}
