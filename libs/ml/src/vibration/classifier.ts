// The vibration fault classifier: labelled windows from rig recordings → features → a small MLP trained here
// (Adam, softmax cross-entropy) → ONNX with the standardisation folded in. Plain typed-array loops: the model is
// tiny, and a seeded init and shuffle make the same data and options give byte-identical ONNX files.
import * as ort from 'onnxruntime-node';
import { type DenseLayer, MLP_PROBABILITIES, mlpClassifier, OnnxModelRejectedError, type OnnxModelMetadata } from '../onnx';
import { featureDistribution, featureDistributionMetadata, type FeatureDistribution } from '../drift';
import { seededRandom } from '../random';
import { runToEnd, type TrainingProgress } from '../training';
import { VIBRATION_FEATURE_COUNT, VIBRATION_FEATURE_NAMES, vibrationFeatures } from './features';
import { cutWindows, DEFAULT_WINDOW_SECONDS, estimateSamplingRateHz, type VibrationWindowSamples } from './windowing';

/** Class k is the fault type k of `vibration_diagnosis.fault_type`. */
export const VIBRATION_CLASSES = ['normal', 'unbalance', 'looseness', 'unbalance_looseness'] as const;
export const VIBRATION_CLASS_COUNT = VIBRATION_CLASSES.length;
/** Name of the model's single input: [N, VIBRATION_FEATURE_COUNT] float32 raw (unstandardised) features. */
export const VIBRATION_CLASSIFIER_INPUT = 'features';
export const VIBRATION_CLASSIFIER_NAME = 'vibration-classifier';
/** Recordings start with the motor ramping up from standstill: no fault signature at orders of a steady speed. */
export const STARTUP_SECONDS = 30;

export interface VibrationWindowOptions {
  windowSeconds?: number;
  /** Half a window by default: twice the windows from the same recordings. */
  hopSeconds?: number;
}

