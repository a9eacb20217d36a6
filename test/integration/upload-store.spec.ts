// Uploads whose ingest never ran to its end (a crash, a workflow terminated from the Temporal UI) would stay in the
// store for ever: the worker removes those no running ingest uses once they are older than a grace period.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { loadConfig } from '@him/config';
import { IngestKind, IngestLedgerRepository, ormOptions } from '@him/db';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { eventually } from '../support/stack';

const DAY_MS = 86_400_000;

describe.each(DATABASE_KINDS)('the upload store on %s', (kind) => {
  let db: TestDatabase;
  let orm: MikroORM;
  let worker: INestApplicationContext | undefined;
  const dataDir = path.join(process.env.TEST_TMP_DIR!, `upload-store-${kind}-${process.pid}`);
  const uploads = path.join(dataDir, 'blobs', 'uploads');

  /** A file in the store, last written `ageMs` ago. */
  function upload(name: string, ageMs: number): string {
    const file = path.join(uploads, name);
    fs.writeFileSync(file, 'Time,Value\n0,1\n');
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(file, at, at);
    return file;
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, `upload_store_${kind}`);
    orm = await MikroORM.init(ormOptions(db.config));
    fs.mkdirSync(uploads, { recursive: true });
  });

  afterAll(async () => {
    await worker?.close();
    await orm?.close(true);
    await db?.drop();
  });

  it('a starting worker removes old uploads no running ingest uses, and abandoned partial uploads', async () => {
    const running = 'a'.repeat(64);
    await new IngestLedgerRepository(orm).open({
      checksum: running,
      fileName: 'g1_sensor1.csv',
      kind: IngestKind.Vibration,
      bytes: 15,
      workflowId: `ingest-${running}`,
      params: {},
    });
    const orphan = upload('b'.repeat(64), 2 * DAY_MS);
    const inUse = upload(running, 2 * DAY_MS);
    const recent = upload('c'.repeat(64), 60_000);
    const abandoned = upload('.incoming-0d6f6a0e-5b7e-4c1e-9f0a-2f1d3c4b5a69', 2 * DAY_MS);
    const receiving = upload('.incoming-5a0c1e9b-7d2f-4e3a-8b6c-1f0e9d8c7b6a', 1000);

    const config = loadConfig({ ...db.env, DATA_DIR: dataDir, BLOB_DIR: path.join(dataDir, 'blobs'), NODE_ENV: 'test', LOG_LEVEL: 'error' });
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
    await eventually(async () => (fs.existsSync(orphan) || fs.existsSync(abandoned) ? undefined : true), 10_000, 'the orphaned uploads to go');
    expect([inUse, recent, receiving].filter((f) => fs.existsSync(f))).toEqual([inUse, recent, receiving]);
  });
});
