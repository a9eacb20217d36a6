/** @jest-environment ./test/support/onnx-environment.ts */
import * as ort from 'onnxruntime-node';
import { recordingRows } from '../../libs/datagen/src';
import {
  concatWindows,
  type LabelledWindows,
  mlpForward,
  predictWindows,
  recordingWindows,
  signalWindowFeatures,
  trainVibrationClassifier,
  VIBRATION_CLASS_COUNT,
  VIBRATION_FEATURE_COUNT,
  vibrationClassifierOnnx,
} from '../../libs/ml/src';

// Numeric loops run ~15× slower under jest: a few seconds of one recording and a handful of epochs suffice here.
const TINY = { hiddenUnits: [8], epochs: 5, batchSize: 16, seed: 7 };
const recording = recordingWindows(recordingRows({ machine: 1, sensor: 1, seed: 'unit', seconds: 4, startupSeconds: 0 }), { skipSeconds: 0 });

describe('vibration classifier training', () => {
  it('cuts 1 s windows with 0.5 s hop from every column, labelled by column', () => {
    // 4 s → windows starting at 0, 0.5, …, 3 s: 7 per class.
    expect(recording.count).toBe(4 * 7);
    expect(Array.from(recording.labels)).toEqual([0, 1, 2, 3].flatMap((k) => Array<number>(7).fill(k)));
    expect(recording.features.length).toBe(recording.count * VIBRATION_FEATURE_COUNT);
  });

  it('is deterministic: the same data and seed give identical ONNX bytes', () => {
    const first = vibrationClassifierOnnx(trainVibrationClassifier(recording, TINY), { version: 1 });
    const second = vibrationClassifierOnnx(trainVibrationClassifier(recording, TINY), { version: 1 });
    const otherSeed = vibrationClassifierOnnx(trainVibrationClassifier(recording, { ...TINY, seed: 8 }), { version: 1 });
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(first).equals(Buffer.from(otherSeed))).toBe(false);
  });

  it('exports an ONNX model whose probabilities equal mlpForward on the same standardised features (≤ 1e-5)', async () => {
    const model = trainVibrationClassifier(recording, TINY);
    const session = await ort.InferenceSession.create(vibrationClassifierOnnx(model, { version: 1 }));
    // Batches of 5 rows exercise the batch boundaries, including a short last batch.
    const onnx = await predictWindows(session, recording.features, 5);
    const expected = mlpForward(
      model.layers,
      { featureCount: VIBRATION_FEATURE_COUNT, classes: VIBRATION_CLASS_COUNT, inputMean: model.inputMean, inputStd: model.inputStd },
      recording.features,
    );
    let maxDiff = 0;
    for (let i = 0; i < expected.probabilities.length; i++) maxDiff = Math.max(maxDiff, Math.abs(onnx.probabilities[i] - expected.probabilities[i]));
    expect(onnx.probabilities.length).toBe(recording.count * VIBRATION_CLASS_COUNT);
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(Array.from(onnx.labels)).toEqual(Array.from(expected.labels));
  });

  it('learns to tell pure unbalance (a strong 1×) from a normal machine', async () => {
    const rateHz = 1350;
    // A normal machine: a small residual 1× and broadband noise; unbalance: the same with a strong 1×.
    const signal = (oneX: number, speedHz: number, seed: number): Float64Array => {
      let state = seed;
      const noise = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 0.1;
      return Float64Array.from(
        { length: 3 * rateHz },
        (_, i) => oneX * Math.sin((2 * Math.PI * speedHz * i) / rateHz + seed) + 0.03 * Math.sin((4 * Math.PI * speedHz * i) / rateHz) + noise(),
      );
    };
    const windows = (oneX: number, speedHz: number, seed: number, label: number): LabelledWindows => {
      const features = signalWindowFeatures(signal(oneX, speedHz, seed), rateHz);
      const count = features.length / VIBRATION_FEATURE_COUNT;
      return { features, labels: new Uint8Array(count).fill(label), count };
    };
    const train = concatWindows([windows(0.03, 25, 1, 0), windows(0.35, 25, 2, 1), windows(0.03, 24.5, 3, 0), windows(0.35, 25.5, 4, 1)]);
    const test = concatWindows([windows(0.03, 24, 5, 0), windows(0.3, 26, 6, 1)]);
    const model = trainVibrationClassifier(train, { ...TINY, epochs: 20 });
    const session = await ort.InferenceSession.create(vibrationClassifierOnnx(model, { version: 1 }));
    expect(Array.from((await predictWindows(session, test.features)).labels)).toEqual(Array.from(test.labels));
  });
});
