import { MikroORM } from '@mikro-orm/core';
import type { DatabaseConfig } from '@him/config';
import { ormOptions } from './orm-config';

/** Creates the database if it is missing and applies every pending migration. Returns the names applied. */
export async function migrateDatabase(db: DatabaseConfig): Promise<string[]> {
  const orm = await MikroORM.init(ormOptions(db));
  try {
    await orm.schema.ensureDatabase({ create: true });
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** True when the database answers a trivial query. */
export async function pingDatabase(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('select 1');
}
