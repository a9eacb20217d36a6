// A one-layer LSTM with two heads on its last hidden state: a fault logit (→ probability) and a `horizon`-step
// forecast. Trained here by backpropagation through time and Adam with global-norm clipping, in float64 typed-array
// loops; a seeded init and shuffle make the same data and options give the same weights, bit for bit.
import { seededRandom } from '../random';
import { runToEnd, type TrainingProgress } from '../training';

export interface LstmShape {
  inputSize: number;
  hiddenSize: number;
  /** Forecast outputs: the values at t+1 … t+horizon. */
  horizon: number;
}

/**
 * The parameters as views into one flat vector (so Adam, clipping and the export each see one array). Gate blocks
 * of `hiddenSize` rows follow the ONNX LSTM order i, o, f, c, so the export copies them unchanged.
 */
export interface LstmTensors<A extends Float32Array | Float64Array> {
  /** 4·hidden × input. */
  w: A;
  /** 4·hidden × hidden. */
  r: A;
  /** 4·hidden: one bias per gate row (ONNX splits it into Wb and Rb; Rb is zero). */
  b: A;
  /** hidden: the fault logit's weights. */
  faultW: A;
  faultB: A;
  /** horizon × hidden, row-major. */
  forecastW: A;
  forecastB: A;
}

const TENSOR_ORDER = ['w', 'r', 'b', 'faultW', 'faultB', 'forecastW', 'forecastB'] as const;

function tensorSizes({ inputSize, hiddenSize, horizon }: LstmShape): Record<(typeof TENSOR_ORDER)[number], number> {
  const gates = 4 * hiddenSize;
  const head = { faultW: hiddenSize, faultB: 1, forecastW: horizon * hiddenSize, forecastB: horizon };
  return { w: gates * inputSize, r: gates * hiddenSize, b: gates, ...head };
}

export function lstmParameterCount(shape: LstmShape): number {
  const sizes = tensorSizes(shape);
  return TENSOR_ORDER.reduce((total, name) => total + sizes[name], 0);
}

export function lstmTensors<A extends Float32Array | Float64Array>(shape: LstmShape, params: A): LstmTensors<A> {
  const count = lstmParameterCount(shape);
  if (params.length !== count) throw new RangeError(`an LSTM of this shape has ${count} parameters, got ${params.length}`);
  const sizes = tensorSizes(shape);
  let offset = 0;
  const views = {} as LstmTensors<A>;
  for (const name of TENSOR_ORDER) {
    views[name] = params.subarray(offset, offset + sizes[name]) as A;
    offset += sizes[name];
  }
  return views;
}

/**
 * Uniform ±1/√hidden for the LSTM and fault head (as common frameworks do), forget-gate bias 1 so memory is kept
 * early in training, and a zero forecast head: the model starts out predicting "no change".
 */
export function initLstmParameters(shape: LstmShape, random: () => number): Float64Array {
  const params = new Float64Array(lstmParameterCount(shape));
  const t = lstmTensors(shape, params);
  const limit = 1 / Math.sqrt(shape.hiddenSize);
  for (const v of [t.w, t.r, t.faultW]) for (let k = 0; k < v.length; k++) v[k] = (2 * random() - 1) * limit;
  t.b.fill(1, 2 * shape.hiddenSize, 3 * shape.hiddenSize);
  return params;
}

/** Buffers for one sequence's forward and backward pass, reused across sequences. */
export interface LstmWorkspace {
  steps: number;
  /** steps × 4·hidden gate activations (after sigmoid/tanh). */
  gates: Float64Array;
  /** (steps + 1) × hidden: row 0 is the zero initial state. */
  cells: Float64Array;
  hidden: Float64Array;
  /** steps × hidden: tanh of each cell state. */
  cellTanh: Float64Array;
  forecast: Float64Array;
  dHidden: Float64Array;
  dCell: Float64Array;
  dGates: Float64Array;
  dForecast: Float64Array;
}

