/**
 * @jest-environment ./test/support/onnx-environment.ts
 */
import * as ort from 'onnxruntime-node';
import {
  averagePathLength,
  calibratePcaMonitor,
  calibrateTepDetector,
  fitPcaMonitor,
  fitTepDetector,
  isolationForestOnnx,
  ISOLATION_PATH_OUTPUT,
  isolationScore,
  loadOnnxModel,
  meanPathLength,
  pcaStatistics,
  quantile,
  scoreTepRun,
  seededRandom,
  symmetricEigen,
  topTags,
  trainIsolationForest,
  type TepDetectorOptions,
} from '../../libs/ml/src';

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
    expect(() => symmetricEigen([[1, 2], [3, 1]])).toThrow('not symmetric');
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
    expect(topTags(stats.residuals[0].map((e) => e * e), 1)).toEqual([1]);
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

describe('TEP detector (isolation forest + z-score)', () => {
  const options: TepDetectorOptions = { window: 5, holdPeriods: [1, 1, 1, 2, 5], forest: { trees: 40, subsample: 64, seed: 3 } };
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

  it('is deterministic', () => {
    const again = fitTepDetector([correlatedRows(400, 21)], options);
    calibrateTepDetector(again, [correlatedRows(400, 22)], 0.05);
    expect(again.threshold).toBe(detector.threshold);
    const run = correlatedRows(50, 25);
    expect(scoreTepRun(again, run).combined).toEqual(scoreTepRun(detector, run).combined);
  });
});
