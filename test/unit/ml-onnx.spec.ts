/**
 * @jest-environment ./test/support/onnx-environment.ts
 */
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import {
  loadOnnxModel,
  loadServableModel,
  mlpClassifier,
  mlpForward,
  MLP_LABEL,
  MLP_PROBABILITIES,
  treeEnsembleForward,
  treeEnsembleRegressor,
  type DenseLayer,
  type LoadOnnxOptions,
  type MlpClassifierOptions,
  type RegressionTree,
  type TreeEnsembleOptions,
  seededRandom,
  VIBRATION_CLASSIFIER_NAME,
} from '../../libs/ml/src';
import { hostileModelFiles } from '../support/onnx-models';

function uniform(rand: () => number, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

const FEATURES = 40;
const HIDDEN = 16;
const CLASSES = 4;
const ROWS = 1000;

const rand = seededRandom(20240604);
const layers: DenseLayer[] = [
  { weights: uniform(rand, HIDDEN * FEATURES, -0.4, 0.4), bias: uniform(rand, HIDDEN, -0.1, 0.1) },
  { weights: uniform(rand, CLASSES * HIDDEN, -0.6, 0.6), bias: uniform(rand, CLASSES, -0.1, 0.1) },
];
const mlpOptions: MlpClassifierOptions = {
  inputName: 'features',
  featureCount: FEATURES,
  classes: CLASSES,
  inputMean: uniform(rand, FEATURES, -1, 1),
  inputStd: uniform(rand, FEATURES, 0.5, 2),
  name: 'vibration-classifier',
  version: 3,
  metadata: { training_window: '2024-01-01/2024-03-31' },
};
const mlpBytes = mlpClassifier(layers, mlpOptions);
const mlpRows = uniform(rand, ROWS * FEATURES, -4, 4);

const mlpSignature: LoadOnnxOptions = {
  maxBytes: 1 << 20,
  expectInputs: [{ name: 'features', shape: [null, FEATURES], type: 'float32' }],
  expectOutputs: [
    { name: MLP_PROBABILITIES, shape: [null, CLASSES], type: 'float32' },
    { name: MLP_LABEL, shape: [null], type: 'int64' },
  ],
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('MLP classifier in ONNX', () => {
  it('gives the TypeScript forward pass’s probabilities (≤ 1e-5) and labels for 1,000 rows in one batch', async () => {
    const { session, metadata } = await loadOnnxModel(mlpBytes, mlpSignature);
    const out = await session.run({ features: new ort.Tensor('float32', mlpRows, [ROWS, FEATURES]) });
    const expected = mlpForward(layers, mlpOptions, mlpRows);

    expect(out[MLP_PROBABILITIES].dims).toEqual([ROWS, CLASSES]);
    expect(maxAbsDiff(out[MLP_PROBABILITIES].data as Float32Array, expected.probabilities)).toBeLessThanOrEqual(1e-5);
    expect(Array.from(out[MLP_LABEL].data as BigInt64Array, Number)).toEqual(Array.from(expected.labels));
    // The rows must exercise every class, or the label comparison proves little.
    expect(new Set(expected.labels).size).toBe(CLASSES);
    expect(metadata).toMatchObject({
      producerName: 'him-mes',
      modelVersion: 3,
      graphName: 'vibration-classifier',
      opsets: [{ domain: '', version: 13 }],
      properties: { name: 'vibration-classifier', version: '3', training_window: '2024-01-01/2024-03-31' },
      inputs: [{ name: 'features', type: 'float32', shape: ['N', FEATURES] }],
    });
  });

  it('refuses layers that do not chain from the features to the classes', () => {
    expect(() => mlpClassifier(layers, { ...mlpOptions, classes: 3 })).toThrow('the last layer has 4 outputs for 3 classes');
    expect(() => mlpClassifier([layers[1]], mlpOptions)).toThrow('layer 0: expected 4×40 weights');
    expect(() => mlpClassifier(layers, { ...mlpOptions, inputStd: new Float32Array(FEATURES) })).toThrow('inputStd must be finite and > 0');
  });
});

describe('tree ensemble regressor in ONNX (ai.onnx.ml opset 3)', () => {
  const leaf = (value: number) => ({ mode: 'LEAF', value }) as const;
  const split = (featureId: number, threshold: number, trueChild: number, falseChild: number) => ({ mode: 'BRANCH_LEQ', featureId, threshold, trueChild, falseChild }) as const;
  // Thresholds such as 0.3 are not float32 values: both sides must round them the same way.
  const trees: RegressionTree[] = [
    { nodes: [split(0, 0.3, 1, 2), split(3, -1.25, 3, 4), leaf(7.5), leaf(1), leaf(-2.25)] },
    { nodes: [split(7, 0, 2, 1), leaf(0.1), split(0, -0.7, 3, 4), leaf(3), split(5, 2.2, 5, 6), leaf(4.4), leaf(-1)] },
    { nodes: [leaf(0.5)] },
    { nodes: [split(9, 1.5, 1, 2), leaf(2), leaf(11)] },
  ];
  const features = 10;
  const rows = uniform(seededRandom(7), ROWS * features, -3, 3);
  // Rows exactly on a threshold go to the true branch; NaN goes to the false branch.
  rows.set([0.3, 0, 0, -1.25, 0, 2.2, 0, 0, 0, 1.5], 0);
  rows.set([NaN, 0, 0, NaN, 0, NaN, 0, NaN, 0, NaN], features);

  it.each(['SUM', 'AVERAGE'] as const)('gives the TypeScript forward pass’s values with %s aggregation', async (aggregate) => {
    const opts: TreeEnsembleOptions = { inputName: 'tags', featureCount: features, aggregate, baseValue: 0.25 };
    const { session } = await loadOnnxModel(treeEnsembleRegressor(trees, opts), {
      maxBytes: 1 << 20,
      expectInputs: [{ name: 'tags', shape: [null, features] }],
      expectOutputs: [{ name: 'score', shape: [null, 1] }],
    });
    const out = await session.run({ tags: new ort.Tensor('float32', rows, [ROWS, features]) });
    const expected = treeEnsembleForward(trees, opts, rows);

    expect(out.score.dims).toEqual([ROWS, 1]);
    expect(maxAbsDiff(out.score.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
    const sum = 1 + 4.4 + 0.5 + 2;
    expect(expected[0]).toBeCloseTo((aggregate === 'SUM' ? sum : sum / 4) + 0.25, 5);
  });

  it('refuses nodes that do not form trees', () => {
    const opts: TreeEnsembleOptions = { inputName: 'tags', featureCount: features, aggregate: 'SUM' };
    expect(() => treeEnsembleRegressor([{ nodes: [split(0, 1, 1, 1), leaf(1)] }], opts)).toThrow('node 1 is reached twice');
    expect(() => treeEnsembleRegressor([{ nodes: [split(0, 1, 1, 2), leaf(1), leaf(2), leaf(3)] }], opts)).toThrow('1 node(s) unreachable');
    expect(() => treeEnsembleRegressor([{ nodes: [split(10, 1, 1, 2), leaf(1), leaf(2)] }], opts)).toThrow('feature 10 is outside 0…9');
    expect(() => treeEnsembleRegressor([{ nodes: [split(0, 1, 0, 1), leaf(1)] }], opts)).toThrow('node 0 is reached twice');
  });
});

describe('loadOnnxModel', () => {
  /** The MLP with one change made to its decoded ModelProto. */
  function alteredMlp(change: (model: onnx.ModelProto) => void): Uint8Array {
    const model = onnx.ModelProto.decode(mlpBytes);
    change(model);
    return onnx.ModelProto.encode(model).finish();
  }

  it('refuses a file over the size limit before reading it', async () => {
    await expect(loadOnnxModel(mlpBytes, { ...mlpSignature, maxBytes: mlpBytes.length - 1 })).rejects.toMatchObject({
      reason: 'too_large',
      message: `the model file is ${mlpBytes.length} bytes; the limit is ${mlpBytes.length - 1} bytes`,
    });
  });

  it('refuses truncated and random bytes as not ONNX', async () => {
    await expect(loadOnnxModel(mlpBytes.subarray(0, mlpBytes.length >> 1), mlpSignature)).rejects.toMatchObject({
      reason: 'not_onnx',
      message: expect.stringMatching(/^not an ONNX model: /),
    });
    const byte = seededRandom(99);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(byte() * 256));
    await expect(loadOnnxModel(noise, mlpSignature)).rejects.toMatchObject({ reason: 'not_onnx' });
  });

  it('refuses an initializer kept in an external file, naming it', async () => {
    const bytes = alteredMlp((model) => {
      const w0 = model.graph!.initializer!.find((t) => t.name === 'W0')!;
      w0.rawData = new Uint8Array();
      w0.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      w0.externalData = [{ key: 'location', value: '../../etc/passwd' }];
    });
    await expect(loadOnnxModel(bytes, mlpSignature)).rejects.toMatchObject({
      reason: 'external_data',
      message: "tensor 'W0' keeps its data in an external file ('../../etc/passwd'); upload a single self-contained .onnx file with all weights inside",
    });
  });

  it('refuses external data hidden in a Constant node’s attribute', async () => {
    const bytes = alteredMlp((model) => {
      const external = { name: 'c', dataType: onnx.TensorProto.DataType.FLOAT, dims: [1], externalData: [{ key: 'location', value: 'weights.bin' }] };
      const value = { name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: external };
      model.graph!.node!.unshift({ opType: 'Constant', output: ['unused'], attribute: [value] });
    });
    await expect(loadOnnxModel(bytes, mlpSignature)).rejects.toMatchObject({ reason: 'external_data' });
  });

  it('refuses inputs and outputs that differ from what the platform feeds and reads', async () => {
    await expect(loadOnnxModel(mlpBytes, { ...mlpSignature, expectInputs: [{ name: 'x', shape: [null, FEATURES] }] })).rejects.toMatchObject({
      reason: 'signature_mismatch',
      message: "the model has an unexpected input 'features'; the platform feeds only 'x'",
    });
    await expect(loadOnnxModel(mlpBytes, { ...mlpSignature, expectInputs: [{ name: 'features', shape: [null, FEATURES + 1] }] })).rejects.toMatchObject({
      message: "input 'features' has shape [N, 40]; expected [?, 41]",
    });
    await expect(loadOnnxModel(mlpBytes, { ...mlpSignature, expectOutputs: [{ name: 'scores', shape: [null, 4] }] })).rejects.toMatchObject({
      message: "the model has no output named 'scores' (its outputs: 'probabilities', 'label')",
    });
    await expect(loadOnnxModel(mlpBytes, { ...mlpSignature, expectOutputs: [{ name: MLP_LABEL, shape: [null, 1] }] })).rejects.toMatchObject({
      message: "output 'label' has shape [N]; expected [?, 1]",
    });
  });

  it('refuses a well-formed model that ONNX Runtime cannot load', async () => {
    const bytes = alteredMlp((model) => {
      model.graph!.node![0].opType = 'NoSuchOperator';
    });
    await expect(loadOnnxModel(bytes, mlpSignature)).rejects.toMatchObject({
      reason: 'runtime_rejected',
      message: expect.stringMatching(/^ONNX Runtime cannot load the model: .*NoSuchOperator/),
    });
    const futureOpset = alteredMlp((model) => {
      model.opsetImport[0].version = 99;
    });
    // ORT prefixes this one with its C++ source location, which the message leaves out.
    await expect(loadOnnxModel(futureOpset, mlpSignature)).rejects.toMatchObject({
      reason: 'runtime_rejected',
      message: expect.stringMatching(/^ONNX Runtime cannot load the model: ONNX Runtime only \*guarantees\* support .* Opset 99/),
    });
  });

  it('leaves out a source location after a prefix, and refuses a served model whose outputs are not float32 (the bad-input corpus)', async () => {
    const hostile = hostileModelFiles();
    await expect(loadServableModel(VIBRATION_CLASSIFIER_NAME, hostile['onnx-huge-dimension.onnx'])).rejects.toMatchObject({
      reason: 'runtime_rejected',
      message: 'ONNX Runtime cannot load the model: Exception during initialization: Integer overflow',
    });
    // Cast to STRING makes a graph ONNX Runtime loads; the sweep could read nothing from it.
    await expect(loadServableModel(VIBRATION_CLASSIFIER_NAME, hostile['onnx-string-output.onnx'])).rejects.toMatchObject({
      reason: 'signature_mismatch',
      message: "output 'probabilities' has type string; expected float32",
    });
  });
});
