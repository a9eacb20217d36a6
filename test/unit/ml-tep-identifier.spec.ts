/**
 * @jest-environment ./test/support/onnx-environment.ts
 */
import {
  evaluateTepIdentification,
  loadOnnxModel,
  MAX_MODEL_BYTES,
  OnnxModelRejectedError,
  runPausing,
  seededRandom,
  TEP_IDENTIFIER_FAULTS,
  TEP_IDENTIFIER_ONNX_TOLERANCE,
  tepIdentifierConfusions,
  tepIdentifierFeatureCount,
  tepIdentifierFeatureNames,
  tepIdentifierFeatures,
  tepIdentifierHistory,
  tepIdentifierOnnx,
  tepIdentifierOnnxAgreement,
  tepIdentifierPreprocessingFromModel,
  tepIdentifierProbabilities,
  tepIdentifierSignature,
  tepIdentifierTraining,
  trainTepIdentifier,
  type OnnxModelMetadata,
  type TepFaultRun,
  type TepIdentifierFeatureSpec,
  type TepIdentifierOptions,
  type TrainedTepIdentifier,
} from '../../libs/ml/src';

const TAGS = ['a', 'b', 'c', 'd', 'e'];

/** Standard normal deviates from a seeded uniform source (Box–Muller). */
function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Five independent noisy tags around (10, 20, 30, 40, 50); `fault` changes them from row `onset` on. */
function syntheticRun(n: number, seed: number, fault = 0, onset = 0): number[][] {
  const g = gaussian(seededRandom(seed));
  let frozen = 0;
  return Array.from({ length: n }, (_, r) => {
    const row = TAGS.map((_, k) => 10 * (k + 1) + g());
    if (r >= onset) {
      if (fault === 1) row[0] += 3; // a step in tag a
      if (fault === 2) row[1] = 20 + 3 * (row[1] - 20); // three times the spread in tag b
      if (fault === 4) row[2] = r === onset ? (frozen = row[2]) : frozen; // tag c stops moving
    }
    return row;
  });
}

const SPEC: TepIdentifierFeatureSpec = {
  standardiser: { mean: [10, 20, 30, 40, 50], std: [1, 1, 1, 1, 1] },
  windows: [3, 7],
  stdOffset: 0.03,
};

const SMALL: TepIdentifierOptions = { windows: [5, 15], hiddenUnits: [8], epochs: 30, batchSize: 32, learningRate: 5e-3, normalHistory: 20, mirroredFaults: [2], seed: 3 };

function smallTraining(): { runs: TepFaultRun[]; normal: number[][] } {
  return { runs: [1, 2, 4].map((fault, i) => ({ fault, observations: syntheticRun(150, 100 + i, fault) })), normal: syntheticRun(300, 7) };
}

describe('tepIdentifierFeatures', () => {
  it('computes the value, rolling means and rolling standard deviations of the standardised tags', () => {
    const spec: TepIdentifierFeatureSpec = { standardiser: { mean: [1], std: [2] }, windows: [2, 3], stdOffset: 0.5 };
    // z = 0, 1, 3, −1
    const f = tepIdentifierFeatures(spec, [[1], [3], [7], [-1]]);
    const width = tepIdentifierFeatureCount(spec, 1);
    expect(width).toBe(5);
    expect(tepIdentifierFeatureNames(spec, ['x'])).toEqual(['value:x', 'rolling_mean_2:x', 'rolling_mean_3:x', 'rolling_std_2:x', 'rolling_std_3:x']);
    const s = (v: number) => Math.sign(v) * Math.log1p(Math.abs(v));
    const expected = [
      // row 0: one row of history only
      [s(0), s(0), s(0), Math.log(0.5), Math.log(0.5)],
      [s(1), s(0.5), s(0.5), Math.log(0.5 + 0.5), Math.log(0.5 + 0.5)],
      [s(3), s(2), s(4 / 3), Math.log(1 + 0.5), Math.log(Math.sqrt(((0 - 4 / 3) ** 2 + (1 - 4 / 3) ** 2 + (3 - 4 / 3) ** 2) / 3) + 0.5)],
      [s(-1), s(1), s(1), Math.log(2 + 0.5), Math.log(Math.sqrt((0 + 4 + 4) / 3) + 0.5)],
    ];
    expected.forEach((row, r) => row.forEach((v, k) => expect(f[r * width + k]).toBeCloseTo(v, 6)));
  });

  it('depends on a finite history only: a tail scored with H − 1 rows before it has the whole run’s features', () => {
    const run = syntheticRun(200, 11, 2, 80);
    const h = tepIdentifierHistory(SPEC);
    expect(h).toBe(7);
    const width = tepIdentifierFeatureCount(SPEC, TAGS.length);
    const whole = tepIdentifierFeatures(SPEC, run);
    for (const tailStart of [h - 1, 50, 123, 199]) {
      const tail = tepIdentifierFeatures(SPEC, run.slice(tailStart - (h - 1)));
      // Bit for bit, not approximately: the nightly sweep scores lots incrementally and must match whole-run results.
      expect(Array.from(tail.subarray((h - 1) * width))).toEqual(Array.from(whole.subarray(tailStart * width)));
    }
    // With one row of history fewer, the longest window's features of the tail's first row differ.
    const short = tepIdentifierFeatures(SPEC, run.slice(120 - (h - 2)));
    expect(Array.from(short.subarray((h - 2) * width, (h - 1) * width))).not.toEqual(Array.from(whole.subarray(120 * width, 121 * width)));
  });

  it('refuses observations of the wrong width and windows that are not whole numbers', () => {
    expect(() => tepIdentifierFeatures(SPEC, [[1, 2, 3]])).toThrow('3 values for 5 tags');
    expect(() => tepIdentifierFeatures({ ...SPEC, windows: [2.5] }, [[1, 2, 3, 4, 5]])).toThrow('whole numbers');
  });
});

