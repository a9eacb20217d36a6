// The TEP fault identifier: once a run's excursion is detected, which IDV fault does it most resemble? Per-tag features
// over a finite window of the run's recent history → a small softmax MLP (the trainer it shares with the vibration
// classifier, mlp-training.ts, with dropout) → ONNX (identifier-onnx.ts).
//
// Trained on the Braatz training runs dNN.dat only (every row is after the fault began), each put behind a stretch of
// normal operation (d00.dat) so that the windows straddle the onset as they do in a real run — and in the test files,
// where the fault starts at row 160 after normal operation.
import { type DenseLayer, mlpForward, type MlpPrediction } from '../onnx';
import { softmaxMlpTraining } from '../mlp-training';
import { seededRandom } from '../random';
import { runToEnd, type TrainingProgress } from '../training';
import { TEP_DETECTABLE_FAULTS, TEP_FAULT_START } from './benchmark';
import { fitStandardiser, type Standardiser } from './standardise';

export const TEP_IDENTIFIER_NAME = 'tep-identifier';

/** The classes, as IDV numbers: class k of the model is fault TEP_IDENTIFIER_FAULTS[k]. IDV 3, 9 and 15 barely change the process. */
export const TEP_IDENTIFIER_FAULTS: readonly number[] = TEP_DETECTABLE_FAULTS;

/**
 * The input's column blocks, each one value per tag: the value, then its rolling mean over each window, then its
 * rolling standard deviation over each window (in `windows` order) — 1 + 2·windows blocks.
 */
export const TEP_IDENTIFIER_FEATURE_KINDS = ['value', 'rolling_mean', 'rolling_std'] as const;

/** 30 min, 1.5 h and 3 h: long windows separate the subtle random-variation faults, short ones follow step faults. */
export const TEP_IDENTIFIER_WINDOWS: readonly number[] = [10, 30, 60];

/**
 * Faults the Braatz README documents as random variation (8–12) or slow drift (13): zero-mean disturbances, so a run
 * mirrored about normal operation (every tag's deviation negated) is as likely a realisation as the recorded one.
 * The training runs are one realisation each; the test runs of IDV 13, for one, drift the other way.
 */
export const TEP_SIGN_SYMMETRIC_FAULTS: readonly number[] = [8, 9, 10, 11, 12, 13];

/**
 * What turns a run (observations in time order, one value per tag) into the model's `features` input.
 * Every tag is first standardised against normal operation: z = (x − mean) / std. Per row and tag then:
 * - value and rolling means (over the last w rows, fewer at the start of a run): s(v) = sign(v)·ln(1 + |v|), which
 *   keeps the few-σ range nearly linear but tames faults that drive a tag tens of σ away (IDV 6 and 18 run on far past
 *   the training runs' 24 h, and an MLP extrapolates raw magnitudes badly);
 * - rolling standard deviations (population, over the same windows): ln(std + stdOffset), so a valve that stops moving
 *   (IDV 21: XMV 4 fixed, std 0) stands as far from normal (std ≈ 1) as one that doubles its spread.
 * Row r depends on rows r − H + 1 … r only, H = max(windows) (`tepIdentifierHistory`): scoring the tail of a run with
 * H − 1 rows of history before it gives the tail's rows the same features, bit for bit, as scoring the whole run.
 */
export interface TepIdentifierFeatureSpec {
  standardiser: Standardiser;
  windows: number[];
  stdOffset: number;
}

export const DEFAULT_TEP_IDENTIFIER_STD_OFFSET = 0.03;

/** Rows of history (the row itself included) that a row's features depend on. */
export const tepIdentifierHistory = (spec: Pick<TepIdentifierFeatureSpec, 'windows'>): number => Math.max(...spec.windows);

/** Width of one feature row: (1 + 2·windows) blocks of one value per tag. */
export const tepIdentifierFeatureCount = (spec: Pick<TepIdentifierFeatureSpec, 'windows'>, tagCount: number): number => (1 + 2 * spec.windows.length) * tagCount;

/** Feature names in input order (e.g. `rolling_std_30:XMV_4`) for the given tag names. */
export function tepIdentifierFeatureNames(spec: Pick<TepIdentifierFeatureSpec, 'windows'>, tags: readonly string[]): string[] {
  const blocks = ['value', ...spec.windows.map((w) => `rolling_mean_${w}`), ...spec.windows.map((w) => `rolling_std_${w}`)];
  return blocks.flatMap((b) => tags.map((t) => `${b}:${t}`));
}

