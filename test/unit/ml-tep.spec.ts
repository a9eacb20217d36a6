/**
 * @jest-environment ./test/support/onnx-environment.ts
 */
import * as ort from 'onnxruntime-node';
import { tepSampleRows } from '../../libs/datagen/src';
import { FORMATS } from '../../libs/ingest/src';
import {
  averagePathLength,
  calibratePcaMonitor,
  calibrateTepDetector,
  DEFAULT_TEP_DETECTOR,
  detectionDelay,
  evaluateTepDetection,
  FEATURE_KINDS,
  fitPcaMonitor,
  fitTepDetector,
  isolationForestOnnx,
  ISOLATION_PATH_OUTPUT,
  isolationScore,
  loadOnnxModel,
  MAX_MODEL_BYTES,
  meanPathLength,
  OnnxModelRejectedError,
  pcaStatistics,
  quantile,
  runPausing,
  scoreTepRun,
  scoreTepRunOnnx,
  seededRandom,
  symmetricEigen,
  TEP_DETECTABLE_FAULTS,
  TEP_HOLD_PERIODS,
  tepDetectorCalibration,
  tepDetectorFitting,
  tepDetectorOnnx,
  tepDetectorSignature,
  tepFeatureRows,
  tepInputFeatures,
  tepPreprocessingFromModel,
  topTags,
  trainIsolationForest,
  type OnnxModelMetadata,
  type TepDetectorOptions,
} from '../../libs/ml/src';

/** CPU time of this process, ms: unlike the clock, it does not count the time a busy machine runs others. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Standard normal deviates from a seeded uniform source (Box–Muller). */
function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Five correlated tags driven by two latent factors plus a little independent noise. */
function correlatedRows(n: number, seed: number): number[][] {
  const g = gaussian(seededRandom(seed));
  return Array.from({ length: n }, () => {
    const a = g();
    const b = g();
    return [10 + a, 5 + 2 * a + 0.1 * g(), -a + 0.5 * b + 0.1 * g(), 3 * b + 0.1 * g(), 1 + b + 0.1 * g()];
  });
}

describe('symmetricEigen (Jacobi)', () => {
  it('finds the eigenpairs of a small known matrix, largest first and orthonormal', () => {
    const a = [
      [2, 1, 0],
      [1, 2, 0],
      [0, 0, 5],
    ];
    const { values, vectors } = symmetricEigen(a);
    expect(values[0]).toBeCloseTo(5, 12);
    expect(values[1]).toBeCloseTo(3, 12);
    expect(values[2]).toBeCloseTo(1, 12);
    vectors.forEach((v, i) => {
      const av = a.map((row) => row.reduce((s, x, k) => s + x * v[k], 0));
      av.forEach((x, k) => expect(x).toBeCloseTo(values[i] * v[k], 12));
      vectors.forEach((w, j) => expect(v.reduce((s, x, k) => s + x * w[k], 0)).toBeCloseTo(i === j ? 1 : 0, 12));
    });
    expect(Math.abs(vectors[1][0])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('refuses a matrix that is not symmetric', () => {
    expect(() =>
      symmetricEigen([
        [1, 2],
        [3, 1],
      ]),
    ).toThrow('not symmetric');
  });
});

describe('quantile and c(n)', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([4, 1, 3, 2, 5], 0.5)).toBe(3);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
  });

  it('matches the published average path lengths', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
  });
});

describe('PCA T² + SPE monitor', () => {
  const monitor = fitPcaMonitor(correlatedRows(500, 1), 0.9);
  calibratePcaMonitor(monitor, correlatedRows(400, 2), 0.05);

  it('keeps the two latent directions and alarms on about 5 % of fresh normal data', () => {
    expect(monitor.loadings).toHaveLength(2);
    const fresh = pcaStatistics(monitor, correlatedRows(2000, 3)).combined;
    const far = fresh.filter((s) => s > monitor.threshold).length / fresh.length;
    expect(far).toBeGreaterThan(0.02);
    expect(far).toBeLessThan(0.09);
  });

  it('flags a point that breaks the correlations through SPE, and names the tag that broke them', () => {
    // Tag 1 should be 5 + 2·(x0 − 10) = 5; 7 is small next to its normal spread but far off the subspace.
    const off = [10, 7, 0, 0, 1];
    const on = [11.5, 8, -1.5, 0, 1];
    const stats = pcaStatistics(monitor, [off, on]);
    expect(stats.spe[0] / monitor.speScale).toBeGreaterThan(monitor.threshold);
    expect(stats.combined[0]).toBeGreaterThan(monitor.threshold);
    expect(stats.spe[1] / monitor.speScale).toBeLessThan(1);
    expect(
      topTags(
        stats.residuals[0].map((e) => e * e),
        1,
      ),
    ).toEqual([1]);
  });
});

