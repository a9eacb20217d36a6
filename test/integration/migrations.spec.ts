// The committed migrations must build exactly the schema the entities describe, on both dialects.
import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from '@him/db';
import { createTestDatabase, DATABASE_KINDS } from '../support/databases';

describe.each(DATABASE_KINDS)('migrations on %s', (kind) => {
  it('apply from empty and leave nothing for a new migration to do', async () => {
    const db = await createTestDatabase(kind, `migrations_${kind}`);
    const orm = await MikroORM.init(ormOptions(db.config));
    try {
      const tables = (await orm.schema.getCreateSchemaSQL({ wrap: false })).match(/create table [`"]?(\w+)/g)!.map((m) => m.split(/[`" ]/).pop());
      expect(tables).toEqual(
        expect.arrayContaining([
          'vibration_data',
          'vibration_diagnosis',
          'equipment',
          'sensor',
          'lot',
          'capture',
          'capture_sample',
          'process_value',
          'anomaly',
          'prediction',
          'kpi_equipment_daily',
          'kpi_lot',
          'report',
          'ingest',
          'ingest_rejection',
          'model_version',
          'api_key',
          'audit_log',
        ]),
      );
      expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
      expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});
