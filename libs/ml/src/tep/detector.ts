import { runToEnd } from '../training';
import { DEFAULT_ISOLATION_FOREST, isolationForestTraining, isolationScore, meanPathLength, type IsolationForest, type IsolationForestOptions } from './isolation-forest';
import { fitStandardiser, quantile, standardise, type Standardiser } from './standardise';

/**
 * The platform's TEP anomaly detector: an isolation forest and a z-score detector over per-tag features of
 * one run, both fitted on normal operation only.
 *
 * Four features per observation and tag, each standardised against its own spread in normal operation:
 * - the value, so step faults alarm at once;
 * - its rolling mean over the last `window` observations, which averages sampling noise away so small
 *   sustained shifts (drifts, random-variation faults) stand out;
 * - its rolling standard deviation over the same window, for faults that add variance but no shift
 *   (sticking valves, oscillations);
 * - its change since the previous *new* reading: one row for continuous tags, the hold period for the
 *   sampled-and-held analysers (a one-row difference of a held value is zero most of the time).
 */
export interface TepDetector {
  window: number;
  holdPeriods: number[];
  tagCount: number;
  standardiser: Standardiser;
  /** Normal spread of every derived feature (FEATURE_KINDS × tagCount, grouped by kind). */
  featureStandardiser: Standardiser;
  forest: IsolationForest;
  /** Divisors that make the two components comparable: 99th percentiles on the training runs until calibrated. */
  isolationScale: number;
  zScale: number;
  /** Alarm when the combined score exceeds this; set by `calibrateTepDetector`, +∞ until then. */
  threshold: number;
  /** The share of normal observations the threshold lets alarm; set by `calibrateTepDetector`. */
  falseAlarmRate?: number;
}

/** What turns a run into the detector's input features: the per-tag standardiser, the window and the hold periods. */
export type TepFeatureSpec = Pick<TepDetector, 'standardiser' | 'window' | 'holdPeriods'>;

export const FEATURE_KINDS = ['value', 'rolling_mean', 'rolling_std', 'difference'] as const;

export interface TepDetectorOptions {
  window: number;
  /** Rows each tag's reading is held for (1 for continuous tags); all 1 when omitted. */
  holdPeriods?: readonly number[];
  forest: IsolationForestOptions;
}

/** Braatz set: XMEAS 23–36 are held for 2 rows, XMEAS 37–41 for 5, everything else is new every row. */
export const TEP_HOLD_PERIODS: readonly number[] = Array.from({ length: 52 }, (_, k) => (k >= 22 && k <= 35 ? 2 : k >= 36 && k <= 40 ? 5 : 1));

/** A 10-row (30 min) window spans two updates of the slowest analyser. */
export const DEFAULT_TEP_DETECTOR: TepDetectorOptions = { window: 10, holdPeriods: TEP_HOLD_PERIODS, forest: DEFAULT_ISOLATION_FOREST };

export interface TepScores {
  isolation: Float64Array;
  zscore: Float64Array;
  /** max(isolation / its scale, z-score / its scale): an alarm from either detector is an alarm. */
  combined: Float64Array;
  /** contributions[r][k]: the sum of tag k's squared feature z-scores at row r — the z-score detector's terms. */
  contributions: number[][];
}

/**
 * Per row: the tag features in FEATURE_KINDS order, each kind a block of `tagCount` values, before the feature
 * standardiser. They need the run's history (rolling windows, lags), so they are computed here, not in ONNX.
 */
function rawFeatures(d: TepFeatureSpec, observations: readonly (readonly number[])[]): number[][] {
  const z = standardise(d.standardiser, observations);
  const width = z[0]?.length ?? 0;
  const sum = new Array<number>(width).fill(0);
  const sumSq = new Array<number>(width).fill(0);
  return z.map((row, r) => {
    const n = Math.min(r + 1, d.window);
    const out = new Array<number>(FEATURE_KINDS.length * width);
    for (let k = 0; k < width; k++) {
      const old = r >= d.window ? z[r - d.window][k] : 0;
      sum[k] += row[k] - old;
      sumSq[k] += row[k] * row[k] - old * old;
      const m = sum[k] / n;
      const lag = d.holdPeriods[k];
      out[k] = row[k];
      out[width + k] = m;
      out[2 * width + k] = Math.sqrt(Math.max(0, sumSq[k] / n - m * m));
      out[3 * width + k] = r >= lag ? row[k] - z[r - lag][k] : 0;
    }
    return out;
  });
}