describe('isolation forest', () => {
  const FEATURES = 4;
  const g = gaussian(seededRandom(7));
  const inliers = Float32Array.from({ length: 300 * FEATURES }, g);
  const options = { trees: 60, subsample: 64, seed: 11 };

  it('is reproducible from its seed and changes with it', () => {
    const a = meanPathLength(trainIsolationForest(inliers, FEATURES, options), inliers);
    const b = meanPathLength(trainIsolationForest(inliers, FEATURES, options), inliers);
    const c = meanPathLength(trainIsolationForest(inliers, FEATURES, { ...options, seed: 12 }), inliers);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('scores outliers higher than the data it was trained on', () => {
    const forest = trainIsolationForest(inliers, FEATURES, options);
    const outliers = Float32Array.from([6, 6, 6, 6, -6, 5, -6, 5, 5, -5, 5, -5]);
    const inScores = Array.from(meanPathLength(forest, inliers), (h) => isolationScore(forest, h));
    const outScores = Array.from(meanPathLength(forest, outliers), (h) => isolationScore(forest, h));
    expect(Math.min(...outScores)).toBeGreaterThan(quantile(inScores, 0.99));
    expect(Math.min(...outScores)).toBeGreaterThan(0.5);
  });

  it('exports to ONNX computing the TypeScript path lengths (≤ 1e-5)', async () => {
    const forest = trainIsolationForest(inliers, FEATURES, options);
    const rows = Float32Array.from({ length: 500 * FEATURES }, () => 2 * g());
    const { session } = await loadOnnxModel(isolationForestOnnx(forest, { inputName: 'features', name: 'tep-isolation-forest' }), {
      maxBytes: 1 << 22,
      expectInputs: [{ name: 'features', shape: [null, FEATURES] }],
      expectOutputs: [{ name: ISOLATION_PATH_OUTPUT, shape: [null, 1] }],
    });
    const out = await session.run({ features: new ort.Tensor('float32', rows, [500, FEATURES]) });
    const onnxPaths = out[ISOLATION_PATH_OUTPUT].data as Float32Array;
    const tsPaths = meanPathLength(forest, rows);
    tsPaths.forEach((h, i) => expect(Math.abs(h - onnxPaths[i])).toBeLessThanOrEqual(1e-5));
  });
});

describe('TEP detector (z-score + peak + isolation forest)', () => {
  const options: TepDetectorOptions = { window: 6, shortWindow: 3, holdPeriods: [1, 1, 1, 2, 5], forest: { trees: 40, subsample: 64, seed: 3 } };
  const detector = fitTepDetector([correlatedRows(400, 21)], options);
  calibrateTepDetector(detector, [correlatedRows(400, 22)], 0.05);

  it('alarms on about 5 % of fresh normal data', () => {
    const scores = scoreTepRun(detector, correlatedRows(1000, 23)).combined;
    const far = scores.filter((s) => s > detector.threshold).length / scores.length;
    expect(far).toBeLessThan(0.1);
  });

  it('detects a 4σ step on one tag and names that tag first', () => {
    const run = correlatedRows(200, 24).map((row, r) => (r >= 100 ? row.map((x, k) => (k === 3 ? x + 12 : x)) : row));
    const scores = scoreTepRun(detector, run);
    const detected = scores.combined.slice(100).filter((s) => s > detector.threshold).length / 100;
    expect(detected).toBeGreaterThan(0.9);
    expect(topTags(scores.contributions[105], 1)).toEqual([3]);
  });

  it('catches through the peak a sustained shift of one tag that the mean over all features dilutes', () => {
    // Tag 4 is 1 + b + noise (spread ≈ 1): a shift of 2 is 2σ on one of 5 tags, ≈ 5σ for its 6-row rolling mean.
    const run = correlatedRows(400, 26).map((row, r) => (r >= 100 ? row.map((x, k) => (k === 4 ? x + 2 : x)) : row));
    const scores = scoreTepRun(detector, run);
    const rate = (values: Float64Array, limit: number) => values.slice(110).filter((s) => s > limit).length / (values.length - 110);
    // Each component at its own 5 % limit on normal data: the peak sees the shift almost always, the z-score half the time.
    expect(rate(scores.peak, detector.peakScale)).toBeGreaterThan(0.95);
    expect(rate(scores.zscore, detector.zScale)).toBeLessThan(0.7);
    expect(rate(scores.combined, detector.threshold)).toBeGreaterThan(0.9);
    expect(topTags(scores.contributions[200], 1)).toEqual([4]);
  });

  it('features of a row depend on the `window` rows up to it only: a stretch scored with that history gives the whole-run features bit for bit', () => {
    const run = correlatedRows(300, 27).map((row, r) => (r >= 150 ? row.map((x, k) => x + 0.05 * (r - 150) * (k + 1)) : row));
    const width = FEATURE_KINDS.length * detector.tagCount;
    const whole = tepInputFeatures(detector, run);
    const history = Math.max(detector.window, ...detector.holdPeriods);
    for (const first of [history, 97, 150, 151, 233]) {
      const part = tepInputFeatures(detector, run.slice(first - history, first + 40));
      expect(part.subarray(history * width)).toEqual(whole.subarray(first * width, (first + 40) * width));
    }
    const scored = scoreTepRun(detector, run.slice(200 - history));
    expect(scored.combined.subarray(history)).toEqual(scoreTepRun(detector, run).combined.subarray(200));
  });

  it("counts a window's rows before the run's start as normal ones, so a run's first rows are not outliers", () => {
    // A first observation exactly at the normal mean: its rolling means are 0 and its deviations the padding's.
    const input = tepInputFeatures(detector, [detector.standardiser.mean, ...correlatedRows(20, 28)]);
    const tags = detector.tagCount;
    const kind = (name: (typeof FEATURE_KINDS)[number], k: number) => input[FEATURE_KINDS.indexOf(name) * tags + k];
    for (let k = 0; k < tags; k++) {
      expect(kind('rolling_mean', k)).toBe(0);
      expect(kind('long_rolling_mean', k)).toBe(0);
      expect(kind('rolling_std', k)).toBeCloseTo(Math.sqrt((detector.windowVariance.short[k] * (detector.shortWindow - 1)) / detector.shortWindow), 6);
      expect(kind('long_rolling_std', k)).toBeCloseTo(Math.sqrt((detector.windowVariance.long[k] * (detector.window - 1)) / detector.window), 6);
      expect(detector.windowVariance.long[k]).toBeGreaterThan(0.5);
      expect(detector.windowVariance.long[k]).toBeLessThan(1);
    }
    // Fresh normal runs: their first `window` rows alarm no more often than the rest.
    const starts: boolean[] = [];
    for (let seed = 40; seed < 60; seed++) {
      const { combined } = scoreTepRun(detector, correlatedRows(detector.window, seed));
      starts.push(...Array.from(combined, (s) => s > detector.threshold));
    }
    expect(starts.filter(Boolean).length / starts.length).toBeLessThan(0.1);
  });

  it('refuses windows it cannot use, and a run shorter than the long window', () => {
    expect(() => fitTepDetector([correlatedRows(400, 21)], { ...options, shortWindow: 7 })).toThrow('shortWindow');
    expect(() => fitTepDetector([correlatedRows(400, 21)], { ...options, window: 2.5 })).toThrow('whole numbers');
    expect(() => fitTepDetector([correlatedRows(5, 21)], options)).toThrow('at least 6 observations');
  });

  it('fits and calibrates pausing every 100 ms or so, to the same detector', async () => {
    const long = { ...options, forest: { ...options.forest, trees: 200, subsample: 256 } };
    const runs = Array.from({ length: 4 }, (_, i) => correlatedRows(400, 30 + i));
    let workSince = cpuMs();
    const work: number[] = [];
    const pause = async () => {
      work.push(cpuMs() - workSince);
      await new Promise((resolve) => setImmediate(resolve));
      workSince = cpuMs();
    };
    const began = cpuMs();
    const paused = await runPausing(tepDetectorFitting(runs.slice(0, 3), long), pause);
    await runPausing(tepDetectorCalibration(paused, runs.slice(3), 0.05), pause);
    const took = cpuMs() - began;
    expect(took).toBeGreaterThan(300);
    // Bounds that show pausing without depending on how a loaded machine splits CPU time (one indivisible step took
    // 225 ms of a 1,032 ms fit in a loaded CI): many pauses, and no stretch near the whole fit.
    expect(work.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...work)).toBeLessThan(Math.min(500, took / 2));

    const straight = fitTepDetector(runs.slice(0, 3), long);
    calibrateTepDetector(straight, runs.slice(3), 0.05);
    expect(paused.threshold).toBe(straight.threshold);
  });

  it('is deterministic', () => {
    const again = fitTepDetector([correlatedRows(400, 21)], options);
    calibrateTepDetector(again, [correlatedRows(400, 22)], 0.05);
    expect(again.threshold).toBe(detector.threshold);
    const run = correlatedRows(50, 25);
    expect(scoreTepRun(again, run).combined).toEqual(scoreTepRun(detector, run).combined);
  });
});

describe('TEP detector as one ONNX model', () => {
  // The shipped layout (52 tags, window 10, the analysers' hold periods) on synthetic Braatz-like data; a small forest keeps it quick.
  const tep = fitTepDetector([tepSampleRows(600, 'fit')], { ...DEFAULT_TEP_DETECTOR, forest: { trees: 40, subsample: 128, seed: 5 } });
  calibrateTepDetector(tep, [tepSampleRows(400, 'calibrate')], 0.05);
  const XMEAS_9 = 8;
  const XMV_10 = 50;
  // Normal operation, then from row 150 a 5σ step in reactor temperature and a ramp on a valve: rows on both sides of the threshold.
  const tepRun = tepSampleRows(300, 'test').map((o, r) => (r < 150 ? o : o.map((x, k) => (k === XMEAS_9 ? x + 0.1 : k === XMV_10 ? x + 0.02 * (r - 150) : x))));
  // Five correlated tags with their own windows and hold periods: nothing in the export may assume the TEP layout.
  const small = fitTepDetector([correlatedRows(400, 31)], { window: 5, shortWindow: 2, holdPeriods: [1, 1, 1, 2, 5], forest: { trees: 30, subsample: 64, seed: 4 } });
  calibrateTepDetector(small, [correlatedRows(400, 32)], 0.05);
  const smallTags = ['a', 'b', 'c', 'd', 'e'];
  const smallRun = correlatedRows(200, 33).map((row, r) => (r >= 100 ? row.map((x, k) => (k === 3 ? x + 12 : x)) : row));

  const bytes = tepDetectorOnnx(tep, { version: 3, metadata: { training_data: 'tepSampleRows(600)' } });
  const load = (model: Uint8Array, tagCount = 52) => {
    const { inputs, outputs } = tepDetectorSignature(tagCount);
    return loadOnnxModel(model, { maxBytes: MAX_MODEL_BYTES, expectInputs: inputs, expectOutputs: outputs });
  };

  /**
   * Tolerance 1e-5 relative. TypeScript standardises the float32 input in float32 arithmetic exactly as the graph's
   * Sub and Div, so both see bit-identical features and the forest takes the same branches (one branch taken
   * differently moves a row's isolation score by ~1e-3). What remains is float32 (ONNX) against float64 (TypeScript)
   * accumulation of non-negative terms: ≤ n·2⁻²⁴ relative, 3.6e-7 for a contribution's 6 squares; for the z-score's
   * 312 squares that bound is 1.9e-5, but blocked/vectorised summation as ORT's stays near √n·2⁻²⁴ ≈ 1e-6; the path
   * length averages float32 leaf values (same order), and isolation = 2^(−h/c) only scales its error by ln 2·h/c ≈ 0.7.
   * The peak is one of the bit-identical features: exact in float32.
   */
  const TOLERANCE = 1e-5;
  const worstRelative = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
    expect(got.length).toBe(want.length);
    return Array.from(want).reduce((m, w, i) => Math.max(m, Math.abs(got[i] - w) / Math.abs(w)), 0);
  };

  it('declares the signature the platform feeds and reads, and loads with it', async () => {
    const { metadata } = await load(bytes);
    expect(metadata.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['N', 312] }]);
    expect(metadata.outputs).toEqual([
      { name: 'score', type: 'float32', shape: ['N', 1] },
      { name: 'isolation', type: 'float32', shape: ['N', 1] },
      { name: 'zscore', type: 'float32', shape: ['N', 1] },
      { name: 'peak', type: 'float32', shape: ['N', 1] },
      { name: 'contributions', type: 'float32', shape: ['N', 52] },
    ]);
    expect(metadata.opsets).toEqual(expect.arrayContaining([{ domain: 'ai.onnx.ml', version: 3 }]));
    const smallModel = tepDetectorOnnx(small, {}, smallTags);
    await expect(load(smallModel)).rejects.toMatchObject({ reason: 'signature_mismatch' });
    await expect(load(smallModel, 5)).resolves.toBeDefined();
  });

  it.each([
    { label: '52 TEP tags', d: tep, run: tepRun, tags: undefined },
    { label: '5 tags, other window and hold periods', d: small, run: smallRun, tags: smallTags },
  ])('computes what scoreTepRun computes ($label)', async ({ d, run, tags }) => {
    const { session } = await load(tepDetectorOnnx(d, {}, tags), d.tagCount);
    const got = await scoreTepRunOnnx(session, d, run);
    const want = scoreTepRun(d, run);
    // Not a comparison of constants: the run has rows on both sides of the threshold and isolation scores that vary.
    expect(want.combined.some((s) => s > d.threshold)).toBe(true);
    expect(want.combined.some((s) => s < d.threshold)).toBe(true);
    expect(Math.max(...want.isolation) / Math.min(...want.isolation)).toBeGreaterThan(1.05);
    expect(worstRelative(got.score, want.combined)).toBeLessThanOrEqual(TOLERANCE);
    expect(worstRelative(got.isolation, want.isolation)).toBeLessThanOrEqual(TOLERANCE);
    expect(worstRelative(got.zscore, want.zscore)).toBeLessThanOrEqual(TOLERANCE);
    expect(Array.from(got.peak)).toEqual(Array.from(want.peak));
    expect(worstRelative(got.contributions, want.contributions.flat())).toBeLessThanOrEqual(TOLERANCE);
  });

  it('standardises the float32 input in float32 arithmetic, as the graph does, so the forest branches alike', () => {
    // Float64 standardisation rounded afterwards differs by an ulp here and there: enough to flip a split now and then.
    const f = Math.fround;
    const { mean, std } = tep.featureStandardiser;
    const input = tepInputFeatures(tep, tepRun);
    expect(input).toHaveLength(tepRun.length * 312);
    const rows = tepFeatureRows(tep, tepRun);
    expect(input.filter((x, i) => rows[i] !== f(f(x - f(mean[i % 312])) / f(std[i % 312]))).length).toBe(0);
  });

  it('carries its preprocessing and threshold in the metadata: a run is scored from the file alone', async () => {
    const { session, metadata } = await load(bytes);
    const p = tepPreprocessingFromModel(metadata);
    expect(p).toEqual({
      tags: FORMATS.tep.columns,
      standardiser: tep.standardiser,
      window: 30,
      shortWindow: 10,
      holdPeriods: TEP_HOLD_PERIODS,
      windowVariance: tep.windowVariance,
      featureKinds: [...FEATURE_KINDS],
      threshold: tep.threshold,
      falseAlarmRate: 0.05,
    });
    expect(metadata.modelVersion).toBe(3);
    expect(metadata.properties).toMatchObject({ name: 'tep-detector', version: '3', training_data: 'tepSampleRows(600)' });
    const got = await scoreTepRunOnnx(session, p, tepRun);
    const want = scoreTepRun(tep, tepRun);
    expect(Array.from(got.score, (s) => s > p.threshold)).toEqual(Array.from(want.combined, (s) => s > tep.threshold));
    const row = 160;
    expect(p.tags[topTags(Array.from(got.contributions.subarray(row * 52, (row + 1) * 52)), 1)[0]]).toBe('XMEAS_9');
  });

  it('refuses metadata it cannot use, and an uncalibrated detector', async () => {
    const { metadata } = await load(bytes);
    const edited = (edit: (p: Record<string, unknown>) => void) => {
      const p = JSON.parse(metadata.properties.preprocessing) as Record<string, unknown>;
      edit(p);
      return { ...metadata, properties: { ...metadata.properties, preprocessing: JSON.stringify(p) } };
    };
    expect(() => tepPreprocessingFromModel(edited(() => undefined))).not.toThrow();
    const refusals: Pick<OnnxModelMetadata, 'properties' | 'inputs'>[] = [
      { ...metadata, properties: {} },
      { ...metadata, properties: { preprocessing: '{' } },
      edited((p) => (p.holdPeriods = TEP_HOLD_PERIODS.slice(1))),
      edited((p) => (p.standardiser = { ...tep.standardiser, std: tep.standardiser.std.map(() => 0) })),
      edited((p) => (p.featureKinds = [...FEATURE_KINDS].reverse())),
      edited((p) => (p.window = 0)),
      edited((p) => (p.shortWindow = 31)),
      edited((p) => delete p.shortWindow),
      edited((p) => (p.windowVariance = { short: tep.windowVariance.short, long: tep.windowVariance.long.slice(1) })),
      edited((p) => (p.windowVariance = { short: tep.windowVariance.short.map(() => -1), long: tep.windowVariance.long })),
      edited((p) => delete p.windowVariance),
      edited((p) => delete p.threshold),
      { ...metadata, inputs: [{ name: 'features', type: 'float32', shape: ['N', 208] }] },
    ];
    for (const model of refusals) {
      expect(() => tepPreprocessingFromModel(model)).toThrow(OnnxModelRejectedError);
    }
    const uncalibrated = fitTepDetector([correlatedRows(400, 31)], { window: 5, shortWindow: 2, forest: { trees: 5, subsample: 32, seed: 1 } });
    expect(() => tepDetectorOnnx(uncalibrated, {}, smallTags)).toThrow('calibrate');
    expect(() => tepDetectorOnnx(small)).toThrow('52 tag names for 5 tags');
  });
});

