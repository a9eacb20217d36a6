// The vibration fault classifier: labelled windows from rig recordings → features → a small MLP trained here
// (Adam, softmax cross-entropy; the trainer it shares with the TEP identifier, mlp-training.ts) → ONNX with the
// standardisation folded in. A seeded init and shuffle make the same data and options give byte-identical ONNX files.
import * as ort from 'onnxruntime-node';
import { type DenseLayer, MLP_PROBABILITIES, mlpClassifier, OnnxModelRejectedError, type OnnxModelMetadata } from '../onnx';
import { featureDistribution, featureDistributionMetadata, type FeatureDistribution } from '../drift';
import { columnStandardisation, softmaxMlpTraining } from '../mlp-training';
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

/** Per-feature mean and standard deviation of the training rows: the only statistics the model may see. */
export function featureStandardisation(data: LabelledWindows): { inputMean: Float32Array; inputStd: Float32Array } {
  return columnStandardisation(data.features, data.count, VIBRATION_FEATURE_COUNT);
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
  const trained = yield* softmaxMlpTraining(
    { features: data.features, labels: data.labels, count: data.count, featureCount: VIBRATION_FEATURE_COUNT, classes: VIBRATION_CLASS_COUNT },
    {
      hiddenUnits: options.hiddenUnits ?? [32],
      epochs: options.epochs ?? 60,
      batchSize: options.batchSize ?? 64,
      learningRate: options.learningRate ?? 3e-3,
      weightDecay: options.weightDecay ?? 1e-4,
      seed: options.seed ?? 1,
    },
  );
  return { ...trained, distribution: vibrationFeatureDistribution(data) };
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