describe('tepIdentifierTraining', () => {
  let model: TrainedTepIdentifier;
  beforeAll(() => {
    const { runs, normal } = smallTraining();
    model = trainTepIdentifier(runs, normal, SMALL);
  });

  it('learns distinct synthetic faults and names them in runs it has not seen', async () => {
    expect(model.faults).toEqual([1, 2, 4]);
    // Fault 2 is mirrored: its 150 rows count twice.
    expect(model.trainingRows).toBe(4 * 150);
    expect(model.lossByEpoch[model.lossByEpoch.length - 1]).toBeLessThan(model.lossByEpoch[0]);
    const tests = new Map([1, 2, 4].map((f, i) => [f, syntheticRun(200, 500 + i, f, 60)]));
    const report = await evaluateTepIdentification((o) => tepIdentifierProbabilities(model, o).probabilities, tests, { classes: model.faults, from: 60 + 15 });
    expect(report.macroAccuracy).toBeGreaterThan(0.9);
    expect(report.macroTop3Accuracy).toBe(1);
  });

  it('is deterministic and pauses while it works', async () => {
    const { runs, normal } = smallTraining();
    const steps = new Set<string>();
    let pauses = 0;
    const again = await runPausing(
      tepIdentifierTraining(runs, normal, SMALL),
      async (p) => {
        steps.add(p.step);
        pauses++;
      },
      0,
    );
    expect(steps).toEqual(new Set(['features', 'training']));
    expect(pauses).toBeGreaterThan(SMALL.epochs!);
    expect(again.layers).toEqual(model.layers);
    expect(again.inputMean).toEqual(model.inputMean);
  });

  it('needs runs of at least two faults', () => {
    const { runs, normal } = smallTraining();
    expect(() => trainTepIdentifier(runs.slice(0, 1), normal, SMALL)).toThrow('at least two faults');
  });
});

