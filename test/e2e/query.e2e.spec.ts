// The read API as a plant engineer calls it, on each database kind: generated live captures and a TEP sample go in
// through the ingest endpoint (HTTP → workflow → activities → database), and equipment, captures, lots and time
// series answer with exactly what was ingested; capture diagnoses appear once one is stored; bad input gets 400/404.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CAPTURE_HEADER, captureFileName, captureRows, FaultType, type CaptureSpec } from '@him/datagen';
import { DiagnosisLevel, VibrationDiagnosisRepository } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

const TEP_SAMPLES = path.resolve(__dirname, '..', '..', 'data', 'samples', 'tep');
const TEP_SAMPLE = path.join(TEP_SAMPLES, 'tep_sample.dat');
const TEP_START = '2026-01-01T00:00:00.000Z';
const SEED = 'query-e2e';

/** Two machines: g2 sensor 1 twice (unbalance, then looseness), g2 sensor 2 once, g4 sensor 1 once (normal). */
const CAPTURES: CaptureSpec[] = [
  { machine: 2, sensor: 1, capturedAt: new Date('2026-11-01T03:00:00Z'), faultType: FaultType.Unbalance, speedHz: 24.2, seed: SEED, seconds: 2 },
  { machine: 2, sensor: 1, capturedAt: new Date('2026-11-02T03:00:00Z'), faultType: FaultType.Looseness, speedHz: 25.6, seed: SEED, seconds: 2 },
  { machine: 2, sensor: 2, capturedAt: new Date('2026-11-01T03:00:00Z'), faultType: FaultType.Unbalance, speedHz: 24.8, seed: SEED, seconds: 3 },
  { machine: 4, sensor: 1, capturedAt: new Date('2026-11-01T09:00:00Z'), faultType: FaultType.Normal, speedHz: 25, seed: SEED, seconds: 2 },
];

/** The CSV as the sensor sends it, and its values as stored (6 decimals). */
function captureFile(spec: CaptureSpec) {
  const rows = [...captureRows(spec)].map(([t, v]) => [t.toFixed(6), v.toFixed(6)]);
  return {
    name: captureFileName(spec.machine, spec.sensor, spec.capturedAt),
    text: [CAPTURE_HEADER, ...rows.map((r) => r.join(','))].join('\n') + '\n',
    times: rows.map((r) => Number(r[0])),
    values: rows.map((r) => Number(r[1])),
  };
}

/** The TEP sample's observations: one line each, 52 values (XMEAS_1…41, XMV_1…11). */
const tepObservations = () =>
  fs
    .readFileSync(TEP_SAMPLE, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));

const minOf = (values: readonly number[]) => values.reduce((a, b) => Math.min(a, b));
const maxOf = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b));

