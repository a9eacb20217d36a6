// The repositories the trainers read through, wired as the worker wires them (DatabaseModule), on a real database:
// what is stored comes back whole and exact, page boundaries lose or repeat nothing, and other series or lots stay out.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/core';
import {
  CaptureRepository,
  DatabaseModule,
  Equipment,
  EquipmentKind,
  envelopeOfSamples,
  insertIgnore,
  Lot,
  LotRepository,
  ModelDriftRepository,
  ProcessValue,
  ProcessValueRepository,
  SeriesKind,
  VibrationDataRepository,
  type EnvelopeBucket,
  type VibrationSample,
  SweepWatermarkRepository,
} from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';

describe.each(DATABASE_KINDS)('repositories on %s', (kind) => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let vibration: VibrationDataRepository;
  let processValues: ProcessValueRepository;

  beforeAll(async () => {
    db = await createTestDatabase(kind, `repositories_${kind}`);
    app = await NestFactory.createApplicationContext(DatabaseModule.forRoot(db.config), { logger: false });
    vibration = app.get(VibrationDataRepository);
    processValues = app.get(ProcessValueRepository);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const collect = async <T>(pages: AsyncIterable<T[]>) => {
    const read: T[][] = [];
    for await (const page of pages) read.push(page);
    return read;
  };

  describe('vibration data', () => {
    const morning = new Date('2026-11-02T08:00:00.123Z');
    const undated = new Date(0);
    const sample = (machineName: string, sensorNo: string, collectedAt: Date, t: number): VibrationSample => ({
      machineName,
      sensorNo,
      collectedAt,
      measuredTime: t / 3,
      normal: t + 0.1,
      unbalance: -t - 0.2,
      looseness: t * 1e-7,
      unbalanceLooseness: 1 / (t + 3),
    });
    const row = (s: VibrationSample) => [s.measuredTime, s.normal, s.unbalance, s.looseness, s.unbalanceLooseness];
    // Inserted out of time order, so the read's order is the repository's doing.
    const recording = [4, 0, 3, 1, 2].map((t) => sample('r1', '1', morning, t));
    const sorted = [...recording].sort((a, b) => a.measuredTime - b.measuredTime);

    beforeAll(async () => {
      const others = [sample('r1', '1', undated, 0), sample('r1', '2', morning, 0), sample('r1', '2', morning, 1), sample('r2', '1', morning, 7)];
      expect(await vibration.insertIgnore([...recording, ...others])).toBe(recording.length + others.length);
    });

    it('lists every recording once, with its row count and its collected_at to the millisecond', async () => {
      const found = (await vibration.findRecordings()).map((r) => ({ ...r, collectedAt: r.collectedAt.toISOString() }));
      expect(found).toEqual([
        { machineName: 'r1', sensorNo: '1', collectedAt: undated.toISOString(), rows: 1 },
        { machineName: 'r1', sensorNo: '1', collectedAt: morning.toISOString(), rows: 5 },
        { machineName: 'r1', sensorNo: '2', collectedAt: morning.toISOString(), rows: 2 },
        { machineName: 'r2', sensorNo: '1', collectedAt: morning.toISOString(), rows: 1 },
      ]);
    });

    it('reads one recording in time order, page by page, with exact values and nothing of the others', async () => {
      const [listed] = (await vibration.findRecordings()).filter((r) => r.sensorNo === '1' && r.collectedAt.getTime() === morning.getTime() && r.machineName === 'r1');
      const pages = await collect(vibration.readRecording(listed, 2));
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(sorted.map(row));
      // A page size that divides the recording ends on an empty read, not a repeated page.
      expect((await collect(vibration.readRecording(listed, 5))).flat()).toEqual(sorted.map(row));
      expect(await collect(vibration.readRecording({ machineName: 'r1', sensorNo: '1', collectedAt: undated }))).toEqual([[row(sample('r1', '1', undated, 0))]]);
      expect(await collect(vibration.readRecording({ machineName: 'r9', sensorNo: '1', collectedAt: morning }))).toEqual([]);
    });

    it('finds a sample by its natural key as a plain record, and nothing under a key never stored', async () => {
      const [, first] = recording;
      const found = await vibration.findByKey(first);
      expect(found).toEqual({ id: expect.any(Number), ...first });
      expect(Object.getPrototypeOf(found)).toBe(Object.prototype);
      expect(await vibration.findByKey({ ...first, measuredTime: 99 })).toBeUndefined();
    });
  });

  describe('process values', () => {
    const start = Date.parse('2026-11-01T00:00:00.000Z');
    const at = (i: number) => new Date(start + i * 180_000 + 7);
    const lots: Record<string, number> = {};

    beforeAll(async () => {
      const em = app.get(MikroORM).em.fork();
      const equipment = em.create(Equipment, { code: 'TEP', name: 'Tennessee Eastman process', kind: EquipmentKind.Process });
      for (const [code, faultLabel] of [
        ['d01', 1],
        ['d00', 0],
        ['unlabelled', undefined],
      ] as const) {
        const lot = em.create(Lot, { code, equipment, startedAt: new Date(start), faultLabel });
        await em.flush();
        lots[code] = lot.id;
      }
      // Two tags over four times in d00; d01 has values of its own that must not leak into d00's read.
      for (const [lot, offset] of [
        [lots.d00, 0],
        [lots.d01, 100],
      ]) {
        for (let i = 3; i >= 0; i--) {
          for (const tag of ['XMV(1)', 'XMEAS(1)'])
            em.create(ProcessValue, { equipmentId: equipment.id, lotId: lot, tag, measuredAt: at(i), value: offset + i + (tag === 'XMV(1)' ? 0.5 : 0) });
        }
      }
      await em.flush();
    });

    it('lists the labelled lots in code order, with their fault labels', async () => {
      expect(await app.get(LotRepository).findLabelledLots()).toEqual([
        { lotId: lots.d00, code: 'd00', faultLabel: 0 },
        { lotId: lots.d01, code: 'd01', faultLabel: 1 },
      ]);
    });

    it("reads one lot's values in (tag, time) order across page boundaries inside a tag, exactly", async () => {
      const expected = ['XMEAS(1)', 'XMV(1)'].flatMap((tag) => [0, 1, 2, 3].map((i) => ({ tag, measuredAt: at(i), value: i + (tag === 'XMV(1)' ? 0.5 : 0) })));
      const pages = await collect(processValues.readLot(lots.d00, 3));
      expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
      expect(pages.flat()).toEqual(expected);
      expect((await collect(processValues.readLot(lots.d00, 4))).flat()).toEqual(expected);
      expect(await collect(processValues.readLot(lots.unlabelled))).toEqual([]);
    });

    it("reads a tag's span within bounds, its first values, and its buckets for a chart", async () => {
      expect(await processValues.findTagSpan(lots.d00, 'XMEAS(1)', at(1), new Date(at(2).getTime() + 1))).toEqual({ first: at(1), last: at(2) });
      expect(await processValues.findTagSpan(lots.d00, 'XMEAS(1)', at(4))).toBeUndefined();
      const head = await processValues.readTagSeries(lots.d00, 'XMEAS(1)', at(1), at(3), 2);
      expect([Array.from(head.values), [0, 1].map((i) => head.measuredAt(i))]).toEqual([
        [1, 2],
        [at(1), at(2)],
      ]);
      // Two buckets over at(0)…at(3): at(0) and at(1) in the first, at(2) and the last value in the second.
      const buckets = await processValues.readTagEnvelope(lots.d01, 'XMV(1)', { first: at(0), last: at(3) }, 2);
      expect(buckets).toEqual([
        { firstTime: at(0).getTime(), lastTime: at(1).getTime(), min: 100.5, max: 101.5, count: 2, trend: expect.any(Number) },
        { firstTime: at(2).getTime(), lastTime: at(3).getTime(), min: 102.5, max: 103.5, count: 2, trend: expect.any(Number) },
      ]);
      expect(buckets.every((b) => b.trend > 0)).toBe(true);
    });
  });

  describe('capture samples', () => {
    let capture: number;
    // 41 samples, 0.1 s apart, falling to 0 at 2 s and rising after; another capture's samples around them.
    const time = (i: number) => i / 10;
    const value = (i: number) => (i - 20) ** 2;

    beforeAll(async () => {
      const captures = app.get(CaptureRepository);
      capture = (await captures.ensureCapture({ machineName: 'g1', sensorNo: '1', capturedAt: new Date('2026-11-01T03:00:00Z'), ingestId: 1 })).id;
      const other = (await captures.ensureCapture({ machineName: 'g1', sensorNo: '2', capturedAt: new Date('2026-11-01T03:00:00Z'), ingestId: 1 })).id;
      const rows = [...Array(41).keys()].reverse().map((i) => [capture, time(i), value(i)]);
      const em = app.get(MikroORM).em.fork();
      await insertIgnore(em, kind, 'capture_sample', ['capture_id', 'measured_time', 'value'], [...rows, [other, 1.95, -1], [other, 5, 1e6]]);
    });

    it('reads the first samples, the span, and the samples around a time, in time order', async () => {
      const captures = app.get(CaptureRepository);
      const head = await captures.readSamples(capture, 3);
      expect([Array.from(head.time), Array.from(head.value)]).toEqual([
        [0, 0.1, 0.2],
        [400, 361, 324],
      ]);
      expect((await captures.readSamples(capture, 100)).time).toHaveLength(41);
      expect(await captures.findSampleSpan(capture)).toEqual({ first: 0, last: 4 });
      expect(await captures.findSampleSpan(capture + 1000)).toBeUndefined();
      const middle = await captures.readSamplesAround(capture, 2, 6);
      expect(Array.from(middle.time)).toEqual([17, 18, 19, 20, 21, 22].map(time));
      expect(Array.from(middle.value)).toEqual([17, 18, 19, 20, 21, 22].map(value));
      // Near the start: the two samples before, the rest from the time on.
      expect(Array.from((await captures.readSamplesAround(capture, 0.15, 10)).time)).toEqual([0, 1, 2, 3, 4, 5, 6].map(time));
    });

    it('cuts the capture into buckets of equal duration, each with its extent, extremes, count and trend', async () => {
      const buckets = await app.get(CaptureRepository).readSampleEnvelope(capture, { first: 0, last: 4 }, 4);
      // One second each; the last sample (4 s) falls in the last bucket.
      expect(buckets.map((b) => [b.firstTime, b.lastTime, b.min, b.max, b.count])).toEqual([
        [0, 0.9, 121, 400, 10],
        [1, 1.9, 1, 100, 10],
        [2, 2.9, 0, 81, 10],
        [3, 4, 100, 400, 11],
      ]);
      expect(buckets.map((b) => Math.sign(b.trend))).toEqual([-1, -1, 1, 1]);
    });

    it('buckets samples read whole as the database does (envelopeOfSamples, for short captures)', async () => {
      const captures = app.get(CaptureRepository);
      const all = await captures.readSamples(capture);
      for (const count of [1, 3, 4, 7, 13, 40, 1200]) {
        const inDb = await captures.readSampleEnvelope(capture, { first: 0, last: 4 }, count);
        const read = envelopeOfSamples(all.time, all.value, 0, 4, count);
        const extent = ({ firstTime, lastTime, min, max, count: n }: EnvelopeBucket) => [firstTime, lastTime, min, max, n];
        expect(read.map(extent)).toEqual(inDb.map(extent));
        read.forEach((b, i) => expect(b.trend).toBeCloseTo(inDb[i].trend, 9));
      }
    });

    it('reads more buckets than one statement holds (SQLite allows 500 terms), leaving out the empty ones', async () => {
      const buckets = await app.get(CaptureRepository).readSampleEnvelope(capture, { first: 0, last: 4 }, 1200);
      const samples = [...Array(41).keys()];
      expect(buckets).toEqual(samples.map((i) => ({ firstTime: time(i), lastTime: time(i), min: value(i), max: value(i), count: 1, trend: 0 })));
    });
  });

  describe('model drift', () => {
    const series = { modelName: 'vibration-classifier', modelVersion: 'vibration-classifier@1', seriesKind: SeriesKind.CaptureStream, seriesKey: 'g1/1' };
    const bins = (n: number) => ({ normal: [[n, 0, 1]] });
    const merge = (into: Record<string, number[][]>, more: Record<string, number[][]>) => ({ normal: [into.normal[0].map((v, b) => v + more.normal[0][b])] });
    // A stand-in for the PSI: the rows counted, so the stored summary shows which totals it was made of.
    const summarise = (total: Record<string, number[][]>) => ({
      samples: total.normal[0].reduce((a, b) => a + b, 0),
      psi: total.normal[0][0],
      topFeatures: [{ feature: 'x', psi: 1 }],
    });
    const add = (position: number, counts: Map<string, Record<string, number[][]>>) =>
      app
        .get(MikroORM)
        .em.fork()
        .transactional((tx) => app.get(ModelDriftRepository).add(tx, series, position, counts, merge, summarise, `job-${position}`));

    it('adds each batch of a series-day once, whoever counts it again, and reads the counts back per day', async () => {
      const drift = app.get(ModelDriftRepository);
      await add(
        100,
        new Map([
          ['2026-11-01', bins(3)],
          ['2026-11-02', bins(5)],
        ]),
      );
      // The same batch again (a retried or concurrent run): nothing changes.
      await add(
        100,
        new Map([
          ['2026-11-01', bins(3)],
          ['2026-11-02', bins(5)],
        ]),
      );
      // The next batch adds to the second day and opens a third.
      await add(
        180,
        new Map([
          ['2026-11-02', bins(2)],
          ['2026-11-03', bins(4)],
        ]),
      );
      const stored = await drift.seriesDrift('vibration-classifier', '2026-11-01', '2026-11-03');
      expect(stored.map((d) => [d.day, d.samples, d.psi, d.jobId])).toEqual([
        ['2026-11-01', 4, 3, 'job-100'],
        ['2026-11-02', 9, 7, 'job-180'],
        ['2026-11-03', 5, 4, 'job-180'],
      ]);
      expect(await drift.countsOnDays('vibration-classifier@1', ['2026-11-02', '2026-11-03'])).toEqual([
        { day: '2026-11-02', seriesKey: 'g1/1', counts: { normal: [[7, 0, 2]] } },
        { day: '2026-11-03', seriesKey: 'g1/1', counts: { normal: [[4, 0, 1]] } },
      ]);
      expect(await drift.countsOnDays('vibration-classifier@2', ['2026-11-02'])).toEqual([]);
    });

    it("writes neighbouring series' new days at once, as two CPU workers do, each batch once", async () => {
      // Each batch in the sweep's transaction: on MariaDB two of them lock neighbouring gaps of the key and may deadlock;
      // the victim runs again (a bench with two workers saw a series fail on it before).
      const watermarks = app.get(SweepWatermarkRepository);
      const batch = (key: string, position: number, day: string) =>
        watermarks.transaction((tx) => app.get(ModelDriftRepository).add(tx, { ...series, seriesKey: key }, position, new Map([[day, bins(1)]]), merge, summarise, `job-${key}`));
      const keys = Array.from({ length: 8 }, (_, i) => `g9/${i}`);
      for (let round = 0; round < 10; round++) {
        const day = `2026-10-${String(round + 10)}`;
        await Promise.all(keys.map((key) => batch(key, round + 1, day)));
      }
      const stored = await app.get(ModelDriftRepository).seriesDrift('vibration-classifier', '2026-10-10', '2026-10-19');
      const ours = stored.filter((d) => d.seriesKey.startsWith('g9/'));
      expect(ours).toHaveLength(keys.length * 10);
      expect(ours.every((d) => d.samples === 2)).toBe(true);
    });
  });
});