describe('tepIdentifierOnnx', () => {
  let model: TrainedTepIdentifier;
  let bytes: Uint8Array;
  let metadata: OnnxModelMetadata;
  const signature = () => tepIdentifierSignature(TAGS.length, SMALL.windows!.length, 3);

  beforeAll(async () => {
    const { runs, normal } = smallTraining();
    model = trainTepIdentifier(runs, normal, SMALL);
    bytes = tepIdentifierOnnx(model, { version: 2, metadata: { training_data: 'synthetic' } }, TAGS);
    const loaded = await loadOnnxModel(bytes, { maxBytes: MAX_MODEL_BYTES, expectInputs: signature().inputs, expectOutputs: signature().outputs });
    metadata = loaded.metadata;
    await loaded.session.release();
  });

  it('reproduces the TypeScript probabilities and labels from its own metadata', async () => {
    const loaded = await loadOnnxModel(bytes, { maxBytes: MAX_MODEL_BYTES, expectInputs: signature().inputs, expectOutputs: signature().outputs });
    try {
      expect(() => signature().checkMetadata?.(loaded.metadata)).not.toThrow();
      for (const [i, fault] of [0, 1, 2, 4].entries()) {
        const check = await tepIdentifierOnnxAgreement(model, loaded, syntheticRun(120, 900 + i, fault, 40));
        expect(check.rows).toBe(120);
        expect(check.maxAbsoluteDifference).toBeLessThanOrEqual(TEP_IDENTIFIER_ONNX_TOLERANCE);
        expect(check.labelsDiffering).toBe(0);
      }
    } finally {
      await loaded.session.release();
    }
  });

  it('carries what the features need in its metadata', () => {
    expect(metadata.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(metadata.properties).toMatchObject({ name: 'tep-identifier', version: '2', training_data: 'synthetic' });
    const p = tepIdentifierPreprocessingFromModel(metadata);
    expect(p).toEqual({
      tags: TAGS,
      standardiser: model.spec.standardiser,
      windows: [5, 15],
      stdOffset: model.spec.stdOffset,
      featureKinds: ['value', 'rolling_mean', 'rolling_std'],
      historyRows: 15,
      faults: [1, 2, 4],
    });
  });

  it('refuses a model whose preprocessing is missing or garbled', () => {
    const edited = (edit: (p: Record<string, unknown>) => void): OnnxModelMetadata => {
      const p = JSON.parse(metadata.properties.preprocessing) as Record<string, unknown>;
      edit(p);
      return { ...metadata, properties: { ...metadata.properties, preprocessing: JSON.stringify(p) } };
    };
    expect(() => tepIdentifierPreprocessingFromModel(edited(() => undefined))).not.toThrow();
    const refusals: [OnnxModelMetadata, string][] = [
      [{ ...metadata, properties: {} }, 'is missing'],
      [{ ...metadata, properties: { preprocessing: '{' } }, 'is not JSON'],
      [{ ...metadata, properties: { preprocessing: '[]' } }, 'needs tags'],
      [edited((p) => delete p.standardiser), 'standardiser.mean'],
      [edited((p) => ((p.standardiser as { std: number[] }).std[2] = 0)), 'standardiser.std'],
      [edited((p) => (p.windows = [])), 'needs windows'],
      [edited((p) => (p.windows = [5, 'x'])), 'needs windows'],
      [edited((p) => (p.stdOffset = -1)), 'stdOffset'],
      [edited((p) => (p.featureKinds = ['value'])), 'featureKinds'],
      [edited((p) => (p.historyRows = 5)), 'historyRows'],
      [edited((p) => (p.faults = [1, 1, 4])), 'faults'],
      [edited((p) => (p.faults = [1, 2, 4, 5])), "output 'probabilities' is not [N, 4]"],
      [edited((p) => (p.windows = [5, 10, 15])), "input 'features' is not [N, 35]"],
      [edited((p) => (p.tags = ['a', 'b'])), 'standardiser.mean'],
    ];
    for (const [model, why] of refusals) {
      expect(() => tepIdentifierPreprocessingFromModel(model)).toThrow(OnnxModelRejectedError);
      expect(() => tepIdentifierPreprocessingFromModel(model)).toThrow(why);
    }
  });

  it('declares the platform signature for the Braatz tags', () => {
    const s = tepIdentifierSignature();
    expect(s.inputs).toEqual([{ name: 'features', shape: [null, 7 * 52], type: 'float32' }]);
    expect(s.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['probabilities', [null, TEP_IDENTIFIER_FAULTS.length]],
      ['label', [null]],
    ]);
    expect(() => tepIdentifierOnnx(model)).toThrow('52 tag names for 5 tags');
  });
});

describe('evaluateTepIdentification', () => {
  it('counts top-1 and top-3 hits from the onset on, with ties going to the lower class', async () => {
    const classes = [1, 2, 4, 5];
    // Per row: probabilities of classes 1, 2, 4, 5. Rows 0–1 are before the onset and not counted.
    const table: Record<number, number[][]> = {
      1: [
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [0.7, 0.1, 0.1, 0.1],
        [0.1, 0.6, 0.2, 0.1],
        [0.25, 0.25, 0.25, 0.25],
      ],
      4: [
        [1, 0, 0, 0],
        [1, 0, 0, 0],
        [0.5, 0.2, 0.1, 0.2],
        [0.1, 0.1, 0.8, 0],
        [0.3, 0.3, 0.3, 0.1],
      ],
    };
    const runs: TepFaultRun[] = [1, 4].map((fault) => ({ fault, observations: table[fault].map((_, r) => [fault, r]) }));
    const predict = (obs: readonly (readonly number[])[]) => table[obs[0][0]].flat();
    const r = await evaluateTepIdentification(predict, runs, { classes, from: 2 });
    expect(r.rows).toEqual({ 1: 3, 4: 3 });
    // IDV 1: right, wrong (2), tie won by class 1 → 2/3. IDV 4: wrong (1), right, tie lost to classes 1 and 2 → 1/3.
    expect(r.perFault[1]).toBeCloseTo(2 / 3, 12);
    expect(r.perFault[4]).toBeCloseTo(1 / 3, 12);
    expect(r.macroAccuracy).toBeCloseTo(0.5, 12);
    // IDV 4's first row ranks 4 below 1, 2 and 5 → outside the top 3.
    expect(r.top3PerFault).toEqual({ 1: 1, 4: 2 / 3 });
    expect(r.confusion).toEqual([
      [2, 1, 0, 0],
      [0, 0, 0, 0],
      [2, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expect(tepIdentifierConfusions(r, 2)).toEqual([
      { fault: 4, predicted: 1, share: 2 / 3 },
      { fault: 1, predicted: 2, share: 1 / 3 },
    ]);
    await expect(evaluateTepIdentification(predict, [{ fault: 3, observations: [[1, 0]] }], { classes })).rejects.toThrow('IDV 3');
  });
});