const signedLog = (v: number) => (v < 0 ? -Math.log1p(-v) : Math.log1p(v));

/** The features of every row of a run, row-major (`tepIdentifierFeatureCount` per row), as the ONNX model's float32 input. */
export function tepIdentifierFeatures(spec: TepIdentifierFeatureSpec, observations: readonly (readonly number[])[]): Float32Array {
  const { mean, std } = spec.standardiser;
  const tags = mean.length;
  const windows = spec.windows;
  if (windows.length === 0 || !windows.every((w) => Number.isInteger(w) && w >= 1)) throw new RangeError('windows must be whole numbers ≥ 1');
  const n = observations.length;
  const z = new Float64Array(n * tags);
  observations.forEach((o, r) => {
    if (o.length !== tags) throw new RangeError(`observation ${r} has ${o.length} values for ${tags} tags`);
    for (let k = 0; k < tags; k++) z[r * tags + k] = (o[k] - mean[k]) / std[k];
  });
  const width = tepIdentifierFeatureCount(spec, tags);
  const out = new Float32Array(n * width);
  for (let r = 0; r < n; r++) {
    const row = r * width;
    for (let k = 0; k < tags; k++) out[row + k] = signedLog(z[r * tags + k]);
    windows.forEach((w, i) => {
      // Straight sums over the window, not running ones: a running sum would carry the rounding of rows long gone, so
      // a run's tail scored on its own would not reproduce the whole run's features exactly.
      const start = Math.max(0, r - w + 1);
      const count = r - start + 1;
      const meanAt = row + (1 + i) * tags;
      const stdAt = row + (1 + windows.length + i) * tags;
      for (let k = 0; k < tags; k++) {
        let sum = 0;
        for (let j = start; j <= r; j++) sum += z[j * tags + k];
        const m = sum / count;
        let squares = 0;
        for (let j = start; j <= r; j++) squares += (z[j * tags + k] - m) ** 2;
        out[meanAt + k] = signedLog(m);
        out[stdAt + k] = Math.log(Math.sqrt(squares / count) + spec.stdOffset);
      }
    });
  }
  return out;
}

export interface TepIdentifierOptions {
  windows?: readonly number[];
  stdOffset?: number;
  /** Faults whose training runs are also used mirrored about normal operation (see TEP_SIGN_SYMMETRIC_FAULTS). */
  mirroredFaults?: readonly number[];
  /** Rows of normal operation put before each training run (a seeded stretch of `normal`), as in a real run. */
  normalHistory?: number;
  hiddenUnits?: readonly number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on the weights (not the biases). */
  weightDecay?: number;
  /** Share of hidden units dropped in each training row (inverted dropout: nothing changes at inference). */
  dropout?: number;
  seed?: number;
}

export const DEFAULT_TEP_IDENTIFIER: Required<TepIdentifierOptions> = {
  windows: TEP_IDENTIFIER_WINDOWS,
  stdOffset: DEFAULT_TEP_IDENTIFIER_STD_OFFSET,
  mirroredFaults: TEP_SIGN_SYMMETRIC_FAULTS,
  normalHistory: 100,
  hiddenUnits: [64],
  epochs: 20,
  batchSize: 64,
  learningRate: 2e-3,
  weightDecay: 1e-4,
  dropout: 0.2,
  seed: 1,
};

export interface TrainedTepIdentifier {
  spec: TepIdentifierFeatureSpec;
  /** Class k is IDV faults[k]. */
  faults: number[];
  layers: DenseLayer[];
  /** Standardisation of the features, folded into the ONNX graph as Sub/Div. */
  inputMean: Float32Array;
  inputStd: Float32Array;
  /** Mean cross-entropy over the training rows after each epoch (with dropout active). */
  lossByEpoch: number[];
  /** Labelled rows trained on (mirrored copies included). */
  trainingRows: number;
}

/** A labelled training run: every observation is after the onset of `fault` (as in the Braatz dNN.dat files). */
export interface TepFaultRun {
  fault: number;
  observations: readonly (readonly number[])[];
}

