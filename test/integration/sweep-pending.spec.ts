// Which series a sweep takes up, on a real database: capture streams whose newest capture is past the classifier's
// watermark, and lots whose last observation is past the detector's or the LSTM's watermark.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/core';
import { CaptureRepository, DatabaseModule, Equipment, EquipmentKind, Lot, ProcessValue, SeriesKind, SweepWatermarkRepository } from '@him/db';
import { SweepActivities } from '../../activities';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';

describe.each(DATABASE_KINDS)('pending series on %s', (kind) => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let sweep: SweepActivities;
  let watermarks: SweepWatermarkRepository;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 8, minute));
  const advance = (seriesKind: SeriesKind, seriesKey: string, modelName: string, position: number) =>
    watermarks.transaction((tx) => watermarks.advance(tx, { seriesKind, seriesKey, modelName, position }));

  beforeAll(async () => {
    db = await createTestDatabase(kind, `sweep_pending_${kind}`);
    app = await NestFactory.createApplicationContext(
      { module: class SweepPendingModule {}, imports: [DatabaseModule.forRoot(db.config)], providers: [SweepActivities] },
      { logger: false },
    );
    sweep = app.get(SweepActivities);
    watermarks = app.get(SweepWatermarkRepository);

    const captures = app.get(CaptureRepository);
    for (const [machineName, sensorNo, minute] of [
      ['g1', '1', 0],
      ['g1', '1', 10],
      ['g1', '2', 0],
      ['g2', '1', 0],
    ] as const) {
      await captures.ensureCapture({ machineName, sensorNo, capturedAt: at(minute), samplingRateHz: 1350, ingestId: 1 });
    }
    const em = app.get(MikroORM).em.fork();
    const equipment = em.create(Equipment, { code: 'TEP', name: 'Tennessee Eastman process', kind: EquipmentKind.Process });
    await em.flush();
    for (const code of ['d01', 'd02', 'd03']) {
      const lot = em.create(Lot, { code, equipment, startedAt: at(0) });
      await em.flush();
      for (const tag of ['XMEAS(1)', 'XMV(1)'])
        for (let minute = 0; minute < 3; minute++) em.create(ProcessValue, { equipmentId: equipment.id, lotId: lot.id, tag, measuredAt: at(minute), value: minute });
    }
    await em.flush();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('lists every stream and lot with data past its watermarks, and none that is caught up', async () => {
    expect(await sweep.findPendingSeries()).toEqual([
      { kind: 'capture_stream', key: 'g1/1' },
      { kind: 'capture_stream', key: 'g1/2' },
      { kind: 'capture_stream', key: 'g2/1' },
      { kind: 'lot', key: 'd01' },
      { kind: 'lot', key: 'd02' },
      { kind: 'lot', key: 'd03' },
    ]);
    const ids = await app.get(CaptureRepository).findAfter('g1', '1', 0, 10);
    // g1/1 is caught up to its first capture only; g1/2 entirely; g2/1 only by another model's watermark.
    await advance(SeriesKind.CaptureStream, 'g1/1', 'vibration-classifier', ids[0].id);
    const [g12] = await app.get(CaptureRepository).findAfter('g1', '2', 0, 10);
    await advance(SeriesKind.CaptureStream, 'g1/2', 'vibration-classifier', g12.id);
    await advance(SeriesKind.CaptureStream, 'g2/1', 'some-other-model', 1e9);
    // d01 is caught up by both models, d02 by the detector only, d03 by both up to its second-last observation.
    const last = at(2).getTime();
    await advance(SeriesKind.Lot, 'd01', 'tep-detector', last);
    await advance(SeriesKind.Lot, 'd01', 'tep-lstm', last);
    await advance(SeriesKind.Lot, 'd02', 'tep-detector', last);
    await advance(SeriesKind.Lot, 'd03', 'tep-detector', at(1).getTime());
    await advance(SeriesKind.Lot, 'd03', 'tep-lstm', last);
    expect(await sweep.findPendingSeries()).toEqual([
      { kind: 'capture_stream', key: 'g1/1' },
      { kind: 'capture_stream', key: 'g2/1' },
      { kind: 'lot', key: 'd02' },
      { kind: 'lot', key: 'd03' },
    ]);
  });
});
