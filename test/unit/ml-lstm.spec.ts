/**
 * @jest-environment ./test/support/onnx-environment.ts
 */
import * as ort from 'onnxruntime-node';
import {
  evaluateTepLstm,
  loadOnnxModel,
  LSTM_FAULT_PROBABILITY,
  LSTM_INPUT,
  LSTM_PREDICTED_VALUE,
  lstmLossGradient,
  lstmOnnxPredict,
  lstmParameterCount,
  lstmPredict,
  lstmPredictorOnnx,
  lstmPredictorSignature,
  lstmTensors,
  runPausing,
  seededRandom,
  tepLstmFacts,
  tepLstmOnnx,
  tepLstmTraining,
  tepSequences,
  trainLstm,
  trainTepLstm,
  type LabelledTepRun,
  type LstmPredictor,
  type LstmShape,
  type LstmTrainingSet,
  type NamedTepRun,
  type TrainingProgress,
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

function uniform(rand: () => number, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** Largest |a − b| relative to max(1, |b|): float32 keeps ~7 significant digits, so large values need relative error. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return max;
}

/**
 * Synthetic 52-tag runs on TEP-like scales (means up to ~2700, as reactor pressure): normal noise around the means,
 * and a fault that shifts a few tags (including the target) from `onset` on.
 */
function syntheticRun(fault: number, onset: number, rows: number, seed: number): LabelledTepRun {
  const g = gaussian(seededRandom(seed));
  const means = Array.from({ length: 52 }, (_, k) => (k === 6 ? 2700 : 10 + 5 * k));
  const stds = Array.from({ length: 52 }, (_, k) => (k === 6 ? 5 : 0.5 + (k % 7) * 0.3));
  let drift = 0;
  const observations = Array.from({ length: rows }, (_, i) => {
    drift = 0.8 * drift + g();
    return means.map((m, k) => {
      const shift = fault !== 0 && i >= onset && (k === 6 || k === 20 || k === 45) ? 3 * stds[k] : 0;
      return m + stds[k] * (k === 6 ? drift : g()) + shift;
    });
  });
  return { fault, onset, observations };
}

const syntheticTraining = [syntheticRun(0, 0, 80, 1), syntheticRun(1, 0, 60, 2), syntheticRun(2, 0, 60, 3)];
const SMALL = { steps: 6, horizon: 3, hiddenSize: 5, epochs: 4, batchSize: 16, inputJitter: 0.5 } as const;

describe('LSTM backpropagation through time', () => {
  it('gives the gradient that central finite differences of the loss give', () => {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 4, horizon: 2 };
    const steps = 5;
    const rand = seededRandom(11);
    const params = Float64Array.from(uniform(rand, lstmParameterCount(shape), -0.8, 0.8));
    const count = 4;
    const data: LstmTrainingSet = {
      count,
      steps,
      inputs: Float64Array.from(uniform(rand, count * steps * shape.inputSize, -2, 2)),
      labels: Uint8Array.from([0, 1, 1, 0]),
      // A missing target (the run ended) must drop out of loss and gradient alike.
      targets: Float64Array.from([0.5, -1, 2, NaN, -0.3, 0.1, 1.5, 0.7]),
    };
    const rows = [0, 1, 2, 3];
    const weights = { classWeights: [0.7, 1.9] as const, forecastWeight: 0.8 };
    const grad = new Float64Array(params.length);
    lstmLossGradient(shape, params, data, rows, weights, grad);

    const eps = 1e-6;
    const numeric = new Float64Array(params.length);
    const scratch = new Float64Array(params.length);
    for (let k = 0; k < params.length; k++) {
      const saved = params[k];
      params[k] = saved + eps;
      const up = lstmLossGradient(shape, params, data, rows, weights, scratch);
      params[k] = saved - eps;
      const down = lstmLossGradient(shape, params, data, rows, weights, scratch);
      params[k] = saved;
      numeric[k] = (up - down) / (2 * eps);
    }
    let diff = 0;
    let norm = 0;
    for (let k = 0; k < params.length; k++) {
      diff += (grad[k] - numeric[k]) ** 2;
      norm += (grad[k] + numeric[k]) ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-7);
    // Every block gets a gradient: none is silently left out.
    expect(grad.filter((g) => g !== 0).length).toBe(params.length);
  });

  it('lowers the loss on a small synthetic problem and learns both heads', () => {
    const shape: LstmShape = { inputSize: 2, hiddenSize: 6, horizon: 2 };
    const steps = 8;
    const count = 160;
    const rand = seededRandom(5);
    const g = gaussian(rand);
    const data: LstmTrainingSet = {
      count,
      steps,
      inputs: new Float64Array(count * steps * 2),
      labels: new Uint8Array(count),
      targets: new Float64Array(count * 2),
    };
    const future = new Float64Array(count * 2);
    for (let n = 0; n < count; n++) {
      // Input 0: a sine of random phase (targets: its next two values); input 1: noise, offset in the last steps of class 1.
      const phase = 2 * Math.PI * rand();
      const label = n % 2;
      data.labels[n] = label;
      for (let s = 0; s < steps; s++) {
        data.inputs[(n * steps + s) * 2] = Math.sin(phase + 0.6 * s);
        data.inputs[(n * steps + s) * 2 + 1] = 0.3 * g() + (label && s >= 4 ? 1 : 0);
      }
      // The forecast head predicts changes from the last observed value (see LstmPredictor).
      future.set([Math.sin(phase + 0.6 * steps), Math.sin(phase + 0.6 * (steps + 1))], n * 2);
      const last = Math.sin(phase + 0.6 * (steps - 1));
      data.targets.set([future[n * 2] - last, future[n * 2 + 1] - last], n * 2);
    }
    const trained = trainLstm(data, shape, { epochs: 40, batchSize: 16, learningRate: 1e-2, seed: 3 });
    const losses = trained.lossByEpoch;
    expect(losses).toHaveLength(40);
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);

    const model: LstmPredictor = {
      ...shape,
      steps,
      targetIndex: 0,
      inputMean: new Float32Array(2),
      inputStd: new Float32Array([1, 1]),
      params: Float32Array.from(trained.params),
    };
    const { faultProbability, predictedValue } = lstmPredict(model, Float32Array.from(data.inputs));
    const correct = faultProbability.filter((p, n) => p >= 0.5 === (data.labels[n] === 1)).length;
    expect(correct / count).toBeGreaterThan(0.95);
    let sq = 0;
    predictedValue.forEach((v, i) => (sq += (v - future[i]) ** 2));
    expect(Math.sqrt(sq / predictedValue.length)).toBeLessThan(0.15);
  });

  it('is deterministic: the same seed gives byte-identical ONNX, another seed does not', () => {
    const onnxOf = (seed: number) => tepLstmOnnx(trainTepLstm(syntheticTraining, { ...SMALL, seed }).model, { version: 1 });
    const first = onnxOf(7);
    expect(Buffer.from(onnxOf(7)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(onnxOf(8)).equals(Buffer.from(first))).toBe(false);
  });

  it('pauses every 100 ms or so inside an epoch, so a worker keeps its heartbeats however long an epoch takes', async () => {
    const runs = [syntheticRun(0, 0, 700, 11), syntheticRun(1, 0, 700, 12)];
    const began = cpuMs();
    let workSince = began;
    const work: number[] = [];
    const pauses: TrainingProgress[] = [];
    const trained = await runPausing(tepLstmTraining(runs, { epochs: 1 }), async (progress) => {
      work.push(cpuMs() - workSince);
      pauses.push(progress);
      await new Promise((resolve) => setImmediate(resolve));
      workSince = cpuMs();
    });
    const took = cpuMs() - began;
    expect(trained.lossByEpoch).toHaveLength(1);
    // One epoch takes seconds here; training never held the event loop for more than a part of it (the longest stretch
    // is building the sequences before the first batch: ~a fifth of the epoch, more on a loaded machine).
    expect(took).toBeGreaterThan(1000);
    expect(Math.max(...work)).toBeLessThan(Math.min(1000, took / 2.5));
    expect(pauses.filter((p) => 'batch' in p).length).toBeGreaterThan(5);
  });

  it('needs normal operation to standardise against', () => {
    expect(() => trainTepLstm(syntheticTraining.slice(1), SMALL)).toThrow('need normal operation');
  });
});