export type TepIdentifierProgress = { step: 'features'; done: number; total: number } | ({ step: 'training' } & TrainingProgress);

/** Trains the identifier to the end (see `tepIdentifierTraining`). */
export function trainTepIdentifier(runs: readonly TepFaultRun[], normal: readonly (readonly number[])[], options: TepIdentifierOptions = {}): TrainedTepIdentifier {
  return runToEnd(tepIdentifierTraining(runs, normal, options));
}

/**
 * Trains the identifier on fault runs (all rows after the onset) and one normal-operation run, which gives the tag
 * standardisation and the history put before every fault run. Deterministic: the same data and options give the
 * same weights, bit for bit. Pauses after every run's features and every batch (see runToEnd / runPausing).
 */
export function* tepIdentifierTraining(
  runs: readonly TepFaultRun[],
  normal: readonly (readonly number[])[],
  options: TepIdentifierOptions = {},
): Generator<TepIdentifierProgress, TrainedTepIdentifier> {
  const o = { ...DEFAULT_TEP_IDENTIFIER, ...options };
  const faults = [...new Set(runs.map((r) => r.fault))].sort((a, b) => a - b);
  if (faults.length < 2) throw new RangeError('the identifier needs runs of at least two faults');
  const spec: TepIdentifierFeatureSpec = { standardiser: fitStandardiser(normal), windows: [...o.windows], stdOffset: o.stdOffset };
  if (!(spec.stdOffset > 0)) throw new RangeError('stdOffset must be > 0');
  const tags = spec.standardiser.mean.length;
  const width = tepIdentifierFeatureCount(spec, tags);
  const historyRandom = seededRandom(o.seed + 0x9e3779b9);
  const history = Math.min(o.normalHistory, normal.length);

  const variants = runs.flatMap((run) =>
    o.mirroredFaults.includes(run.fault)
      ? [
          { run, mirrored: false },
          { run, mirrored: true },
        ]
      : [{ run, mirrored: false }],
  );
  const parts: Float32Array[] = [];
  const labelParts: number[] = [];
  for (const [i, { run, mirrored }] of variants.entries()) {
    const start = Math.floor(historyRandom() * (normal.length - history + 1));
    const mean = spec.standardiser.mean;
    const rows = mirrored ? run.observations.map((obs) => obs.map((x, k) => 2 * mean[k] - x)) : run.observations;
    const features = tepIdentifierFeatures(spec, [...normal.slice(start, start + history), ...rows]);
    parts.push(features.subarray(history * width));
    labelParts.push(...new Array<number>(rows.length).fill(faults.indexOf(run.fault)));
    yield { step: 'features', done: i + 1, total: variants.length };
  }
  const x = new Float32Array(labelParts.length * width);
  parts.reduce((offset, p) => (x.set(p, offset), offset + p.length), 0);
  const labels = Uint8Array.from(labelParts);

  const training = softmaxMlpTraining(
    { features: x, labels, count: labels.length, featureCount: width, classes: faults.length },
    { hiddenUnits: o.hiddenUnits, epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, weightDecay: o.weightDecay, dropout: o.dropout, seed: o.seed },
  );
  let next = training.next();
  for (; !next.done; next = training.next()) yield { step: 'training', ...next.value };
  return { spec, faults, ...next.value, trainingRows: labels.length };
}

/** The trained model's class probabilities for every row of a run (float64 forward pass over the float32 features). */
export function tepIdentifierProbabilities(model: TrainedTepIdentifier, observations: readonly (readonly number[])[]): MlpPrediction {
  return tepIdentifierForward(model, tepIdentifierFeatures(model.spec, observations));
}

/** The MLP over precomputed feature rows (as `tepIdentifierFeatures` gives them). */
export function tepIdentifierForward(model: TrainedTepIdentifier, features: Float32Array): MlpPrediction {
  const shape = {
    featureCount: tepIdentifierFeatureCount(model.spec, model.spec.standardiser.mean.length),
    classes: model.faults.length,
    inputMean: model.inputMean,
    inputStd: model.inputStd,
  };
  return mlpForward(model.layers, shape, features);
}

