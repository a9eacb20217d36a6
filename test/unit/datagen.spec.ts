import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import FFT from 'fft.js';
import {
  CAPTURE_HEADER,
  captureChunks,
  captureFileName,
  captureRowCount,
  captureRows,
  CAPTURES_TRUTH_HEADER,
  CaptureCampaign,
  DEMO_MACHINES,
  FaultType,
  formatC7e,
  hashSeed,
  planCaptures,
  Random,
  RECORDING_HEADER,
  recordingChunks,
  recordingRowCount,
  recordingRows,
  recordingSamplingRateHz,
  RecordingSpec,
  scriptedFaultHistory,
  tepSampleRows,
  tepText,
  TEP_VARIABLE_COUNT,
  writeCaptures,
  writeRecording,
} from '@him/datagen';

const KAMP_SET: RecordingSpec[] = [1, 2].flatMap((machine) => [1, 2, 3, 4].map((sensor) => ({ machine, sensor, seed: 42 })));
const ROW = /^\d+\.\d{6}(,-?\d+\.\d{6}){4}$/;

const text = (chunks: Iterable<string>): string => [...chunks].join('');
const rms = (values: number[]): number => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);

/** Single-sided amplitude spectrum of a Hann-windowed span whose length is a power of two. */
function amplitudeSpectrum(signal: readonly number[], samplingRateHz: number): { binHz: number; amplitude: number[] } {
  const n = signal.length;
  const fft = new FFT(n);
  const windowed = signal.map((v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1))));
  const out = fft.createComplexArray();
  fft.realTransform(out, windowed);
  const amplitude = Array.from({ length: n / 2 }, (_, k) => (Math.hypot(out[2 * k], out[2 * k + 1]) * 4) / n);
  return { binHz: samplingRateHz / n, amplitude };
}

/** Largest amplitude within ±2 % (at least ±2 bins) of `hz`: the speed drifts a little during the span. */
function peakNear(spectrum: { binHz: number; amplitude: number[] }, hz: number): number {
  const half = Math.max(2 * spectrum.binHz, 0.02 * hz);
  const from = Math.floor((hz - half) / spectrum.binHz);
  const to = Math.ceil((hz + half) / spectrum.binHz);
  return Math.max(...spectrum.amplitude.slice(from, to + 1));
}

function dominantHz(spectrum: { binHz: number; amplitude: number[] }): number {
  let best = 1; // skip DC
  for (let k = 2; k < spectrum.amplitude.length; k++) if (spectrum.amplitude[k] > spectrum.amplitude[best]) best = k;
  return best * spectrum.binHz;
}

/** The four columns over a steady-state span of `n` samples starting at `fromSeconds` of a full recording. */
function steadySpan(spec: RecordingSpec, fromSeconds: number, n: number): number[][] {
  const columns: number[][] = [[], [], [], []];
  for (const [t, ...values] of recordingRows(spec)) {
    if (t < fromSeconds) continue;
    values.forEach((v, c) => columns[c].push(v));
    if (columns[0].length === n) break;
  }
  return columns;
}

describe('seeded randomness', () => {
  it('repeats a sequence for the same seed and labels, and changes with either', () => {
    const draw = (r: Random) => Array.from({ length: 5 }, () => r.next());
    expect(draw(new Random(42, 'a'))).toEqual(draw(new Random('42', 'a')));
    expect(draw(new Random(42, 'a'))).not.toEqual(draw(new Random(43, 'a')));
    expect(draw(new Random(42, 'a'))).not.toEqual(draw(new Random(42, 'b')));
    expect(hashSeed('g1', 1)).not.toBe(hashSeed('g11'));
  });

  it('draws standard normal gaussians', () => {
    const r = new Random(1);
    const values = Array.from({ length: 50_000 }, () => r.gaussian());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(rms(values)).toBeCloseTo(1, 1);
  });
});