interface ExpectedBucket {
  time: number[];
  value: number[];
  /** False when the bucket's trend is zero but for rounding, or it has no samples in one half: then either order is right. */
  ordered: boolean;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * The chart the API documents for a series longer than `points`, computed from the raw series, bucket by bucket:
 * ⌊points/2⌋ buckets of equal duration over its first…last time (bucket b starts at first + b × (last − first) / ⌊points/2⌋,
 * the last one ends at last inclusive); each gives its minimum and maximum at its first and last sample time, the minimum
 * first when its values rise (the mean from its middle time on above its mean), the maximum first when they fall; a
 * bucket of one sample gives it once.
 */
function envelopeOf(times: readonly number[], values: readonly number[], points: number): ExpectedBucket[] {
  const count = Math.floor(points / 2);
  const first = times[0];
  const span = times[times.length - 1] - first;
  const at = (b: number) => first + (b * span) / count;
  const members = new Map<number, number[]>();
  times.forEach((t, i) => {
    let b = count - 1;
    while (t < at(b)) b--;
    members.set(b, [...(members.get(b) ?? []), i]);
  });
  return [...members.keys()]
    .sort((x, y) => x - y)
    .map((b) => {
      const inBucket = members.get(b)!;
      const v = inBucket.map((i) => values[i]);
      if (inBucket.length === 1) return { time: [times[inBucket[0]]], value: v, ordered: true };
      const middle = first + ((b + 0.5) * span) / count;
      const secondHalf = inBucket.filter((i) => times[i] >= middle).map((i) => values[i]);
      const trend = secondHalf.length ? mean(secondHalf) - mean(v) : 0;
      return {
        time: [times[inBucket[0]], times[inBucket[inBucket.length - 1]]],
        value: trend < 0 ? [maxOf(v), minOf(v)] : [minOf(v), maxOf(v)],
        ordered: secondHalf.length > 0 && secondHalf.length < v.length && Math.abs(trend) > 1e-9 * Math.max(...v.map(Math.abs)),
      };
    });
}

/** A chart of a long series: at most `points`, time order, the global extremes, and exactly the envelope above. */
function expectEnvelope(chart: { time: number[]; value: number[] }, times: readonly number[], values: readonly number[], points: number) {
  expect(times.length).toBeGreaterThan(points);
  expect(chart.value.length).toBeLessThanOrEqual(points);
  expect(chart.time).toHaveLength(chart.value.length);
  expect(chart.time.every((t, i) => i === 0 || t >= chart.time[i - 1])).toBe(true);
  expect(chart.value).toContain(minOf(values));
  expect(chart.value).toContain(maxOf(values));
  const expected = envelopeOf(times, values, points);
  expect(chart.time).toEqual(expected.flatMap((b) => b.time));
  let at = 0;
  for (const bucket of expected) {
    const got = chart.value.slice(at, (at += bucket.value.length));
    expect(bucket.ordered ? got : [...got].sort((x, y) => x - y)).toEqual(bucket.ordered ? bucket.value : [...bucket.value].sort((x, y) => x - y));
  }
}

describe.each(DATABASE_KINDS)('query API on %s', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let viewer: string;
  const files = CAPTURES.map(captureFile);
  const ids = new Map<string, number>();

  const get = (url: string, key = viewer) => stack.http('GET', `/api/v1${url}`, { key });
  async function ingest(fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
    const started = await stack.upload(fileName, content, fields);
    expect(started.status).toBe(202);
    const job = await stack.finishedJob(started.body.workflow_id);
    expect(job.status).toBe('completed');
  }
  const expectError = (res: { status: number; body: any }, status: number, field?: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ status, code: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
    if (field) expect(res.body.details.map((d: { field?: string }) => d.field)).toContain(field);
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, `query_${kind}`);
    stack = await TestStack.start({ db, namespace: kind === 'mysql' ? 'query-mysql' : 'query-sqlite' });
    viewer = await stack.issueKey('viewer');
    for (const file of files) await ingest(file.name, file.text);
    await ingest('d05.dat', fs.readFileSync(TEP_SAMPLE), { start_time: TEP_START });
    // The same observations stored transposed (one line per tag): another file, so another lot.
    await ingest('run-b.dat', fs.readFileSync(path.join(TEP_SAMPLES, 'tep_sample_transposed.dat')), { start_time: '2026-01-03T00:00:00Z' });
    const list = await get('/captures?limit=100');
    for (const c of list.body.items) ids.set(`${c.machine_name}/${c.sensor_no}/${c.captured_at}`, c.id);
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  const idOf = (spec: CaptureSpec) => ids.get(`g${spec.machine}/${spec.sensor}/${spec.capturedAt.toISOString()}`)!;

  describe('equipment', () => {
    it('lists machines with their sensors and the process unit with its lots, paged, with the total', async () => {
      const all = await get('/equipment');
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
      // In name order, which is the database's collation: MariaDB's ignores case, SQLite's does not.
      const items = all.body.items.map((e: any) => [e.name, e.kind, e.sensors.map((s: any) => s.sensor_no), e.lot_count]);
      expect([...items].sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual([
        ['TEP', 'process', [], 2],
        ['g2', 'rotating_machine', ['1', '2'], 0],
        ['g4', 'rotating_machine', ['1'], 0],
      ]);
      expect(all.body.items.find((e: any) => e.name === 'g2').sensors[0].sampling_rate_hz).toBeGreaterThan(1000);
      const page = await get('/equipment?kind=rotating_machine&limit=1&offset=1');
      expect(page.body).toMatchObject({ total: 2, items: [{ name: 'g4' }] });
    });

    it('shows a machine’s sensors with their capture counts, and no diagnosis before one is stored', async () => {
      const g2 = await get('/equipment/g2');
      expect(g2.status).toBe(200);
      expect(g2.body).toMatchObject({ name: 'g2', kind: 'rotating_machine', lot_count: 0, latest_diagnosis: null });
      expect(g2.body.sensors.map((s: any) => [s.sensor_no, s.capture_count])).toEqual([
        ['1', 2],
        ['2', 1],
      ]);
      expect((await get('/equipment/TEP')).body).toMatchObject({ kind: 'process', lot_count: 2, sensors: [] });
    });

    it('answers 404 for an unknown name and 400 for a bad filter', async () => {
      expectError(await get('/equipment/g9'), 404);
      expectError(await get('/equipment?kind=robot'), 400, 'kind');
      expectError(await get('/equipment?limit=0'), 400, 'limit');
      expect((await stack.http('GET', '/api/v1/equipment')).status).toBe(401);
    });
  });

  describe('captures', () => {
    it('lists captures newest first with sampling rate and sample count, filtered and paged', async () => {
      const all = await get('/captures');
      expect(all.body.total).toBe(CAPTURES.length);
      expect(all.body.items.map((c: any) => c.captured_at)).toEqual([...CAPTURES.map((c) => c.capturedAt.toISOString())].sort().reverse());
      const g2s1 = await get('/captures?machine_name=g2&sensor_no=1');
      expect(g2s1.body.total).toBe(2);
      expect(g2s1.body.items[0]).toEqual({
        id: idOf(CAPTURES[1]),
        machine_name: 'g2',
        sensor_no: '1',
        captured_at: CAPTURES[1].capturedAt.toISOString(),
        sampling_rate_hz: expect.any(Number),
        samples: files[1].values.length,
        diagnosis: null,
      });
      const ranged = await get('/captures?from=2026-11-01T03:00:00Z&to=2026-11-01T09:00:00Z&limit=1&offset=1');
      expect(ranged.body.total).toBe(3);
      expect(ranged.body.items).toHaveLength(1);
      expect(ranged.body.items[0].captured_at).toBe('2026-11-01T03:00:00.000Z');
    });

    it('returns the waveform cut to `points` with its global minimum and maximum, and the spectrum’s running speed and harmonics', async () => {
      for (const [k, spec] of CAPTURES.entries()) {
        const res = await get(`/captures/${idOf(spec)}?points=200`);
        expect(res.status).toBe(200);
        const { waveform, spectrum } = res.body;
        expect(waveform.points).toBeLessThanOrEqual(200);
        expect(waveform.time_s).toHaveLength(waveform.points);
        expect(waveform.time_s).toEqual([...waveform.time_s].sort((a: number, b: number) => a - b));
        expect(minOf(waveform.value)).toBe(minOf(files[k].values));
        expect(maxOf(waveform.value)).toBe(maxOf(files[k].values));
        expect(spectrum.running_speed_hz).toBeGreaterThan(spec.speedHz * 0.98);
        expect(spectrum.running_speed_hz).toBeLessThan(spec.speedHz * 1.02);
        expect(spectrum.amplitude.length).toBeLessThanOrEqual(200);
        expect(spectrum.harmonics.map((h: any) => h.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        if (spec.faultType === FaultType.Unbalance) {
          // Unbalance shows at 1×: the strongest harmonic is at the generator's running speed.
          const strongest = spectrum.harmonics.reduce((a: any, b: any) => (b.amplitude > a.amplitude ? b : a));
          expect(strongest.order).toBe(1);
          expect(Math.abs(strongest.frequency_hz - spec.speedHz)).toBeLessThan(0.5);
        }
        expect(res.body.window_diagnoses).toEqual([]);
      }
      for (const [k, spec] of CAPTURES.entries()) {
        const { waveform } = (await get(`/captures/${idOf(spec)}?points=200`)).body;
        expectEnvelope({ time: waveform.time_s, value: waveform.value }, files[k].times, files[k].values, 200);
      }
      const whole = await get(`/captures/${idOf(CAPTURES[0])}?points=10000`);
      expect(whole.body.waveform.value).toEqual(files[0].values);
    });

    it('shows the capture-level diagnosis once stored (the newest model version’s), and the window diagnoses', async () => {
      const diagnoses = stack.app.get(VibrationDiagnosisRepository);
      const spec = CAPTURES[1];
      const id = idOf(spec);
      const base = { machineName: 'g2', sensorNo: '1', captureId: id, jobId: 'diagnosis-sweep-test' };
      const windowAt = (s: number) => new Date(spec.capturedAt.getTime() + s * 1000);
      await diagnoses.insertIgnore([
        { ...base, level: DiagnosisLevel.Capture, detectedAt: windowAt(2), faultType: 1, confidence: 0.6, modelVersion: 'vibration-classifier@1' },
        { ...base, level: DiagnosisLevel.Capture, detectedAt: windowAt(2), faultType: 2, confidence: 0.97, modelVersion: 'vibration-classifier@2' },
        ...[0, 1].map((s) => ({
          ...base,
          level: DiagnosisLevel.Window,
          detectedAt: windowAt(s + 1),
          windowStart: windowAt(s),
          windowEnd: windowAt(s + 1),
          faultType: 2 as const,
          confidence: 0.9 + s / 100,
          probabilities: [0.02, 0.03, 0.9 + s / 100, 0.05 - s / 100],
          modelVersion: 'vibration-classifier@2',
        })),
      ]);
      const expected = { fault_type: 2, fault_name: 'looseness', confidence: 0.97, model_version: 'vibration-classifier@2', job_id: 'diagnosis-sweep-test' };
      const list = await get('/captures?machine_name=g2');
      expect(list.body.items.map((c: any) => c.diagnosis)).toEqual([expected, null, null]);
      const detail = await get(`/captures/${id}`);
      expect(detail.body.diagnosis).toEqual(expected);
      expect(detail.body.window_diagnoses.map((w: any) => [w.window_start, w.fault_name, w.confidence])).toEqual([
        [windowAt(0).toISOString(), 'looseness', 0.9],
        [windowAt(1).toISOString(), 'looseness', 0.91],
      ]);
      const machine = await get('/equipment/g2');
      expect(machine.body.latest_diagnosis).toEqual({ ...expected, detected_at: windowAt(2).toISOString(), capture_id: id, sensor_no: '1' });
      expect((await get('/equipment/g4')).body.latest_diagnosis).toBeNull();
    });

    it('answers 404 for an unknown capture and 400 for bad parameters', async () => {
      expectError(await get('/captures/999999'), 404);
      expectError(await get('/captures/abc'), 400, 'id');
      expectError(await get(`/captures/${idOf(CAPTURES[0])}?points=5`), 400, 'points');
      // Up to a whole recording-length capture, so the dashboard can pan through every sample; no more.
      expectError(await get(`/captures/${idOf(CAPTURES[0])}?points=200001`), 400, 'points');
      expectError(await get('/captures?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z'), 400, 'to');
      expectError(await get('/captures?offset=-1'), 400, 'offset');
      expectError(await get('/captures?machine_name=g9'), 404, 'machine_name');
    });
  });

  describe('lots and time series', () => {
    const observations = tepObservations();

    it('lists lots with their process unit, label and number of observations; one lot with its tags', async () => {
      const all = await get('/lots?equipment=TEP');
      expect(all.body.total).toBe(2);
      expect(all.body.items).toEqual([
        { code: 'd05', equipment: 'TEP', started_at: TEP_START, ended_at: null, status: 'open', fault_label: 5, samples: observations.length },
        { code: 'run-b', equipment: 'TEP', started_at: '2026-01-03T00:00:00.000Z', ended_at: null, status: 'open', fault_label: null, samples: observations.length },
      ]);
      expect((await get('/lots?status=closed')).body).toEqual({ items: [], total: 0 });
      expect((await get('/lots?limit=1&offset=1')).body).toMatchObject({ total: 2, items: [{ code: 'run-b' }] });
      const lot = await get('/lots/d05');
      expect(lot.body).toMatchObject({ code: 'd05', samples: observations.length });
      expect(lot.body.tags).toHaveLength(52);
      expect(lot.body.tags).toContain('XMEAS_1');
      expect(lot.body.tags).toContain('XMV_11');
    });

    it('returns a tag of a lot whole, in time order, every 3 minutes from the lot’s start', async () => {
      const res = await get('/timeseries?lot=d05&tag=XMEAS_7');
      expect(res.status).toBe(200);
      const start = Date.parse(TEP_START);
      expect(res.body).toMatchObject({ lot: 'd05', tag: 'XMEAS_7', source_points: observations.length, points: observations.length });
      expect(res.body.value).toEqual(observations.map((o) => o[6]));
      expect(res.body.measured_at).toEqual(observations.map((_, i) => new Date(start + i * 180_000).toISOString()));
    });

    it('cuts a range to `points`, keeping its minimum and maximum', async () => {
      const start = Date.parse(TEP_START);
      const at = (i: number) => new Date(start + i * 180_000).toISOString();
      const res = await get(`/timeseries?lot=d05&tag=XMV_10&from=${at(5)}&to=${at(34)}&points=10`);
      const inRange = observations.slice(5, 35).map((o) => o[50]);
      expect(res.body).toMatchObject({ from: at(5), to: at(34), source_points: 30 });
      expect(res.body.points).toBeLessThanOrEqual(10);
      expect(minOf(res.body.value)).toBe(minOf(inRange));
      expect(maxOf(res.body.value)).toBe(maxOf(inRange));
      const times = inRange.map((_, i) => start + (i + 5) * 180_000);
      expectEnvelope({ time: res.body.measured_at.map(Date.parse), value: res.body.value }, times, inRange, 10);
    });

    it('cuts a whole tag to `points`: each bucket’s minimum and maximum at its first and last time, and the true count', async () => {
      const start = Date.parse(TEP_START);
      const res = await get('/timeseries?lot=d05&tag=XMEAS_9&points=16');
      const values = observations.map((o) => o[8]);
      expect(res.body).toMatchObject({ source_points: observations.length, points: res.body.value.length });
      expectEnvelope(
        { time: res.body.measured_at.map(Date.parse), value: res.body.value },
        values.map((_, i) => start + i * 180_000),
        values,
        16,
      );
    });

    it('answers 404 for an unknown lot or tag, 400 for from after to or a range over QUERY_MAX_RANGE_DAYS', async () => {
      expectError(await get('/lots/d99'), 404);
      expectError(await get('/lots?status=done'), 400, 'status');
      expectError(await get('/lots?offset=251364661476926029824'), 400, 'offset');
      expectError(await get('/equipment?offset=18147181968494297088'), 400, 'offset');
      expectError(await get('/lots?equipment=XYZ'), 404, 'equipment');
      expectError(await get('/timeseries?lot=d99&tag=XMEAS_1'), 404, 'lot');
      expectError(await get('/timeseries?lot=d05&tag=XMEAS_99'), 404, 'tag');
      expectError(await get('/timeseries?lot=d05&tag=XMEAS_1&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'), 400, 'to');
      expectError(await get('/timeseries?lot=d05&tag=XMEAS_1&from=2025-12-01T00:00:00Z&to=2026-01-02T00:00:00Z'), 400, 'to');
      expectError(await get('/timeseries?tag=XMEAS_1'), 400, 'lot');
    });
  });
});