/** Class probabilities of every row of a run (row-major, one column per class), from the TypeScript model or ONNX. */
export type TepIdentifierPredict = (observations: readonly (readonly number[])[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface TepIdentificationReport {
  /** The classes (IDV numbers), in the order of the confusion matrix. */
  classes: number[];
  /** Per true fault: rows scored (from the onset on). */
  rows: Record<number, number>;
  /** Per true fault: share of its rows whose most probable class is the fault. */
  perFault: Record<number, number>;
  /** Mean of perFault over the faults evaluated. */
  macroAccuracy: number;
  /** Per true fault: share of its rows with the fault among the three most probable classes. */
  top3PerFault: Record<number, number>;
  macroTop3Accuracy: number;
  /** confusion[i][j]: rows of fault classes[i] whose most probable class is classes[j]. */
  confusion: number[][];
}

/**
 * Scores fault runs (e.g. the Braatz test files dNN_te.dat) from row `from` (the onset, 160) on. Ties go to the
 * lower class index, as ONNX ArgMax does; for top-k a tie with a lower class ranks above the truth.
 */
export async function evaluateTepIdentification(
  predict: TepIdentifierPredict,
  runs: ReadonlyMap<number, readonly (readonly number[])[]> | readonly TepFaultRun[],
  options: { classes?: readonly number[]; from?: number } = {},
): Promise<TepIdentificationReport> {
  const classes = [...(options.classes ?? TEP_IDENTIFIER_FAULTS)];
  const from = options.from ?? TEP_FAULT_START;
  const list: readonly TepFaultRun[] =
    runs instanceof Map
      ? Array.from((runs as ReadonlyMap<number, readonly (readonly number[])[]>).entries(), ([fault, observations]) => ({ fault, observations }))
      : (runs as readonly TepFaultRun[]);
  const c = classes.length;
  const confusion = classes.map(() => new Array<number>(c).fill(0));
  const counts: Record<number, { rows: number; top1: number; top3: number }> = {};
  for (const { fault, observations } of list) {
    const truth = classes.indexOf(fault);
    if (truth < 0) throw new RangeError(`IDV ${fault} is not one of the classes ${classes.join(', ')}`);
    const p = await predict(observations);
    if (p.length !== observations.length * c) throw new RangeError(`${p.length} probabilities for ${observations.length} rows of ${c} classes`);
    const tally = (counts[fault] ??= { rows: 0, top1: 0, top3: 0 });
    for (let r = from; r < observations.length; r++) {
      const at = r * c;
      const pt = p[at + truth];
      let rank = 0;
      let best = 0;
      for (let k = 0; k < c; k++) {
        if (p[at + k] > pt || (p[at + k] === pt && k < truth)) rank++;
        if (p[at + k] > p[at + best]) best = k;
      }
      confusion[truth][best]++;
      tally.rows++;
      if (rank === 0) tally.top1++;
      if (rank < 3) tally.top3++;
    }
  }
  const faults = Object.keys(counts).map(Number);
  const share = (pick: (t: { rows: number; top1: number; top3: number }) => number) =>
    Object.fromEntries(faults.map((f) => [f, counts[f].rows ? pick(counts[f]) / counts[f].rows : 0]));
  const perFault = share((t) => t.top1);
  const top3PerFault = share((t) => t.top3);
  const mean = (r: Record<number, number>) => (faults.length ? faults.reduce((s, f) => s + r[f], 0) / faults.length : 0);
  return {
    classes,
    rows: Object.fromEntries(faults.map((f) => [f, counts[f].rows])),
    perFault,
    macroAccuracy: mean(perFault),
    top3PerFault,
    macroTop3Accuracy: mean(top3PerFault),
    confusion,
  };
}

/** The largest off-diagonal cells of a confusion matrix as shares of the true fault's rows, largest first. */
export function tepIdentifierConfusions(report: TepIdentificationReport, n = 10): { fault: number; predicted: number; share: number }[] {
  const out: { fault: number; predicted: number; share: number }[] = [];
  report.confusion.forEach((row, i) => {
    const fault = report.classes[i];
    const rows = report.rows[fault] ?? 0;
    row.forEach((count, j) => {
      if (i !== j && count > 0 && rows > 0) out.push({ fault, predicted: report.classes[j], share: count / rows });
    });
  });
  return out.sort((a, b) => b.share - a.share).slice(0, n);
}