describe('evaluateTepDetection', () => {
  // A fake detector alarming where the first value is positive; runs built with known alarm counts.
  const alarms = (run: readonly (readonly number[])[]) => run.map((o) => o[0] > 0);
  const runOf = (alarmsBefore: number, alarmsAfter: number) => Array.from({ length: 200 }, (_, r) => [(r < 160 ? r < alarmsBefore : r - 160 < alarmsAfter) ? 1 : 0]);

  it('measures false alarms before row 160, detection from it, and leaves IDV 3, 9, 15 out of the mean', () => {
    const report = evaluateTepDetection(alarms, {
      normalTest: Array.from({ length: 10 }, (_, r) => [r === 4 ? 1 : 0]),
      faultTests: new Map([
        [1, runOf(8, 30)],
        [2, runOf(0, 10)],
        [3, runOf(0, 40)],
      ]),
    });
    expect(report.falseAlarmRate).toBeCloseTo(0.1, 12);
    expect(report.falseAlarmRateBeforeFault).toBeCloseTo(8 / 480, 12);
    expect(report.detectionRates).toEqual({ 1: 0.75, 2: 0.25, 3: 1 });
    expect(report.meanDetectionRate).toBeCloseTo(0.5, 12);
    expect(report.detectionDelays).toEqual({ 1: 0, 2: 0, 3: 0 });
    expect(report.confirmedDetectionDelays).toEqual({ 1: 0, 2: 0, 3: 0 });
    expect(TEP_DETECTABLE_FAULTS).toHaveLength(18);
    expect(TEP_DETECTABLE_FAULTS.filter((f) => [3, 9, 15].includes(f))).toEqual([]);
  });

  it('states the delay to the first alarm from the onset, and to the first of 3 in a row', () => {
    const at = (rows: number[]) => Array.from({ length: 200 }, (_, r) => rows.includes(r));
    // An alarm before the onset does not count; a lone alarm at 163 is the first, 170–172 the first three in a row.
    const a = at([150, 163, 166, 167, 170, 171, 172, 190]);
    expect(detectionDelay(a, 160)).toBe(3);
    expect(detectionDelay(a, 160, 3)).toBe(10);
    expect(detectionDelay(at([150, 151, 152]), 160)).toBeNull();
    expect(detectionDelay(at([198, 199]), 160, 3)).toBeNull();
    const report = evaluateTepDetection((run) => at(run[0][0] === 1 ? [163, 170, 171, 172] : []), {
      normalTest: [[0]],
      faultTests: new Map([
        [1, [[1]]],
        [2, [[2]]],
      ]),
    });
    expect(report.detectionDelays).toEqual({ 1: 3, 2: null });
    expect(report.confirmedDetectionDelays).toEqual({ 1: 10, 2: null });
  });
});