describe('vibration recordings (KAMP layout)', () => {
  const short: RecordingSpec = { machine: 1, sensor: 1, seed: 42, seconds: 2 };

  it('is deterministic: same seed → identical text, another seed → different', () => {
    expect(text(recordingChunks(short))).toBe(text(recordingChunks({ ...short })));
    expect(text(recordingChunks(short))).not.toBe(text(recordingChunks({ ...short, seed: 43 })));
  });

  it('writes Time plus four vibration columns with 6 decimals and no header by default', () => {
    const lines = text(recordingChunks(short)).trimEnd().split('\n');
    expect(lines).toHaveLength(recordingRowCount(short));
    expect(lines.filter((line) => !ROW.test(line))).toEqual([]);
    const fs = recordingSamplingRateHz(short);
    expect(lines.slice(0, 3).map((l) => l.split(',')[0])).toEqual(['0.000000', (1 / fs).toFixed(6), (2 / fs).toFixed(6)]);
  });

  it('writes the header line on request, with the same rows after it', () => {
    const lines = text(recordingChunks({ ...short, header: true })).split('\n');
    expect(lines[0]).toBe(RECORDING_HEADER);
    expect(lines.slice(1).join('\n')).toBe(text(recordingChunks(short)));
  });

  it('streams in chunks of about 64 KiB', () => {
    const chunks = [...recordingChunks({ ...short, seconds: 10 })];
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(chunk.length).toBeLessThan(65 * 1024);
      expect(chunk.endsWith('\n')).toBe(true);
    }
  });

  it('samples each sensor at its own rate within 1.3–1.4 kHz', () => {
    const rates = KAMP_SET.map(recordingSamplingRateHz);
    expect(new Set(rates).size).toBe(rates.length);
    for (let seed = 0; seed < 50; seed++) rates.push(recordingSamplingRateHz({ machine: 1, sensor: 1, seed }));
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(1300);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1400);
  });

  it('reaches the real set: 8 × 140 s ≈ 1.5 M rows and ≈ 75 MB', async () => {
    const totalRows = KAMP_SET.reduce((sum, spec) => sum + recordingRowCount(spec), 0);
    expect(totalRows).toBeGreaterThan(1_450_000);
    expect(totalRows).toBeLessThan(1_560_000);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datagen-'));
    try {
      const written = await writeRecording(path.join(dir, 'g1_sensor1.csv'), KAMP_SET[0]);
      expect(written.rows).toBe(recordingRowCount(KAMP_SET[0]));
      expect(fs.statSync(written.path).size).toBe(written.bytes);
      const content = fs.readFileSync(written.path);
      let lines = 0;
      for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) lines++;
      expect(lines).toBe(written.rows);
      const estimatedBytes = (written.bytes / written.rows) * totalRows;
      expect(estimatedBytes).toBeGreaterThan(70e6);
      expect(estimatedBytes).toBeLessThan(80e6);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts with a start-up transient: the first 5 s are much quieter than 60–70 s', () => {
    const early: number[][] = [[], [], [], []];
    const steady: number[][] = [[], [], [], []];
    for (const [t, ...values] of recordingRows({ ...KAMP_SET[0], seconds: 70 })) {
      const bucket = t < 5 ? early : t >= 60 ? steady : null;
      values.forEach((v, c) => bucket?.[c].push(v));
    }
    for (let c = 0; c < 4; c++) expect(rms(early[c])).toBeLessThan(0.25 * rms(steady[c]));
  });

  describe('spectral signatures at steady state', () => {
    type Spectrum = ReturnType<typeof amplitudeSpectrum>;
    let normal: Spectrum, unbalance: Spectrum, looseness: Spectrum, both: Spectrum;
    let runningHz: number;

    beforeAll(() => {
      const spec = KAMP_SET[5];
      [normal, unbalance, looseness, both] = steadySpan(spec, 60, 4096).map((signal) => amplitudeSpectrum(signal, recordingSamplingRateHz(spec)));
      runningHz = dominantHz(unbalance);
    });

    it('unbalance: the largest peak is at 1× running speed, far above the healthy 1×', () => {
      expect(Math.abs(runningHz - 25)).toBeLessThan(0.5);
      expect(peakNear(unbalance, runningHz)).toBeGreaterThan(5 * peakNear(normal, runningHz));
      expect(dominantHz(both)).toBeCloseTo(runningHz, 0);
    });

    it('looseness: harmonics 2×…10× and half-harmonics 0.5×, 1.5× stand far above the healthy spectrum', () => {
      const orders = [0.5, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10];
      for (const order of orders) {
        expect(peakNear(looseness, order * runningHz)).toBeGreaterThan(3 * peakNear(normal, order * runningHz));
        expect(peakNear(both, order * runningHz)).toBeGreaterThan(3 * peakNear(normal, order * runningHz));
      }
      const energy = (s: Spectrum) => orders.reduce((sum, order) => sum + peakNear(s, order * runningHz) ** 2, 0);
      expect(energy(looseness)).toBeGreaterThan(20 * energy(normal));
      // Looseness alone is not unbalance: no dominant 1×.
      expect(peakNear(looseness, runningHz)).toBeLessThan(0.5 * peakNear(unbalance, runningHz));
    });

    it('normal: a small 1× and the machine’s frame resonance between 300 and 500 Hz', () => {
      expect(peakNear(normal, runningHz)).toBeLessThan(0.1);
      const aboveHarmonics = normal.amplitude.map((a, k) => (k * normal.binHz > 280 ? a : 0));
      const resonanceHz = dominantHz({ binHz: normal.binHz, amplitude: aboveHarmonics });
      expect(resonanceHz).toBeGreaterThan(290);
      expect(resonanceHz).toBeLessThan(510);
    });
  });
});

