import { DynamicModule, Global, Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DatabaseConfig } from '@him/config';
import { DIALECT } from './dialect';
import { ormOptions, type Dialect } from './orm-config';
import { REPOSITORIES } from './repositories';

/** MikroORM and the repositories, for the API and the worker. The API forks an EntityManager per request (RequestContext). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(db: DatabaseConfig): DynamicModule {
    const dialect = { provide: DIALECT, useValue: db.kind satisfies Dialect };
    return {
      module: DatabaseModule,
      imports: [MikroOrmModule.forRoot(ormOptions(db))],
      providers: [dialect, ...REPOSITORIES],
      exports: [DIALECT, ...REPOSITORIES],
    };
  }
}