/** Feature rows (row-major, VIBRATION_FEATURE_COUNT per row) with one class label per row. */
export interface LabelledWindows {
  features: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Features of the given windows of one signal, row-major (VIBRATION_FEATURE_COUNT per window). */
export function windowFeatures(windows: readonly VibrationWindowSamples[], samplingRateHz: number): Float32Array {
  const features = new Float32Array(windows.length * VIBRATION_FEATURE_COUNT);
  windows.forEach((w, i) => features.set(vibrationFeatures(w.samples, samplingRateHz), i * VIBRATION_FEATURE_COUNT));
  return features;
}

/** Features of every complete window of one signal, row-major. */
export function signalWindowFeatures(signal: Float64Array, samplingRateHz: number, options: VibrationWindowOptions = {}): Float32Array {
  const durationSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  return windowFeatures(cutWindows(signal, samplingRateHz, { durationSeconds, hopSeconds: options.hopSeconds ?? durationSeconds / 2 }), samplingRateHz);
}

/**
 * Labelled windows from one recording: rows [time, signal of class 0, …, signal of class 3] (the rig's four
 * conditions run side by side). The start-up is skipped; the sampling rate comes from the time column.
 */
export function recordingWindows(rows: Iterable<ArrayLike<number>>, options: VibrationWindowOptions & { skipSeconds?: number } = {}): LabelledWindows {
  const skipSeconds = options.skipSeconds ?? STARTUP_SECONDS;
  const time: number[] = [];
  const columns: number[][] = VIBRATION_CLASSES.map(() => []);
  for (const row of rows) {
    time.push(row[0]);
    if (row[0] < skipSeconds) continue;
    for (let c = 0; c < VIBRATION_CLASS_COUNT; c++) columns[c].push(row[c + 1]);
  }
  const samplingRateHz = estimateSamplingRateHz(time);
  return concatWindows(
    columns.map((column, label) => {
      const features = signalWindowFeatures(Float64Array.from(column), samplingRateHz, options);
      const count = features.length / VIBRATION_FEATURE_COUNT;
      return { features, labels: new Uint8Array(count).fill(label), count };
    }),
  );
}

export function concatWindows(parts: readonly LabelledWindows[]): LabelledWindows {
  const count = parts.reduce((total, p) => total + p.count, 0);
  const features = new Float32Array(count * VIBRATION_FEATURE_COUNT);
  const labels = new Uint8Array(count);
  let offset = 0;
  for (const part of parts) {
    features.set(part.features, offset * VIBRATION_FEATURE_COUNT);
    labels.set(part.labels, offset);
    offset += part.count;
  }
  return { features, labels, count };
}

export interface MlpTrainingOptions {
  hiddenUnits?: readonly number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  weightDecay?: number;
  seed?: number;
}

export interface TrainedVibrationClassifier {
  layers: DenseLayer[];
  inputMean: Float32Array;
  inputStd: Float32Array;
  /** Mean cross-entropy over the training windows after each epoch. */
  lossByEpoch: number[];
  /** The training windows' features per class, for the sweep's drift measure (a model without it is not measured). */
  distribution?: FeatureDistribution;
}

/** Per class (labelled by VIBRATION_CLASSES), the decile bins of the training windows' features. */
export function vibrationFeatureDistribution(data: LabelledWindows): FeatureDistribution {
  const f = VIBRATION_FEATURE_COUNT;
  const classes = VIBRATION_CLASSES.map((label, k) => {
    const rows: number[] = [];
    for (let r = 0; r < data.count; r++) if (data.labels[r] === k) for (let j = 0; j < f; j++) rows.push(data.features[r * f + j]);
    return { label, rows };
  });
  return featureDistribution(VIBRATION_FEATURE_NAMES, classes);
}

/** Features whose spread is below this (constant in the training data) are left unscaled rather than blown up. */
const MIN_STD = 1e-6;

/** Per-feature mean and standard deviation of the training rows: the only statistics the model may see. */
export function featureStandardisation(data: LabelledWindows): { inputMean: Float32Array; inputStd: Float32Array } {
  const f = VIBRATION_FEATURE_COUNT;
  const sum = new Float64Array(f);
  const sumSquares = new Float64Array(f);
  for (let r = 0; r < data.count; r++) {
    for (let k = 0; k < f; k++) sum[k] += data.features[r * f + k];
  }
  const inputMean = Float32Array.from(sum, (s) => s / data.count);
  for (let r = 0; r < data.count; r++) {
    for (let k = 0; k < f; k++) sumSquares[k] += (data.features[r * f + k] - inputMean[k]) ** 2;
  }
  const inputStd = Float32Array.from(sumSquares, (s) => {
    const std = Math.sqrt(s / data.count);
    return std > MIN_STD ? std : 1;
  });
  return { inputMean, inputStd };
}

/**
 * Trains the MLP on `data` (raw features; standardised here with the data's own statistics).
 * Deterministic: the same data and options give the same weights, bit for bit.
 */
export function trainVibrationClassifier(data: LabelledWindows, options: MlpTrainingOptions = {}): TrainedVibrationClassifier {
  return runToEnd(vibrationClassifierTraining(data, options));
}

/** The same training, pausing after every batch and epoch: a retrain activity heartbeats and yields the event loop there. */
export function* vibrationClassifierTraining(data: LabelledWindows, options: MlpTrainingOptions = {}): Generator<TrainingProgress, TrainedVibrationClassifier> {
  const hiddenUnits = options.hiddenUnits ?? [32];
  const epochs = options.epochs ?? 60;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 3e-3;
  const weightDecay = options.weightDecay ?? 1e-4;
  const random = seededRandom(options.seed ?? 1);
  const { inputMean, inputStd } = featureStandardisation(data);
  const f = VIBRATION_FEATURE_COUNT;
  const n = data.count;
  const x = new Float64Array(n * f);
  for (let r = 0; r < n; r++) for (let k = 0; k < f; k++) x[r * f + k] = (data.features[r * f + k] - inputMean[k]) / inputStd[k];

  const widths = [f, ...hiddenUnits, VIBRATION_CLASS_COUNT];
  const depth = widths.length - 1;
  // He initialisation (uniform with the same variance) suits ReLU layers.
  const weights = Array.from({ length: depth }, (_, l) => {
    const limit = Math.sqrt(6 / widths[l]);
    return Float64Array.from({ length: widths[l + 1] * widths[l] }, () => (2 * random() - 1) * limit);
  });
  const biases = Array.from({ length: depth }, (_, l) => new Float64Array(widths[l + 1]));
  const params = [...weights, ...biases];
  const grads = params.map((p) => new Float64Array(p.length));
  const adamM = params.map((p) => new Float64Array(p.length));
  const adamV = params.map((p) => new Float64Array(p.length));
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  let step = 0;

  // Activations and their gradients for one row at a time: a batch accumulates into `grads`.
  const activations = widths.map((w) => new Float64Array(w));
  const deltas = widths.map((w) => new Float64Array(w));
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const lossByEpoch: number[] = [];

  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher–Yates with the seeded generator.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      for (const g of grads) g.fill(0);
      for (let b = start; b < end; b++) {
        const row = order[b];
        activations[0].set(x.subarray(row * f, row * f + f));
        for (let l = 0; l < depth; l++) {
          const inW = widths[l];
          const w = weights[l];
          const bias = biases[l];
          const input = activations[l];
          const output = activations[l + 1];
          for (let o = 0; o < widths[l + 1]; o++) {
            let sum = bias[o];
            for (let k = 0; k < inW; k++) sum += w[o * inW + k] * input[k];
            output[o] = l < depth - 1 && sum < 0 ? 0 : sum;
          }
        }
        const logits = activations[depth];
        let max = -Infinity;
        for (const v of logits) if (v > max) max = v;
        let total = 0;
        for (let c = 0; c < logits.length; c++) total += Math.exp(logits[c] - max);
        const label = data.labels[row];
        epochLoss += Math.log(total) + max - logits[label];
        // ∂(cross-entropy)/∂logit = softmax − one-hot.
        for (let c = 0; c < logits.length; c++) deltas[depth][c] = Math.exp(logits[c] - max) / total - (c === label ? 1 : 0);
        for (let l = depth - 1; l >= 0; l--) {
          const inW = widths[l];
          const w = weights[l];
          const input = activations[l];
          const delta = deltas[l + 1];
          const gw = grads[l];
          const gb = grads[depth + l];
          const back = deltas[l];
          back.fill(0);
          for (let o = 0; o < widths[l + 1]; o++) {
            const d = delta[o];
            if (d === 0) continue;
            gb[o] += d;
            for (let k = 0; k < inW; k++) {
              gw[o * inW + k] += d * input[k];
              back[k] += d * w[o * inW + k];
            }
          }
          // Through the ReLU of the layer below (the input layer has none).
          if (l > 0) for (let k = 0; k < inW; k++) if (input[k] === 0) back[k] = 0;
        }
      }
      const rows = end - start;
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      params.forEach((p, i) => {
        const g = grads[i];
        const m = adamM[i];
        const v = adamV[i];
        const decay = i < depth ? weightDecay : 0;
        for (let k = 0; k < p.length; k++) {
          const gk = g[k] / rows + decay * p[k];
          m[k] = beta1 * m[k] + (1 - beta1) * gk;
          v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
          p[k] -= (learningRate * (m[k] / correction1)) / (Math.sqrt(v[k] / correction2) + epsilon);
        }
      });
      yield { epoch: epoch + 1, epochs, batch: start / batchSize + 1, batches: Math.ceil(n / batchSize) };
    }
    lossByEpoch.push(epochLoss / n);
    yield { epoch: epoch + 1, epochs, loss: epochLoss / n };
  }
  const layers = weights.map((w, l) => ({ weights: Float32Array.from(w), bias: Float32Array.from(biases[l]) }));
  return { layers, inputMean, inputStd, lossByEpoch, distribution: vibrationFeatureDistribution(data) };
}