describe('live captures', () => {
  const campaign = (days: number, everyHours: number): CaptureCampaign => {
    const start = new Date('2026-11-01T00:00:00Z');
    return { start, days, everyHours, machines: DEMO_MACHINES, sensorsPerMachine: 1, seconds: 2, seed: 7, history: scriptedFaultHistory(start) };
  };

  it('names files g<m>_sensor<n>_<UTC stamp>.csv', () => {
    expect(captureFileName(3, 1, new Date('2026-11-01T03:00:00Z'))).toBe('g3_sensor1_20261101T030000Z.csv');
  });

  it('follows the scripted fault history over the week', () => {
    const plan = planCaptures(campaign(7, 1));
    expect(plan).toHaveLength(7 * 24 * 5);
    const day = (c: (typeof plan)[number]) => c.capturedAt.toISOString().slice(0, 10);
    const of = (machine: number) => plan.filter((c) => c.machine === machine);
    expect(of(1).every((c) => c.faultType === FaultType.Normal)).toBe(true);
    expect(of(2).every((c) => c.faultType === (day(c) >= '2026-11-03' ? FaultType.Unbalance : FaultType.Normal))).toBe(true);
    expect(of(3).every((c) => c.faultType === (day(c) >= '2026-11-05' ? FaultType.Looseness : FaultType.Normal))).toBe(true);
    expect(of(4).every((c) => c.faultType === (day(c) >= '2026-11-06' ? FaultType.UnbalanceLooseness : FaultType.Normal))).toBe(true);
    const surgeDays = ['2026-11-04', '2026-11-05'];
    expect(
      of(5)
        .filter((c) => !surgeDays.includes(day(c)))
        .every((c) => c.faultType === FaultType.Normal),
    ).toBe(true);
    for (const surgeDay of surgeDays) {
      const faults = of(5).filter((c) => day(c) === surgeDay && c.faultType !== FaultType.Normal);
      expect(faults.length).toBeGreaterThanOrEqual(8);
      expect(faults.every((c) => c.faultType === FaultType.Unbalance || c.faultType === FaultType.Looseness)).toBe(true);
    }
    expect(plan.filter((c) => Math.abs(c.speedHz / 25 - 1) > 0.05 || c.samplingRateHz < 1300 || c.samplingRateHz > 1400)).toEqual([]);
    expect(new Set(plan.map((c) => c.speedHz)).size).toBeGreaterThan(plan.length / 2);
  });

  it('writes Time,Value captures and a truth file beside them, byte-identical on a rerun', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'captures-'));
    try {
      const day = { ...campaign(1, 6), header: true };
      const result = await writeCaptures(path.join(dir, 'a'), day);
      await writeCaptures(path.join(dir, 'b'), day);
      expect(result.files).toBe(4 * 5);
      const truth = fs.readFileSync(result.truthFile, 'utf8').trimEnd().split('\n');
      expect(truth[0]).toBe(CAPTURES_TRUTH_HEADER);
      expect(truth).toHaveLength(21);
      expect(truth[1]).toMatch(/^g1_sensor1_20261101T000000Z\.csv,g1,1,2026-11-01T00:00:00Z,0,\d+\.\d{3},\d{4}\.\d{2}$/);
      for (const row of truth.slice(1)) {
        const [file, machineName, sensor, capturedAt, faultType] = row.split(',');
        expect(file).toBe(`${machineName}_sensor${sensor}_${capturedAt.replace(/[-:]/g, '')}.csv`);
        expect(['0', '1', '2', '3']).toContain(faultType);
        const lines = fs
          .readFileSync(path.join(dir, 'a', file), 'utf8')
          .trimEnd()
          .split('\n');
        expect(lines[0]).toBe(CAPTURE_HEADER);
        expect(lines.slice(1).filter((line) => !/^\d+\.\d{6},-?\d+\.\d{6}$/.test(line))).toEqual([]);
        expect(fs.readFileSync(path.join(dir, 'b', file)).equals(fs.readFileSync(path.join(dir, 'a', file)))).toBe(true);
      }
      expect(result.rows).toBe(planCaptures(day).reduce((sum, c) => sum + captureRowCount(c), 0));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has no header by default and no start-up transient', () => {
    const [capture] = planCaptures(campaign(1, 24));
    const lines = text(captureChunks(capture)).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^0\.000000,/);
    const values = [...captureRows(capture)].map(([, v]) => v);
    const half = values.length / 2;
    expect(rms(values.slice(0, half)) / rms(values.slice(half))).toBeGreaterThan(0.7);
  });

  it('shows the same fault signatures as the recordings, at the capture’s own speed', () => {
    const base = { machine: 2, sensor: 1, capturedAt: new Date('2026-11-03T10:00:00Z'), speedHz: 24.2, seed: 7 };
    const samplingRateHz = planCaptures(campaign(1, 24)).find((c) => c.machine === 2)?.samplingRateHz ?? 0;
    const spectrum = (faultType: FaultType) =>
      amplitudeSpectrum(
        [...captureRows({ ...base, faultType })].slice(0, 2048).map(([, v]) => v),
        samplingRateHz,
      );
    const [normal, unbalance, looseness] = [FaultType.Normal, FaultType.Unbalance, FaultType.Looseness].map(spectrum);
    expect(Math.abs(dominantHz(unbalance) - 24.2)).toBeLessThan(1);
    expect(peakNear(unbalance, 24.2)).toBeGreaterThan(5 * peakNear(normal, 24.2));
    for (const order of [0.5, 1.5, 3, 5, 8]) expect(peakNear(looseness, order * 24.2)).toBeGreaterThan(3 * peakNear(normal, order * 24.2));
  });
});