describe('LSTM predictor in ONNX (the standard LSTM operator)', () => {
  it('gives the TypeScript forward pass’s outputs (≤ 1e-5) for random weights, and the loader takes its signature', async () => {
    const rand = seededRandom(2024);
    const shape: LstmShape = { inputSize: 7, hiddenSize: 10, horizon: 4 };
    const model: LstmPredictor = {
      ...shape,
      steps: 6,
      targetIndex: 3,
      inputMean: uniform(rand, 7, -5, 5),
      inputStd: uniform(rand, 7, 0.5, 3),
      params: uniform(rand, lstmParameterCount(shape), -0.6, 0.6),
    };
    // A stronger fault head, so the probabilities spread over (0, 1).
    lstmTensors(shape, model.params).faultW.forEach((w, k, a) => (a[k] = 6 * w));
    const rows = 300;
    const sequences = uniform(rand, rows * model.steps * 7, -8, 8);
    const bytes = lstmPredictorOnnx(model, { name: 'lstm-test', version: 2, metadata: { purpose: 'test' } });
    const signature = lstmPredictorSignature(model);
    const load = (s: typeof signature) => loadOnnxModel(bytes, { maxBytes: 1 << 20, expectInputs: s.inputs, expectOutputs: s.outputs });
    const { session, metadata } = await load(signature);
    const out = await session.run({ [LSTM_INPUT]: new ort.Tensor('float32', sequences, [rows, model.steps, 7]) });
    const expected = lstmPredict(model, sequences);

    expect(out[LSTM_FAULT_PROBABILITY].dims).toEqual([rows, 1]);
    expect(out[LSTM_PREDICTED_VALUE].dims).toEqual([rows, 4]);
    expect(maxRelDiff(out[LSTM_FAULT_PROBABILITY].data as Float32Array, expected.faultProbability)).toBeLessThanOrEqual(1e-5);
    expect(maxRelDiff(out[LSTM_PREDICTED_VALUE].data as Float32Array, expected.predictedValue)).toBeLessThanOrEqual(1e-5);
    // The probabilities must spread, or agreeing on them proves little.
    expect(Math.min(...expected.faultProbability)).toBeLessThan(0.2);
    expect(Math.max(...expected.faultProbability)).toBeGreaterThan(0.8);
    expect(metadata).toMatchObject({
      graphName: 'lstm-test',
      opsets: [{ domain: '', version: 13 }],
      properties: { purpose: 'test', version: '2' },
      inputs: [{ name: LSTM_INPUT, type: 'float32', shape: ['N', 6, 7] }],
      outputs: [
        { name: LSTM_FAULT_PROBABILITY, type: 'float32', shape: ['N', 1] },
        { name: LSTM_PREDICTED_VALUE, type: 'float32', shape: ['N', 4] },
      ],
    });
    await expect(load(lstmPredictorSignature({ ...model, steps: 7 }))).rejects.toMatchObject({ reason: 'signature_mismatch' });
  });

  it('gives the TypeScript forward pass’s outputs for a trained TEP model, and carries its facts in the metadata', async () => {
    const { model } = trainTepLstm(syntheticTraining, SMALL);
    const bytes = tepLstmOnnx(model, { version: 3, metadata: { training_data: 'synthetic' } });
    const signature = lstmPredictorSignature(model);
    const { session, metadata } = await loadOnnxModel(bytes, { maxBytes: 1 << 20, expectInputs: signature.inputs, expectOutputs: signature.outputs });
    const facts = tepLstmFacts(metadata.properties);
    expect(facts).toEqual({ steps: 6, horizon: 3, targetIndex: 6 });
    expect(metadata.properties).toMatchObject({ name: 'tep-lstm', target_tag: 'XMEAS_7', sample_interval_minutes: '3', training_data: 'synthetic' });
    expect(JSON.parse(metadata.properties.input_tags)).toHaveLength(52);

    const test = tepSequences([syntheticRun(1, 20, 60, 9)], facts);
    const onnx = await lstmOnnxPredict(session, model, 16)(test.sequences);
    const ts = lstmPredict(model, test.sequences);
    expect(maxRelDiff(onnx.faultProbability, ts.faultProbability)).toBeLessThanOrEqual(1e-5);
    expect(maxRelDiff(onnx.predictedValue, ts.predictedValue)).toBeLessThanOrEqual(1e-5);
    // Engineering units: the reactor-pressure forecast sits near 2700 kPa, not near 0.
    expect(Math.min(...ts.predictedValue)).toBeGreaterThan(2650);
    expect(() => tepLstmFacts({})).toThrow("no valid 'steps'");
  });
});

