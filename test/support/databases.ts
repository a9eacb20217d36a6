import * as fs from 'node:fs';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { DatabaseConfig } from '@him/config';
import { migrateDatabase } from '@him/db';

export type DatabaseKind = DatabaseConfig['kind'];

/** The database kinds this run can test: SQLite always, MySQL/MariaDB when `npm test` found one. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

export interface TestDatabase {
  config: DatabaseConfig;
  /** Environment variables that select this database in loadConfig(). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the given kind, private to one suite (MySQL: on the run's server unless told another). */
export async function createTestDatabase(kind: DatabaseKind, name: string, server = process.env.TEST_MYSQL_URL): Promise<TestDatabase> {
  const unique = `${name.replace(/\W/g, '_')}_${process.pid}`;
  if (kind === 'sqlite') {
    const file = path.join(process.env.TEST_TMP_DIR!, `${unique}.sqlite`);
    fs.rmSync(file, { force: true });
    const config: DatabaseConfig = { kind, file, debug: false };
    await migrateDatabase(config);
    return { config, env: { SQLITE_PATH: file }, drop: async () => fs.rmSync(file, { force: true }) };
  }
  if (!server) throw new Error('no MySQL for this run');
  const url = `${server}/him_mes_test_${unique}`;
  await dropMysqlDatabase(server, `him_mes_test_${unique}`);
  const config: DatabaseConfig = { kind, url, poolMax: 5, debug: false };
  await migrateDatabase(config);
  return { config, env: { DATABASE_URL: url }, drop: () => dropMysqlDatabase(server, `him_mes_test_${unique}`) };
}

async function dropMysqlDatabase(server: string, db: string): Promise<void> {
  const conn = await createConnection(server);
  try {
    await conn.query(`drop database if exists \`${db}\``);
  } finally {
    await conn.end();
  }
}