export function lstmWorkspace(shape: LstmShape, steps: number): LstmWorkspace {
  const h = shape.hiddenSize;
  return {
    steps,
    gates: new Float64Array(steps * 4 * h),
    cells: new Float64Array((steps + 1) * h),
    hidden: new Float64Array((steps + 1) * h),
    cellTanh: new Float64Array(steps * h),
    forecast: new Float64Array(shape.horizon),
    dHidden: new Float64Array(h),
    dCell: new Float64Array(h),
    dGates: new Float64Array(4 * h),
    dForecast: new Float64Array(shape.horizon),
  };
}

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** log(1 + eᶻ) without overflow. */
const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/**
 * Runs one sequence (`ws.steps` rows of `inputSize` values from `x[offset]`) through the LSTM; fills the workspace
 * and `ws.forecast`, returns the fault logit.
 */
function forwardSequence(shape: LstmShape, t: LstmTensors<Float32Array | Float64Array>, x: Float64Array, offset: number, ws: LstmWorkspace): number {
  const { inputSize, hiddenSize: h, horizon } = shape;
  const g4 = 4 * h;
  const { w, r, b } = t;
  const { gates, cells, hidden, cellTanh } = ws;
  cells.fill(0, 0, h);
  hidden.fill(0, 0, h);
  for (let s = 0; s < ws.steps; s++) {
    const xo = offset + s * inputSize;
    const ho = s * h;
    const go = s * g4;
    for (let j = 0; j < g4; j++) {
      let a = b[j];
      const wo = j * inputSize;
      for (let k = 0; k < inputSize; k++) a += w[wo + k] * x[xo + k];
      const ro = j * h;
      for (let k = 0; k < h; k++) a += r[ro + k] * hidden[ho + k];
      // Rows 0…3h−1 are the i, o, f gates; the last block is the candidate cell (c).
      gates[go + j] = j < 3 * h ? sigmoid(a) : Math.tanh(a);
    }
    for (let k = 0; k < h; k++) {
      const c = gates[go + 2 * h + k] * cells[ho + k] + gates[go + k] * gates[go + 3 * h + k];
      const tc = Math.tanh(c);
      cells[ho + h + k] = c;
      cellTanh[ho + k] = tc;
      hidden[ho + h + k] = gates[go + h + k] * tc;
    }
  }
  const last = ws.steps * h;
  let logit = t.faultB[0];
  for (let k = 0; k < h; k++) logit += t.faultW[k] * hidden[last + k];
  for (let j = 0; j < horizon; j++) {
    let f = t.forecastB[j];
    for (let k = 0; k < h; k++) f += t.forecastW[j * h + k] * hidden[last + k];
    ws.forecast[j] = f;
  }
  return logit;
}

/** Adds the gradient of one sequence's loss to `grad`, given ∂loss/∂logit and ∂loss/∂forecast (in `ws.dForecast`). */
function backwardSequence(
  shape: LstmShape,
  t: LstmTensors<Float64Array>,
  grad: LstmTensors<Float64Array>,
  x: Float64Array,
  offset: number,
  ws: LstmWorkspace,
  dLogit: number,
): void {
  const { inputSize, hiddenSize: h, horizon } = shape;
  const g4 = 4 * h;
  const { gates, cells, hidden, cellTanh, dHidden, dCell, dGates, dForecast } = ws;
  const last = ws.steps * h;
  grad.faultB[0] += dLogit;
  for (let k = 0; k < h; k++) {
    grad.faultW[k] += dLogit * hidden[last + k];
    dHidden[k] = dLogit * t.faultW[k];
  }
  for (let j = 0; j < horizon; j++) {
    const d = dForecast[j];
    if (d === 0) continue;
    grad.forecastB[j] += d;
    for (let k = 0; k < h; k++) {
      grad.forecastW[j * h + k] += d * hidden[last + k];
      dHidden[k] += d * t.forecastW[j * h + k];
    }
  }
  dCell.fill(0);
  for (let s = ws.steps - 1; s >= 0; s--) {
    const go = s * g4;
    const ho = s * h;
    for (let k = 0; k < h; k++) {
      const i = gates[go + k];
      const o = gates[go + h + k];
      const f = gates[go + 2 * h + k];
      const c = gates[go + 3 * h + k];
      const tc = cellTanh[ho + k];
      const dc = dCell[k] + dHidden[k] * o * (1 - tc * tc);
      dGates[k] = dc * c * i * (1 - i);
      dGates[h + k] = dHidden[k] * tc * o * (1 - o);
      dGates[2 * h + k] = dc * cells[ho + k] * f * (1 - f);
      dGates[3 * h + k] = dc * i * (1 - c * c);
      dCell[k] = dc * f;
    }
    dHidden.fill(0);
    const xo = offset + s * inputSize;
    for (let j = 0; j < g4; j++) {
      const d = dGates[j];
      grad.b[j] += d;
      const wo = j * inputSize;
      for (let k = 0; k < inputSize; k++) grad.w[wo + k] += d * x[xo + k];
      const ro = j * h;
      for (let k = 0; k < h; k++) {
        grad.r[ro + k] += d * hidden[ho + k];
        dHidden[k] += d * t.r[ro + k];
      }
    }
  }
}

