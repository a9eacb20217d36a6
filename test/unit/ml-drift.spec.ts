/** @jest-environment ./test/support/onnx-environment.ts */
// The population stability index of the sweep's drift measure: bins, counts, the per-class weighting, the median, and
// the metadata a model carries it in (refused when garbled, as the registry refuses the upload).
import {
  addDriftCounts,
  binOf,
  driftCounts,
  driftOf,
  FEATURE_DISTRIBUTION_KEY,
  featureDistribution,
  featureDistributionFromModel,
  featureDistributionMetadata,
  loadServableModel,
  OnnxModelRejectedError,
  seededRandom,
  trainVibrationClassifier,
  vibrationClassifierOnnx,
  VIBRATION_FEATURE_COUNT,
} from '@him/ml';

/** `n` rows of `width` Gaussian values with the given mean (Box–Muller on a seeded stream). */
function gaussianRows(n: number, width: number, mean: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: n * width }, () => mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

describe('drift (population stability index)', () => {
  const features = ['a', 'b', 'c'];
  const training = featureDistribution(features, [
    { label: 'normal', rows: gaussianRows(5000, 3, 0, 1) },
    { label: 'fault', rows: gaussianRows(5000, 3, 5, 2) },
  ]);

  it('cuts each class at its deciles: ten bins holding a tenth each', () => {
    expect(binOf([1, 2, 3], 0.5)).toBe(0);
    expect(binOf([1, 2, 3], 1)).toBe(0);
    expect(binOf([1, 2, 3], 2.5)).toBe(2);
    expect(binOf([1, 2, 3], 9)).toBe(3);
    for (const c of training.classes) {
      expect(c.edges.map((e) => e.length)).toEqual([9, 9, 9]);
      for (const shares of c.expected) for (const share of shares) expect(share).toBeCloseTo(0.1, 3);
    }
    // A feature that is mostly one value keeps one edge for its tied deciles.
    const tied = featureDistribution(['t'], [{ label: 'x', rows: Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : i)) }]);
    expect(tied.classes[0].edges[0][0]).toBe(0);
    expect(new Set(tied.classes[0].edges[0]).size).toBe(tied.classes[0].edges[0].length);
    expect(tied.classes[0].expected[0][0]).toBeCloseTo(0.8, 10);
  });

  it('stays near zero for the same population, each row counted under its class', () => {
    const counts = driftCounts(training, gaussianRows(2000, 3, 0, 3), () => 'normal');
    driftCounts(training, gaussianRows(2000, 3, 5, 4), () => 'fault', counts);
    const drift = driftOf(training, counts);
    expect(drift.samples).toBe(4000);
    expect(drift.psi).toBeLessThan(0.02);
    // Faulty rows counted as normal are a population the normal class never saw.
    const mislabelled = driftOf(
      training,
      driftCounts(training, gaussianRows(2000, 3, 5, 4), () => 'normal'),
    );
    expect(mislabelled.psi).toBeGreaterThan(5);
  });

  it('rises above 0.25 for a shift of one standard deviation and names the shifted features first', () => {
    const rows = gaussianRows(2000, 3, 0, 5);
    for (let r = 0; r < 2000; r++) {
      rows[r * 3] += 1;
      rows[r * 3 + 1] += 1;
    }
    const drift = driftOf(
      training,
      driftCounts(training, rows, () => 'normal'),
    );
    expect(drift.psi).toBeGreaterThan(0.25);
    expect(
      drift.features
        .slice(0, 2)
        .map((f) => f.feature)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(drift.features[2]).toMatchObject({ feature: 'c' });
    expect(drift.features[2].psi).toBeLessThan(0.02);
  });

  it('adds counts bin by bin, so two halves give the drift of the whole; rows of an unknown class are left out', () => {
    const all = gaussianRows(1000, 3, 0.5, 6);
    const whole = driftCounts(training, all, () => 'normal');
    const halves = addDriftCounts(
      driftCounts(training, all.subarray(0, 1500), () => 'normal'),
      driftCounts(training, all.subarray(1500), () => 'normal'),
    );
    expect(halves).toEqual(whole);
    expect(driftOf(training, halves).psi).toBe(driftOf(training, whole).psi);
    expect(driftCounts(training, all, () => 'unseen')).toEqual({});
    expect(driftOf(training, {})).toMatchObject({ psi: 0, samples: 0 });
  });

  it('travels in the model metadata and is refused when garbled', () => {
    const properties = featureDistributionMetadata(training);
    expect(featureDistributionFromModel({ properties })).toEqual(training);
    expect(featureDistributionFromModel({ properties: {} })).toBeUndefined();
    const garbled = (value: unknown) => () =>
      featureDistributionFromModel({ properties: { [FEATURE_DISTRIBUTION_KEY]: typeof value === 'string' ? value : JSON.stringify(value) } });
    expect(garbled('{not json')).toThrow(OnnxModelRejectedError);
    expect(garbled({ ...training, features: [] })).toThrow(/feature names/);
    expect(garbled({ ...training, classes: [] })).toThrow(/at least one class/);
    expect(garbled({ ...training, classes: [{ ...training.classes[0], edges: training.classes[0].edges.slice(1) }] })).toThrow(/bin edges for every feature/);
    expect(garbled({ ...training, classes: [{ ...training.classes[0], edges: [[2, 1], ...training.classes[0].edges.slice(1)] }] })).toThrow(/out of order/);
    expect(garbled({ ...training, classes: [{ ...training.classes[0], expected: training.classes[0].expected.map((s) => s.slice(1)) }] })).toThrow(/training share per bin/);
  });

  it('a served model carries its training windows’ distribution; the registry refuses one of the wrong width', async () => {
    const random = seededRandom(7);
    const count = 64;
    const features = Float32Array.from({ length: count * VIBRATION_FEATURE_COUNT }, () => random());
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
    const model = trainVibrationClassifier({ features, labels, count }, { epochs: 1 });
    const served = await loadServableModel('vibration-classifier', vibrationClassifierOnnx(model, { version: 1 }));
    const distribution = featureDistributionFromModel(served.metadata)!;
    expect(distribution.features).toHaveLength(VIBRATION_FEATURE_COUNT);
    expect(distribution.classes.map((c) => [c.label, c.samples])).toEqual([
      ['normal', 16],
      ['unbalance', 16],
      ['looseness', 16],
      ['unbalance_looseness', 16],
    ]);
    await served.session.release();
    const narrow = { ...model, distribution: featureDistribution(['only'], [{ label: 'normal', rows: [1, 2, 3] }]) };
    await expect(loadServableModel('vibration-classifier', vibrationClassifierOnnx(narrow, { version: 1 }))).rejects.toThrow(/has 1 features; the sweep counts 43/);
  });
});