/** The raw features as the ONNX model's float32 input: row-major, FEATURE_KINDS.length × tagCount per row. */
export function tepInputFeatures(d: TepFeatureSpec, observations: readonly (readonly number[])[]): Float32Array {
  const rows = rawFeatures(d, observations);
  const width = rows[0]?.length ?? 0;
  // Row by row, not flat(): flattening a long run's rows took most of a second.
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, r) => out.set(row, r * width));
  return out;
}

/**
 * The standardised features the forest and the z-score see: the float32 input standardised in float32 arithmetic,
 * exactly as the ONNX graph's Sub and Div do, so both put every row on the same side of every split (one ulp of
 * difference could send a row down another branch and change its path length by whole levels).
 */
export function tepFeatureRows(d: TepDetector, observations: readonly (readonly number[])[]): Float32Array {
  const width = d.featureStandardiser.mean.length;
  const mean = Float32Array.from(d.featureStandardiser.mean);
  const std = Float32Array.from(d.featureStandardiser.std);
  // fround rounds the difference, the Float32Array the quotient: a float64 result rounded once is the float32 result.
  return tepInputFeatures(d, observations).map((x, i) => Math.fround(x - mean[i % width]) / std[i % width]);
}

/** Where fitting, scoring or calibrating the detector is: yielded after every run's features, tree and chunk of scored rows. */
export interface TepDetectorProgress {
  step: 'features' | 'forest' | 'scoring';
  done: number;
  total: number;
}

/** Rows scored between two pauses: ≈ 40 ms of a 200-tree forest. */
const SCORING_CHUNK_ROWS = 100;

/** Fits the detector on one or more normal-operation training runs (each a list of observations in time order). */
export function fitTepDetector(normalRuns: readonly (readonly (readonly number[])[])[], opts: TepDetectorOptions = DEFAULT_TEP_DETECTOR): TepDetector {
  return runToEnd(tepDetectorFitting(normalRuns, opts));
}

/** The same fit, paused often (see runToEnd). */
export function* tepDetectorFitting(
  normalRuns: readonly (readonly (readonly number[])[])[],
  opts: TepDetectorOptions = DEFAULT_TEP_DETECTOR,
): Generator<TepDetectorProgress, TepDetector> {
  const standardiser = fitStandardiser(normalRuns.flat());
  const tagCount = standardiser.mean.length;
  const holdPeriods = [...(opts.holdPeriods ?? new Array<number>(tagCount).fill(1))];
  if (holdPeriods.length !== tagCount) throw new RangeError(`${holdPeriods.length} hold periods for ${tagCount} tags`);
  const partial = { standardiser, window: opts.window, holdPeriods };
  const raw: number[][] = [];
  for (const [i, run] of normalRuns.entries()) {
    for (const row of rawFeatures(partial, run)) raw.push(row);
    yield { step: 'features', done: i + 1, total: 2 * normalRuns.length };
  }
  const featureStandardiser = fitStandardiser(raw);
  const detector: TepDetector = {
    ...partial,
    tagCount,
    featureStandardiser,
    forest: { trees: [], featureCount: 0, subsample: 0 },
    isolationScale: 1,
    zScale: 1,
    threshold: Infinity,
  };
  const runRows: Float32Array[] = [];
  for (const [i, run] of normalRuns.entries()) {
    runRows.push(tepFeatureRows(detector, run));
    yield { step: 'features', done: normalRuns.length + i + 1, total: 2 * normalRuns.length };
  }
  const forest = isolationForestTraining(concat(runRows), FEATURE_KINDS.length * tagCount, opts.forest);
  for (let step = forest.next(); ; step = forest.next()) {
    if (step.done) {
      detector.forest = step.value;
      break;
    }
    yield { step: 'forest', done: step.value.trees, total: step.value.of };
  }
  const training: TepScores[] = [];
  for (const run of normalRuns) training.push(yield* tepRunScoring(detector, run));
  detector.isolationScale = quantile(concat(training.map((s) => s.isolation)), 0.99);
  detector.zScale = quantile(concat(training.map((s) => s.zscore)), 0.99);
  return detector;
}