/** Sequences ready for the network: standardised inputs, 0/1 labels and forecast targets in output units. */
export interface LstmTrainingSet {
  count: number;
  steps: number;
  /** count × steps × inputSize. */
  inputs: Float64Array;
  labels: Uint8Array;
  /** count × horizon; NaN where there is no target (the run ended first): that term is left out of the loss. */
  targets: Float64Array;
}

export interface LstmLossWeights {
  /** Cross-entropy weight of a class-0 and a class-1 sequence. */
  classWeights: readonly [number, number];
  /** Weight of the forecast's mean squared error against the cross-entropy. */
  forecastWeight: number;
}

/**
 * Mean loss over the sequences `rows` of `data` — weighted cross-entropy of the fault logit plus `forecastWeight` ×
 * the mean squared forecast error over the horizon — and its gradient, added to `grad` (the caller zeroes it).
 */
export function lstmLossGradient(
  shape: LstmShape,
  params: Float64Array,
  data: LstmTrainingSet,
  rows: ArrayLike<number>,
  weights: LstmLossWeights,
  grad: Float64Array,
  ws: LstmWorkspace = lstmWorkspace(shape, data.steps),
): number {
  const { inputSize, horizon } = shape;
  const t = lstmTensors(shape, params);
  const g = lstmTensors(shape, grad);
  const scale = 1 / rows.length;
  const perStep = weights.forecastWeight / horizon;
  let loss = 0;
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n];
    const offset = row * data.steps * inputSize;
    const logit = forwardSequence(shape, t, data.inputs, offset, ws);
    const label = data.labels[row];
    const classWeight = weights.classWeights[label];
    loss += classWeight * (softplus(logit) - label * logit);
    for (let j = 0; j < horizon; j++) {
      const target = data.targets[row * horizon + j];
      const error = Number.isNaN(target) ? 0 : ws.forecast[j] - target;
      loss += perStep * error * error;
      ws.dForecast[j] = 2 * perStep * error * scale;
    }
    backwardSequence(shape, t, g, data.inputs, offset, ws, classWeight * (sigmoid(logit) - label) * scale);
  }
  return loss * scale;
}

export interface LstmTrainingOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** The batch gradient is scaled down to this global L2 norm when longer (exploding gradients through time). */
  clipNorm?: number;
  forecastWeight?: number;
  /** Weight the classes so each carries half the cross-entropy, whatever their counts. */
  balanceClasses?: boolean;
  /**
   * Standard deviation of a random offset added to each input over a whole sequence, redrawn each time the sequence
   * is used (in the inputs' units: standard deviations, for standardised inputs). It teaches the model to ignore
   * shifts as small as those between two normal runs. 0 = none.
   */
  inputJitter?: number;
  seed?: number;
}