describe('TEP sequences', () => {
  // Value k of row i is 1000·i + k, so every value says where it came from.
  const rows = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: 52 }, (_, k) => 1000 * i + k));
  const runs: LabelledTepRun[] = [
    { fault: 0, onset: 0, observations: rows(6) },
    { fault: 4, onset: 4, observations: rows(8) },
  ];

  it('cuts every window, labels it by its last row and takes the target tag’s next values', () => {
    const s = tepSequences(runs, { steps: 3, horizon: 2, targetIndex: 6 });
    expect(s.count).toBe(10);
    expect(Array.from(s.run)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(s.end)).toEqual([2, 3, 4, 5, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(s.labels)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    // Sequence 5 (fault run, rows 1–3): first value of row 1, tag 51 of row 3.
    const width = 3 * 52;
    expect(s.sequences[5 * width]).toBe(1000);
    expect(s.sequences[5 * width + 2 * 52 + 51]).toBe(3051);
    expect(Array.from(s.targets.subarray(5 * 2, 6 * 2))).toEqual([4006, 5006]);
    // Past the end of a run there is no target.
    expect(Array.from(s.targets.subarray(3 * 2, 4 * 2))).toEqual([NaN, NaN]);
    expect(Array.from(s.targets.subarray(8 * 2, 9 * 2))).toEqual([7006, NaN]);
  });

  it('steps the window ends by the stride', () => {
    const s = tepSequences(runs, { steps: 3, horizon: 1, targetIndex: 0, stride: 2 });
    expect(Array.from(s.end)).toEqual([2, 4, 2, 4, 6]);
    expect(Array.from(s.labels)).toEqual([0, 0, 0, 1, 1]);
  });

  it('refuses observations that are not 52 tags', () => {
    expect(() => tepSequences([{ fault: 0, onset: 0, observations: [[1, 2, 3]] }], { steps: 1, horizon: 1, targetIndex: 0 })).toThrow('expected 52');
  });
});

