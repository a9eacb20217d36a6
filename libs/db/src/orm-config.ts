import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { Options } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { Migrator } from '@mikro-orm/migrations';
import { MySqlDriver } from '@mikro-orm/mysql';
import { REPO_ROOT, type DatabaseConfig } from '@him/config';
import { ENTITIES } from './entities';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export type Dialect = DatabaseConfig['kind'];

/** Where `migration:create` writes new migrations for a dialect (the TypeScript sources). */
export const migrationsSourceDir = (dialect: Dialect) => path.join(REPO_ROOT, 'libs', 'db', 'src', 'migrations', dialect);

// The query builder's own warnings (a connection the server dropped, say) go to the process' log, not to console.log:
// every line the processes write is JSON.
const knexLogger = new Logger('knex');
const KNEX_LOG = {
  warn: (message: unknown) => knexLogger.warn(message),
  error: (message: unknown) => knexLogger.error(message),
  deprecate: (message: unknown) => knexLogger.warn(message),
  debug: () => undefined,
};

/**
 * MikroORM options for the configured database. MySQL/MariaDB when a URL is given, else an embedded
 * SQLite file. Migrations are listed explicitly so they load the same from sources, dist/ and bundles.
 */
export function ormOptions(db: DatabaseConfig): Options {
  const common = {
    entities: ENTITIES,
    extensions: [Migrator],
    debug: db.debug,
    // Each request and activity forks its own EntityManager; the global one must never be used.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    ignoreUndefinedInQuery: true,
  } satisfies Options;
  if (db.kind === 'mysql') {
    return {
      ...common,
      driver: MySqlDriver,
      clientUrl: db.url,
      pool: { min: 0, max: db.poolMax },
      timezone: '+00:00',
      driverOptions: { connection: { connectTimeout: 5000, supportBigNumbers: true }, log: KNEX_LOG },
      migrations: {
        migrationsList: MYSQL_MIGRATIONS,
        path: migrationsSourceDir('mysql'),
        snapshotName: '.snapshot-mysql',
        silent: true,
        transactional: true,
        allOrNothing: false,
        emit: 'ts',
      },
    };
  }
  fs.mkdirSync(path.dirname(db.file), { recursive: true });
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: db.file,
    migrations: {
      migrationsList: SQLITE_MIGRATIONS,
      path: migrationsSourceDir('sqlite'),
      snapshotName: '.snapshot-sqlite',
      silent: true,
      transactional: true,
      emit: 'ts',
    },
  };
}