export const DEFAULT_LSTM_TRAINING: Required<LstmTrainingOptions> = {
  epochs: 20,
  batchSize: 32,
  learningRate: 3e-3,
  clipNorm: 5,
  forecastWeight: 1,
  balanceClasses: true,
  inputJitter: 0,
  seed: 1,
};

export interface TrainedLstm {
  params: Float64Array;
  /** Mean batch loss over each epoch (each batch measured before its update). */
  lossByEpoch: number[];
}

export function trainLstm(data: LstmTrainingSet, shape: LstmShape, options: LstmTrainingOptions = {}): TrainedLstm {
  return runToEnd(lstmTraining(data, shape, options));
}

/** The same training, pausing after every batch and epoch (see runPausing). */
export function* lstmTraining(data: LstmTrainingSet, shape: LstmShape, options: LstmTrainingOptions = {}): Generator<TrainingProgress, TrainedLstm> {
  const o = { ...DEFAULT_LSTM_TRAINING, ...options };
  if (data.count === 0) throw new RangeError('no sequences to train on');
  const random = seededRandom(o.seed);
  const params = initLstmParameters(shape, random);
  const positives = data.labels.reduce((s, y) => s + y, 0);
  const negatives = data.count - positives;
  const weights: LstmLossWeights = {
    classWeights: o.balanceClasses && positives > 0 && negatives > 0 ? [data.count / (2 * negatives), data.count / (2 * positives)] : [1, 1],
    forecastWeight: o.forecastWeight,
  };
  const grad = new Float64Array(params.length);
  const adamM = new Float64Array(params.length);
  const adamV = new Float64Array(params.length);
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const ws = lstmWorkspace(shape, data.steps);
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const jittered = o.inputJitter > 0 ? jitterBuffer(data, shape, o.batchSize) : null;
  // Box–Muller from the seeded generator.
  const jitterOffset = () => o.inputJitter * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lossByEpoch: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    // Fisher–Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let start = 0; start < data.count; start += o.batchSize) {
      let batch: Uint32Array = order.subarray(start, Math.min(data.count, start + o.batchSize));
      let batchData = data;
      if (jittered) {
        copyJittered(data, shape, batch, jittered.set, jitterOffset);
        batchData = jittered.set;
        batch = jittered.rows.subarray(0, batch.length);
      }
      grad.fill(0);
      epochLoss += lstmLossGradient(shape, params, batchData, batch, weights, grad, ws) * batch.length;
      let norm = 0;
      for (let k = 0; k < grad.length; k++) norm += grad[k] * grad[k];
      norm = Math.sqrt(norm);
      const clip = norm > o.clipNorm ? o.clipNorm / norm : 1;
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      for (let k = 0; k < params.length; k++) {
        const gk = grad[k] * clip;
        adamM[k] = beta1 * adamM[k] + (1 - beta1) * gk;
        adamV[k] = beta2 * adamV[k] + (1 - beta2) * gk * gk;
        params[k] -= (o.learningRate * (adamM[k] / correction1)) / (Math.sqrt(adamV[k] / correction2) + epsilon);
      }
      yield { epoch: epoch + 1, epochs: o.epochs, batch: start / o.batchSize + 1, batches: Math.ceil(data.count / o.batchSize) };
    }
    lossByEpoch.push(epochLoss / data.count);
    yield { epoch: epoch + 1, epochs: o.epochs, loss: epochLoss / data.count };
  }
  return { params, lossByEpoch };
}

function jitterBuffer(data: LstmTrainingSet, shape: LstmShape, batchSize: number): { set: LstmTrainingSet; rows: Uint32Array } {
  const set = {
    count: batchSize,
    steps: data.steps,
    inputs: new Float64Array(batchSize * data.steps * shape.inputSize),
    labels: new Uint8Array(batchSize),
    targets: new Float64Array(batchSize * shape.horizon),
  };
  return { set, rows: new Uint32Array(batchSize).map((_, i) => i) };
}

/**
 * Copies the sequences `rows` into `out`, each input shifted by its own offset over the whole sequence. The targets
 * stay: the forecast is a change from the last observed value (see LstmPredictor), which an offset does not move.
 */