/** The model as ONNX bytes: raw features in, standardisation as Sub/Div, probabilities and label out. */
export function vibrationClassifierOnnx(
  model: TrainedVibrationClassifier,
  identity: { version: number; windowSeconds?: number; hopSeconds?: number; metadata?: Record<string, string> },
): Uint8Array {
  const windowSeconds = identity.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  return mlpClassifier(model.layers, {
    inputName: VIBRATION_CLASSIFIER_INPUT,
    featureCount: VIBRATION_FEATURE_COUNT,
    classes: VIBRATION_CLASS_COUNT,
    inputMean: model.inputMean,
    inputStd: model.inputStd,
    name: VIBRATION_CLASSIFIER_NAME,
    version: identity.version,
    metadata: {
      ...identity.metadata,
      feature_names: JSON.stringify(VIBRATION_FEATURE_NAMES),
      ...(model.distribution ? featureDistributionMetadata(model.distribution) : {}),
      classes: JSON.stringify(VIBRATION_CLASSES),
      window_seconds: String(windowSeconds),
      hop_seconds: String(identity.hopSeconds ?? windowSeconds / 2),
    },
  });
}

/**
 * Window lengths a served classifier may ask for. Serving cuts a signal into windows of the model's length: a much
 * shorter one would cut one request into a hundred thousand windows, a longer one into none a rig capture fills.
 */