export function scoreTepRun(d: TepDetector, observations: readonly (readonly number[])[]): TepScores {
  return runToEnd(tepRunScoring(d, observations));
}

/** The same scores, paused after every chunk of rows (see runToEnd). */
export function* tepRunScoring(d: TepDetector, observations: readonly (readonly number[])[]): Generator<TepDetectorProgress, TepScores> {
  const rows = tepFeatureRows(d, observations);
  const width = FEATURE_KINDS.length * d.tagCount;
  const isolation = new Float64Array(observations.length);
  for (let start = 0; start < observations.length; start += SCORING_CHUNK_ROWS) {
    const end = Math.min(observations.length, start + SCORING_CHUNK_ROWS);
    isolation.set(
      meanPathLength(d.forest, rows.subarray(start * width, end * width)).map((h) => isolationScore(d.forest, h)),
      start,
    );
    yield { step: 'scoring', done: end, total: observations.length };
  }
  const zscore = new Float64Array(observations.length);
  const contributions = Array.from({ length: observations.length }, (_, r) => {
    const c = new Array<number>(d.tagCount).fill(0);
    for (let f = 0; f < width; f++) c[f % d.tagCount] += rows[r * width + f] ** 2;
    zscore[r] = c.reduce((a, b) => a + b, 0) / width;
    return c;
  });
  const combined = isolation.map((s, r) => Math.max(s / d.isolationScale, zscore[r] / d.zScale));
  return { isolation, zscore, combined, contributions };
}

/**
 * Calibrates on normal runs so that a fraction `falseAlarmRate` of their observations alarm. Each component is
 * first rescaled by its own (1 − rate) quantile there, so both get the same share of the false-alarm budget:
 * with training-run scales the isolation score (which varies little) never reached the combined threshold.
 */
export function calibrateTepDetector(d: TepDetector, normalRuns: readonly (readonly (readonly number[])[])[], falseAlarmRate = 0.05): void {
  runToEnd(tepDetectorCalibration(d, normalRuns, falseAlarmRate));
}

/** The same calibration, paused often (see runToEnd). */
export function* tepDetectorCalibration(d: TepDetector, normalRuns: readonly (readonly (readonly number[])[])[], falseAlarmRate = 0.05): Generator<TepDetectorProgress, void> {
  const normal: TepScores[] = [];
  for (const run of normalRuns) normal.push(yield* tepRunScoring(d, run));
  d.isolationScale = quantile(concat(normal.map((s) => s.isolation)), 1 - falseAlarmRate);
  d.zScale = quantile(concat(normal.map((s) => s.zscore)), 1 - falseAlarmRate);
  const combined: Float64Array[] = [];
  for (const run of normalRuns) combined.push((yield* tepRunScoring(d, run)).combined);
  d.threshold = quantile(concat(combined), 1 - falseAlarmRate);
  d.falseAlarmRate = falseAlarmRate;
}

/** Indices of the `n` tags contributing most to row `r`'s score, largest first. */
export function topTags(contributions: readonly number[], n = 3): number[] {
  return contributions
    .map((c, k) => [c, k] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, n)
    .map(([, k]) => k);
}

function concat<T extends Float32Array | Float64Array>(parts: readonly T[]): T {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new (parts[0].constructor as new (n: number) => T)(total);
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0);
  return out;
}