function copyJittered(data: LstmTrainingSet, shape: LstmShape, rows: Uint32Array, out: LstmTrainingSet, offset: () => number): void {
  const { inputSize, horizon } = shape;
  const width = data.steps * inputSize;
  const shift = new Float64Array(inputSize);
  rows.forEach((row, n) => {
    for (let k = 0; k < inputSize; k++) shift[k] = offset();
    for (let k = 0; k < width; k++) out.inputs[n * width + k] = data.inputs[row * width + k] + shift[k % inputSize];
    out.labels[n] = data.labels[row];
    out.targets.set(data.targets.subarray(row * horizon, (row + 1) * horizon), n * horizon);
  });
}

/**
 * The deployable model: raw inputs in, standardised inside; the forecast head predicts the change of input
 * `targetIndex` from its last observed value, in units of its standard deviation, so "no change" (persistence)
 * is the zero output and the model learns only what persistence misses.
 */
export interface LstmPredictor extends LstmShape {
  /** Observations per sequence. */
  steps: number;
  targetIndex: number;
  inputMean: Float32Array;
  inputStd: Float32Array;
  /** lstmTensors layout, float32 as exported. */
  params: Float32Array;
}

export interface LstmPrediction {
  faultProbability: Float64Array;
  /** count × horizon, row-major, in the target's own units. */
  predictedValue: Float64Array;
}

/** Any implementation of the model over row-major count × steps × inputSize sequences: TypeScript or ONNX Runtime. */
export type LstmPredictFn = (sequences: Float32Array) => LstmPrediction | Promise<LstmPrediction>;

export function checkLstmPredictor(model: LstmPredictor): void {
  const { inputSize, steps, targetIndex, inputMean, inputStd } = model;
  for (const [label, n] of [
    ['inputSize', inputSize],
    ['hiddenSize', model.hiddenSize],
    ['horizon', model.horizon],
    ['steps', steps],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${label} must be a positive integer, got ${n}`);
  }
  if (!Number.isInteger(targetIndex) || targetIndex < 0 || targetIndex >= inputSize) {
    throw new RangeError(`targetIndex ${targetIndex} is not one of ${inputSize} inputs`);
  }
  if (inputMean.length !== inputSize || inputStd.length !== inputSize) throw new RangeError(`inputMean and inputStd need ${inputSize} values each`);
  // A zero or non-finite std would turn an input into Inf/NaN for every sequence.
  if (inputStd.some((s) => !(s > 0) || !Number.isFinite(s))) throw new RangeError('inputStd must be finite and > 0');
  lstmTensors(model, model.params);
}

/** The model in TypeScript (float64 arithmetic) over `sequences`: row-major count × steps × inputSize, raw units. */
export function lstmPredict(model: LstmPredictor, sequences: Float32Array): LstmPrediction {
  checkLstmPredictor(model);
  const { inputSize, steps, horizon, targetIndex, inputMean, inputStd } = model;
  const width = steps * inputSize;
  if (sequences.length % width !== 0) throw new RangeError(`${sequences.length} values is not a whole number of ${steps}×${inputSize} sequences`);
  const count = sequences.length / width;
  const t = lstmTensors(model, model.params);
  const ws = lstmWorkspace(model, steps);
  const z = new Float64Array(width);
  const faultProbability = new Float64Array(count);
  const predictedValue = new Float64Array(count * horizon);
  for (let n = 0; n < count; n++) {
    const offset = n * width;
    for (let k = 0; k < width; k++) z[k] = (sequences[offset + k] - inputMean[k % inputSize]) / inputStd[k % inputSize];
    faultProbability[n] = sigmoid(forwardSequence(model, t, z, 0, ws));
    const last = sequences[offset + width - inputSize + targetIndex];
    for (let j = 0; j < horizon; j++) predictedValue[n * horizon + j] = last + ws.forecast[j] * inputStd[targetIndex];
  }
  return { faultProbability, predictedValue };
}
