/* Database maintenance: `migrate` applies pending migrations; `migration:create` writes a new migration
 * for both dialects by diffing the entities against each dialect's committed snapshot. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { loadConfig, type DatabaseConfig } from '@him/config';
import { migrateDatabase } from './database';
import { migrationsSourceDir, ormOptions, type Dialect } from './orm-config';

async function createMigrations(mysqlUrl: string): Promise<void> {
  const scratch: Record<Dialect, DatabaseConfig> = {
    mysql: { kind: 'mysql', url: mysqlUrl, poolMax: 2, debug: false },
    sqlite: { kind: 'sqlite', file: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'him-mig-')), 'scratch.sqlite'), debug: false },
  };
  for (const dialect of ['mysql', 'sqlite'] as const) {
    const orm = await MikroORM.init(ormOptions(scratch[dialect]));
    try {
      await orm.schema.ensureDatabase({ create: true });
      const initial = !fs.existsSync(path.join(migrationsSourceDir(dialect), `.snapshot-${dialect}.json`));
      const result = await orm.getMigrator().createMigration(undefined, false, initial);
      console.log(result.fileName ? `${dialect}: wrote ${result.fileName}` : `${dialect}: no changes`);
    } finally {
      await orm.close(true);
    }
    writeMigrationIndex(dialect);
  }
}

/** Regenerates `migrations/<dialect>/index.ts` so the explicit list always matches the files. */
function writeMigrationIndex(dialect: Dialect): void {
  const dir = migrationsSourceDir(dialect);
  const names = fs
    .readdirSync(dir)
    .filter((f) => /^Migration\d+.*\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const constName = `${dialect.toUpperCase()}_MIGRATIONS`;
  const lines = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${n} } from './${n}';`),
    '',
    '/** Applied in this order; `npm run db:migration:create` regenerates this list. */',
    `export const ${constName}: MigrationObject[] = [`,
    ...names.map((n) => `  { name: '${n}', class: ${n} },`),
    '];',
    '',
  ];
  fs.writeFileSync(path.join(dir, 'index.ts'), lines.join('\n'));
}

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  const config = loadConfig();
  if (command === 'migrate') {
    const applied = await migrateDatabase(config.database);
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'database schema is up to date');
  } else if (command === 'migration:create') {
    await createMigrations(process.env.MIGRATION_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/him_mes_migration_scratch');
  } else {
    console.error('usage: db migrate | db migration:create');
    process.exitCode = 2;
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
