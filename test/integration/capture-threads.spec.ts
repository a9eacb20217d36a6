// The sweep's feature threads: each reads a capture's samples on its own connection and cuts and featurises them.
import Database from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import { captureRows, type CaptureSpec } from '@him/datagen';
import { CAPTURE_SAMPLES_MODULE } from '@him/db';
import { CaptureFeatureThreads, captureWindows, VIBRATION_FEATURE_COUNT } from '@him/ml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';

/** Stores samples as the ingest does (capture_sample rows), straight through the driver. */
async function storeSamples(db: TestDatabase, captureId: number, rows: readonly (readonly [number, number])[]): Promise<void> {
  const values = rows.map(([time, value]) => [captureId, time, value]);
  if (db.config.kind === 'sqlite') {
    const sqlite = new Database(db.config.file);
    const insert = sqlite.prepare('INSERT INTO capture_sample (capture_id, measured_time, value) VALUES (?, ?, ?)');
    sqlite.transaction(() => values.forEach((v) => insert.run(...v)))();
    sqlite.close();
    return;
  }
  const conn = await createConnection(db.config.url);
  await conn.query('INSERT INTO capture_sample (capture_id, measured_time, value) VALUES ?', [values]);
  await conn.end();
}

describe.each(DATABASE_KINDS)('capture windows in feature threads, read from %s', (kind) => {
  let db: TestDatabase;
  let threads: CaptureFeatureThreads;

  const specs: CaptureSpec[] = [0, 1, 2, 3].map((faultType) => ({
    machine: 3,
    sensor: faultType + 1,
    capturedAt: new Date('2026-11-02T06:00:00Z'),
    seconds: 4,
    faultType: faultType as CaptureSpec['faultType'],
    speedHz: 25,
    seed: `threads-${faultType}`,
  }));
  const generated = specs.map((spec) => [...captureRows(spec)]);

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'capture_threads');
    for (const [i, rows] of generated.entries()) await storeSamples(db, i + 1, rows);
    // Capture 9: one sample, which gives no sampling rate.
    await storeSamples(db, 9, [[0.5, 1]]);
    threads = new CaptureFeatureThreads(2, { module: CAPTURE_SAMPLES_MODULE, options: db.config });
  });
  afterAll(async () => {
    await threads.close();
    await db.drop();
  });

  it('gives exactly what the same computation gives on the main thread, from the stored samples', async () => {
    const got = await Promise.all(specs.map((_, i) => threads.windowsOfCapture(i + 1, 1)));
    got.forEach((g, i) => {
      const rows = generated[i];
      const expected = captureWindows({ time: Float64Array.from(rows, (r) => r[0]), value: Float64Array.from(rows, (r) => r[1]) }, 1);
      expect(g.samples).toBe(rows.length);
      expect(g.windows.length).toBeGreaterThanOrEqual(3);
      expect(g.features.length).toBe(g.windows.length * VIBRATION_FEATURE_COUNT);
      expect(g.samplingRateHz).toBe(expected.samplingRateHz);
      expect(g.endSeconds).toBe(expected.endSeconds);
      expect(g.windows).toEqual(expected.windows);
      expect(Array.from(g.features)).toEqual(Array.from(expected.features));
    });
  });

  it('reads nothing for a capture without samples, and finds nothing to diagnose in a single sample', async () => {
    expect(await threads.windowsOfCapture(404, 1)).toEqual({ samplingRateHz: undefined, windows: [], features: new Float32Array(0), endSeconds: 0, samples: 0 });
    expect(await threads.windowsOfCapture(9, 1)).toEqual({ samplingRateHz: undefined, windows: [], features: new Float32Array(0), endSeconds: 0.5, samples: 1 });
  });
});