describe('evaluateTepLstm', () => {
  it('counts alarms against the labels and forecast errors beside persistence', async () => {
    // Tag 0 flags the rows the fake model should alarm on; tag 6 ramps by 2 per row.
    const run = (name: string, fault: number, onset: number, alarmRows: number[]): NamedTepRun => ({
      name,
      fault,
      onset,
      observations: Array.from({ length: 12 }, (_, i) => Array.from({ length: 52 }, (_, k) => (k === 0 ? Number(alarmRows.includes(i)) : k === 6 ? 2 * i : 0))),
    });
    const runs = [run('normal', 0, 0, [5]), run('fault', 1, 6, [4, 8, 9, 10, 11])];
    const facts = { steps: 3, horizon: 2, targetIndex: 6 };
    const width = 3 * 52;
    // The fake model: alarm = tag 0 of the last row; forecast = the ramp continued exactly.
    const evaluation = await evaluateTepLstm(
      runs,
      (sequences) => {
        const count = sequences.length / width;
        const last = (n: number, k: number) => sequences[n * width + 2 * 52 + k];
        return {
          faultProbability: Float64Array.from({ length: count }, (_, n) => last(n, 0)),
          predictedValue: Float64Array.from({ length: count * 2 }, (_, i) => last(Math.floor(i / 2), 6) + 2 * ((i % 2) + 1)),
        };
      },
      facts,
    );

    expect(evaluation.sequences).toBe(20);
    const [normal, fault] = evaluation.runs;
    expect(normal).toMatchObject({ sequences: 10, falseAlarmRate: 0.1, detectionRate: null, detectionDelayMinutes: null });
    // Fault run: ends 2–5 are normal (one alarm, at 4); ends 6–11 are faulty, alarms at 8–11: first 2 rows (6 min) after the onset.
    expect(fault).toMatchObject({ falseAlarmRate: 0.25, detectionRate: 4 / 6, detectionDelayMinutes: 6 });
    expect(evaluation.falseAlarmRate).toEqual({ normalRuns: 0.1, faultRunsBeforeOnset: 0.25 });
    expect(evaluation.meanDetectionRate).toBeCloseTo(4 / 6, 12);
    expect(evaluation.accuracy).toBeCloseTo((9 + 3 + 4) / 20, 12);
    const f = evaluation.forecast.faultRunsAfterOnset;
    // Targets exist for ends ≤ 10 at t+1 and ≤ 9 at t+2; persistence misses the ramp by 2 and 4.
    expect(f.sequences).toBe(5);
    expect(f.lstm.rmse).toEqual([0, 0]);
    expect(f.persistence.rmse).toEqual([2, 4]);
    expect(f.persistence.mae).toEqual([2, 4]);
    expect(evaluation.forecast.normalRuns.sequences).toBe(9);
  });
});