export const VIBRATION_WINDOW_SECONDS_RANGE = { min: 0.25, max: 10 } as const;

/** The window a classifier was trained on, from its metadata (`window_seconds`; 1 s when absent); refuses any other. */
export function vibrationClassifierWindowSeconds(metadata: Pick<OnnxModelMetadata, 'properties'>): number {
  const declared = metadata.properties.window_seconds;
  if (declared === undefined) return DEFAULT_WINDOW_SECONDS;
  const seconds = Number(declared);
  const { min, max } = VIBRATION_WINDOW_SECONDS_RANGE;
  if (!(seconds >= min && seconds <= max)) {
    throw new OnnxModelRejectedError('signature_mismatch', `metadata 'window_seconds' is '${declared}'; serving cuts signals into windows of ${min} to ${max} seconds`);
  }
  return seconds;
}

export interface WindowPredictions {
  /** count × VIBRATION_CLASS_COUNT, row-major. */
  probabilities: Float32Array;
  labels: Uint8Array;
}

/** Runs the classifier over feature rows in batches: ORT's per-call overhead dominates one row at a time. */
export async function predictWindows(session: ort.InferenceSession, features: Float32Array, batchRows = 4096): Promise<WindowPredictions> {
  const f = VIBRATION_FEATURE_COUNT;
  const c = VIBRATION_CLASS_COUNT;
  const count = features.length / f;
  const probabilities = new Float32Array(count * c);
  const labels = new Uint8Array(count);
  for (let start = 0; start < count; start += batchRows) {
    const rows = Math.min(batchRows, count - start);
    const input = new ort.Tensor('float32', features.subarray(start * f, (start + rows) * f), [rows, f]);
    const output = await session.run({ [VIBRATION_CLASSIFIER_INPUT]: input }, [MLP_PROBABILITIES]);
    probabilities.set(output[MLP_PROBABILITIES].data as Float32Array, start * c);
  }
  // Argmax here rather than fetching the int64 label output: one tensor fewer per batch, same first-on-ties rule.
  for (let r = 0; r < count; r++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (probabilities[r * c + k] > probabilities[r * c + best]) best = k;
    labels[r] = best;
  }
  return { probabilities, labels };
}

/** Share of rows whose predicted label is the truth, and the confusion matrix [truth][predicted]. */
export function classificationReport(truth: ArrayLike<number>, predicted: ArrayLike<number>): { accuracy: number; confusion: number[][] } {
  const confusion = VIBRATION_CLASSES.map(() => VIBRATION_CLASSES.map(() => 0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][predicted[i]]++;
    if (truth[i] === predicted[i]) correct++;
  }
  return { accuracy: truth.length ? correct / truth.length : 0, confusion };
}