describe('TEP-shaped sample', () => {
  it('formats like C %.7e', () => {
    expect(formatC7e(2.5038e-1)).toBe('2.5038000e-01');
    expect(formatC7e(-1234.5)).toBe('-1.2345000e+03');
    expect(formatC7e(0)).toBe('0.0000000e+00');
    expect(formatC7e(3661.5)).toBe('3.6615000e+03');
    expect(formatC7e(1.5e-12)).toBe('1.5000000e-12');
    expect(formatC7e(1e100)).toBe('1.0000000e+100');
  });

  it('writes N rows of 52 fields (3 spaces + %.7e), and the transposed layout of d00.dat', () => {
    const rows = tepSampleRows(40, 3);
    const lines = tepText(rows).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(40);
    for (const line of lines) expect(line).toMatch(/^( {3}\d\.\d{7}e[+-]\d{2}){52}$/);
    expect(lines.map((line) => line.trim().split(/\s+/).map(Number))).toEqual(rows);

    const transposed = tepText(rows, true)
      .trimEnd()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number));
    expect(transposed).toHaveLength(TEP_VARIABLE_COUNT);
    expect(transposed.every((line) => line.length === 40)).toBe(true);
    expect(transposed[6][9]).toBe(rows[9][6]);
  });

  it('is deterministic with plausible magnitudes and sampled-and-held analysers', () => {
    const rows = tepSampleRows(40, 3);
    expect(tepText(rows)).toBe(tepText(tepSampleRows(40, 3)));
    expect(tepText(rows)).not.toBe(tepText(tepSampleRows(40, 4)));
    const column = (c: number) => rows.map((r) => r[c]);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(column(6))).toBeGreaterThan(2650); // reactor pressure, kPa gauge
    expect(mean(column(6))).toBeLessThan(2760);
    expect(mean(column(8))).toBeCloseTo(120.4, 0); // reactor temperature, °C
    for (let r = 0; r < 40; r += 5) expect(new Set(column(38).slice(r, r + 5)).size).toBe(1); // product analyser holds 5 rows
    expect(rows.flat().every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
  });

  it('steps the disturbed variables away from normal from the disturbance row on, and nothing else', () => {
    const normal = tepSampleRows(400, 5);
    const disturbed = tepSampleRows(400, 5, { fromRow: 160, shifts: [{ column: 8, sigmas: 4 }] });
    expect(disturbed.slice(0, 160)).toEqual(normal.slice(0, 160));
    const after = (rows: number[][], c: number) => rows.slice(160).map((r) => r[c]);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    // Reactor temperature: σ 0.0198 °C in normal operation, so 4σ ≈ 0.08 °C higher on average.
    expect(mean(after(disturbed, 8)) - mean(after(normal, 8))).toBeCloseTo(4 * 0.0198, 2);
    expect(after(disturbed, 6)).toEqual(after(normal, 6));
  });
});
