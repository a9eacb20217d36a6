import { runToEnd } from '../training';
import { isolationForestTraining, isolationScore, meanPathLength, type IsolationForest, type IsolationForestOptions } from './isolation-forest';
import { fitStandardiser, quantile, type Standardiser } from './standardise';

/**
 * The platform's TEP anomaly detector, fitted on normal operation only: three detectors over per-tag features of one
 * run — the z-score (mean squared standardised feature), the peak (largest |standardised feature|) and an isolation
 * forest — and an alarm when any of them, each scaled by its own quantile on normal data, exceeds the threshold.
 *
 * Six features per observation and tag, each standardised against its own spread in normal operation:
 * - the value, so step faults alarm at once;
 * - its change since the previous *new* reading: one row for continuous tags, the hold period for the
 *   sampled-and-held analysers (a one-row difference of a held value is zero most of the time);
 * - its rolling mean and standard deviation over the last `shortWindow` observations (30 min): the mean averages
 *   sampling noise away so small sustained shifts stand out, the deviation catches faults that add variance but no
 *   shift (sticking valves, oscillations);
 * - the same over the last `window` observations (1.5 h), for slow drifts and small shifts the controllers
 *   almost compensate (IDV 5's condenser cooling water flow, IDV 21's frozen valve) and random-variation faults.
 *
 * A rolling window that reaches back before a run's first observation counts the missing rows as normal ones: at the
 * normal mean (0 once standardised) and, for the deviation, with the tag's normal within-window variance. So a run's
 * (or a lot's) first observations look neither more nor less anomalous than normal operation instead of alarming on
 * a two-row standard deviation. Features of row r depend on rows r − window + 1 … r only (and r − hold period):
 * scoring from any point with `window` earlier observations gives exactly the whole-run features.
 *
 * The peak is what catches one tag's strong shift: a mean over 312 squared features dilutes it.
 */
export interface TepDetector {
  /** The long rolling window (observations). Also the history a row's features need: `window` earlier observations
   *  (and at least the longest hold period) make a row's features what scoring the whole run gives. */
  window: number;
  /** The short rolling window (observations); at most `window`. */
  shortWindow: number;
  holdPeriods: number[];
  tagCount: number;
  standardiser: Standardiser;
  /** Per tag, its mean population variance within a full short / long window in normal operation (standardised
   *  units): what a window's rows before the start of a run count for. */
  windowVariance: { short: number[]; long: number[] };
  /** Normal spread of every derived feature (FEATURE_KINDS × tagCount, grouped by kind). */
  featureStandardiser: Standardiser;
  forest: IsolationForest;
  /** Divisors that make the three components comparable: 99th percentiles on the training runs until calibrated. */
  isolationScale: number;
  zScale: number;
  peakScale: number;
  /** Alarm when the combined score exceeds this; set by `calibrateTepDetector`, +∞ until then. */
  threshold: number;
  /** The share of normal observations the threshold lets alarm; set by `calibrateTepDetector`. */
  falseAlarmRate?: number;
}

/** What turns a run into the detector's input features: the per-tag standardiser, the windows and the hold periods. */
export type TepFeatureSpec = Pick<TepDetector, 'standardiser' | 'window' | 'shortWindow' | 'holdPeriods' | 'windowVariance'>;

export const FEATURE_KINDS = ['value', 'rolling_mean', 'rolling_std', 'difference', 'long_rolling_mean', 'long_rolling_std'] as const;

export interface TepDetectorOptions {
  /** The long rolling window, and so the history a row's features need. */
  window: number;
  /** The short rolling window, at most `window`. */
  shortWindow: number;
  /** Rows each tag's reading is held for (1 for continuous tags); all 1 when omitted. */
  holdPeriods?: readonly number[];
  forest: IsolationForestOptions;
}

/** Braatz set: XMEAS 23–36 are held for 2 rows, XMEAS 37–41 for 5, everything else is new every row. */
export const TEP_HOLD_PERIODS: readonly number[] = Array.from({ length: 52 }, (_, k) => (k >= 22 && k <= 35 ? 2 : k >= 36 && k <= 40 ? 5 : 1));

/**
 * A 10-row (30 min) short window spans two updates of the slowest analyser, a 30-row (1.5 h) long one six; the
 * long window was chosen on the training fault files dNN.dat (20 and 30 rows detected best there, 40–60 less,
 * IDV 16 above all). The isolation forest adds no detection beside the z-score and the peak (same rates with or
 * without it), so it is kept small: 50 trees, a quarter of the scoring cost of the 200 it had.
 */
export const DEFAULT_TEP_DETECTOR: TepDetectorOptions = {
  window: 30,
  shortWindow: 10,
  holdPeriods: TEP_HOLD_PERIODS,
  forest: { trees: 50, subsample: 256, seed: 1 },
};

export interface TepScores {
  isolation: Float64Array;
  zscore: Float64Array;
  /** The largest |standardised feature| of the row. */
  peak: Float64Array;
  /** max(isolation, z-score, peak, each divided by its scale): an alarm from any detector is an alarm. */
  combined: Float64Array;
  /** contributions[r][k]: the sum of tag k's squared feature z-scores at row r — the z-score detector's terms. */
  contributions: number[][];
}

/** A run standardised as `standardise` does it: row-major, `tags` values per row. */
function standardisedRows(s: Standardiser, observations: readonly (readonly number[])[]): Float64Array {
  const tags = s.mean.length;
  const out = new Float64Array(observations.length * tags);
  observations.forEach((o, r) => {
    for (let k = 0; k < tags; k++) out[r * tags + k] = (o[k] - s.mean[k]) / s.std[k];
  });
  return out;
}

/**
 * Per row r and tag, the sums of the standardised values and of their squares over the `w` rows up to r (fewer at the
 * run's start), row-major like `z`. Every window is summed afresh, oldest row first: its sums depend on its rows only,
 * so a stretch of a run scored with `window` rows of history before it gets bit for bit the whole-run features
 * (running sums would carry rounding from the run's first row).
 */
function windowSums(z: Float64Array, tags: number, w: number): [sums: Float64Array, squares: Float64Array] {
  const sums = new Float64Array(z.length);
  const squares = new Float64Array(z.length);
  for (let at = 0; at < z.length; at += tags) {
    for (let q = Math.max(0, at - (w - 1) * tags); q <= at; q += tags) {
      for (let k = 0; k < tags; k++) {
        sums[at + k] += z[q + k];
        squares[at + k] += z[q + k] * z[q + k];
      }
    }
  }
  return [sums, squares];
}

/**
 * The same sums over the long window `w`, assembled from the short window's (`s` rows): ⌊w/s⌋ consecutive short
 * windows ending at r, r − s, …, then the remaining w mod s rows one by one. Still a fixed function of the window's
 * rows (so as exact between a stretch and the whole run), at a fraction of the cost of summing w rows for every row.
 */
function longWindowSums(z: Float64Array, tags: number, s: number, short: [Float64Array, Float64Array], w: number): [sums: Float64Array, squares: Float64Array] {
  const [shortSums, shortSquares] = short;
  const sums = new Float64Array(z.length);
  const squares = new Float64Array(z.length);
  const blocks = Math.floor(w / s);
  for (let at = 0; at < z.length; at += tags) {
    for (let j = 0, q = at; j < blocks && q >= 0; j++, q -= s * tags) {
      for (let k = 0; k < tags; k++) {
        sums[at + k] += shortSums[q + k];
        squares[at + k] += shortSquares[q + k];
      }
    }
    for (let q = at - blocks * s * tags; q > at - w * tags && q >= 0; q -= tags) {
      for (let k = 0; k < tags; k++) {
        sums[at + k] += z[q + k];
        squares[at + k] += z[q + k] * z[q + k];
      }
    }
  }
  return [sums, squares];
}

/**
 * A tag's rolling standard deviation from its window's sums (`w` rows, `n` of them in the run; the mean is sum / w).
 * The window's rows before the run's start count as normal ones: value 0 (the normal mean) and within-window variance
 * `v0`. Standardised values are small enough that Σx² − (Σx)²/n loses nothing that matters to a float32 feature.
 */
function windowStd(sum: number, sq: number, n: number, w: number, v0: number): number {
  const ss = Math.max(0, sq - (sum * sum) / n);
  return Math.sqrt(n === w ? ss / w : (ss + (w - n) * v0) / w);
}

/**
 * Row-major into `out`, per row: the tag features in FEATURE_KINDS order, each kind a block of `tagCount` values,
 * before the feature standardiser. They need the run's history (rolling windows, lags), so they are computed here,
 * not in ONNX.
 */
function rawFeatures<T extends Float32Array | Float64Array>(d: TepFeatureSpec, observations: readonly (readonly number[])[], out: T): T {
  const tags = d.holdPeriods.length;
  const width = FEATURE_KINDS.length * tags;
  const z = standardisedRows(d.standardiser, observations);
  const short = windowSums(z, tags, d.shortWindow);
  const [longSums, longSquares] = longWindowSums(z, tags, d.shortWindow, short, d.window);
  const [shortSums, shortSquares] = short;
  for (let r = 0; r < observations.length; r++) {
    const shortRows = Math.min(r + 1, d.shortWindow);
    const longRows = Math.min(r + 1, d.window);
    for (let k = 0; k < tags; k++) {
      const i = r * tags + k;
      const at = r * width + k;
      const lag = d.holdPeriods[k];
      out[at] = z[i];
      out[at + tags] = shortSums[i] / d.shortWindow;
      out[at + 2 * tags] = windowStd(shortSums[i], shortSquares[i], shortRows, d.shortWindow, d.windowVariance.short[k]);
      out[at + 3 * tags] = r >= lag ? z[i] - z[i - lag * tags] : 0;
      out[at + 4 * tags] = longSums[i] / d.window;
      out[at + 5 * tags] = windowStd(longSums[i], longSquares[i], longRows, d.window, d.windowVariance.long[k]);
    }
  }
  return out;
}

/**
 * Per tag, the mean population variance of its standardised values within every full `w`-row window of the runs:
 * what a window's missing rows at a run's start count for.
 */
function meanWindowVariance(s: Standardiser, runs: readonly (readonly (readonly number[])[])[], w: number): number[] {
  const tags = s.mean.length;
  const total = new Array<number>(tags).fill(0);
  let windows = 0;
  for (const run of runs) {
    if (run.length < w) continue;
    windows += run.length - w + 1;
    const [sums, squares] = windowSums(standardisedRows(s, run), tags, w);
    for (let r = w - 1; r < run.length; r++) {
      for (let k = 0; k < tags; k++) total[k] += windowStd(sums[r * tags + k], squares[r * tags + k], w, w, 0) ** 2;
    }
  }
  if (windows === 0) throw new RangeError(`fitting needs a normal run of at least ${w} observations (the rolling window)`);
  return total.map((t) => t / windows);
}

/** The raw features as the ONNX model's float32 input: row-major, FEATURE_KINDS.length × tagCount per row. */
export function tepInputFeatures(d: TepFeatureSpec, observations: readonly (readonly number[])[]): Float32Array {
  return rawFeatures(d, observations, new Float32Array(observations.length * FEATURE_KINDS.length * d.holdPeriods.length));
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

/** Rows scored between two pauses: ≈ 10 ms of features, a 50-tree forest and the z-score and peak. */
const SCORING_CHUNK_ROWS = 500;

/** Fits the detector on one or more normal-operation training runs (each a list of observations in time order). */
export function fitTepDetector(normalRuns: readonly (readonly (readonly number[])[])[], opts: TepDetectorOptions = DEFAULT_TEP_DETECTOR): TepDetector {
  return runToEnd(tepDetectorFitting(normalRuns, opts));
}

/** The same fit, paused often (see runToEnd). */
export function* tepDetectorFitting(
  normalRuns: readonly (readonly (readonly number[])[])[],
  opts: TepDetectorOptions = DEFAULT_TEP_DETECTOR,
): Generator<TepDetectorProgress, TepDetector> {
  const { window, shortWindow } = opts;
  if (!Number.isInteger(shortWindow) || !Number.isInteger(window) || shortWindow < 1 || shortWindow > window) {
    throw new RangeError(`the windows must be whole numbers with 1 ≤ shortWindow (${shortWindow}) ≤ window (${window})`);
  }
  const standardiser = fitStandardiser(normalRuns.flat());
  const tagCount = standardiser.mean.length;
  const holdPeriods = [...(opts.holdPeriods ?? new Array<number>(tagCount).fill(1))];
  if (holdPeriods.length !== tagCount) throw new RangeError(`${holdPeriods.length} hold periods for ${tagCount} tags`);
  const windowVariance = { short: meanWindowVariance(standardiser, normalRuns, shortWindow), long: meanWindowVariance(standardiser, normalRuns, window) };
  const spec: TepFeatureSpec = { standardiser, window, shortWindow, holdPeriods, windowVariance };
  const width = FEATURE_KINDS.length * tagCount;
  const raw: number[][] = [];
  for (const [i, run] of normalRuns.entries()) {
    const features = rawFeatures(spec, run, new Float64Array(run.length * width));
    for (let r = 0; r < run.length; r++) raw.push(Array.from(features.subarray(r * width, (r + 1) * width)));
    yield { step: 'features', done: i + 1, total: 2 * normalRuns.length };
  }
  const featureStandardiser = fitStandardiser(raw);
  const detector: TepDetector = {
    window,
    shortWindow,
    holdPeriods,
    tagCount,
    standardiser,
    windowVariance,
    featureStandardiser,
    forest: { trees: [], featureCount: 0, subsample: 0 },
    isolationScale: 1,
    zScale: 1,
    peakScale: 1,
    threshold: Infinity,
  };
  const runRows: Float32Array[] = [];
  for (const [i, run] of normalRuns.entries()) {
    runRows.push(tepFeatureRows(detector, run));
    yield { step: 'features', done: normalRuns.length + i + 1, total: 2 * normalRuns.length };
  }
  const forest = isolationForestTraining(concat(runRows), width, opts.forest);
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
  detector.peakScale = quantile(concat(training.map((s) => s.peak)), 0.99);
  return detector;
}

export function scoreTepRun(d: TepDetector, observations: readonly (readonly number[])[]): TepScores {
  return runToEnd(tepRunScoring(d, observations));
}

/**
 * The same scores, paused after every chunk of rows (see runToEnd). Each chunk's features are computed from the chunk
 * and the `window` rows before it: bit for bit the whole run's, however long the run.
 */
export function* tepRunScoring(d: TepDetector, observations: readonly (readonly number[])[]): Generator<TepDetectorProgress, TepScores> {
  const width = FEATURE_KINDS.length * d.tagCount;
  const history = Math.max(d.window, ...d.holdPeriods);
  const isolation = new Float64Array(observations.length);
  const zscore = new Float64Array(observations.length);
  const peak = new Float64Array(observations.length);
  const contributions: number[][] = [];
  for (let start = 0; start < observations.length; start += SCORING_CHUNK_ROWS) {
    const end = Math.min(observations.length, start + SCORING_CHUNK_ROWS);
    const from = Math.max(0, start - history);
    const rows = tepFeatureRows(d, observations.slice(from, end)).subarray((start - from) * width);
    isolation.set(
      meanPathLength(d.forest, rows).map((h) => isolationScore(d.forest, h)),
      start,
    );
    for (let r = start; r < end; r++) {
      const c = new Array<number>(d.tagCount).fill(0);
      let top = 0;
      for (let f = 0; f < width; f++) {
        const x = rows[(r - start) * width + f];
        c[f % d.tagCount] += x * x;
        top = Math.max(top, Math.abs(x));
      }
      zscore[r] = c.reduce((a, b) => a + b, 0) / width;
      peak[r] = top;
      contributions.push(c);
    }
    yield { step: 'scoring', done: end, total: observations.length };
  }
  return { isolation, zscore, peak, combined: combine(d, isolation, zscore, peak), contributions };
}

/** The combined score: each component divided by its scale, the largest of them. */
function combine(d: Pick<TepDetector, 'isolationScale' | 'zScale' | 'peakScale'>, isolation: Float64Array, zscore: Float64Array, peak: Float64Array): Float64Array {
  return isolation.map((s, r) => Math.max(s / d.isolationScale, zscore[r] / d.zScale, peak[r] / d.peakScale));
}

/**
 * Calibrates on normal runs so that a fraction `falseAlarmRate` of their observations alarm. Each component is
 * first rescaled by its own (1 − rate) quantile there, so all get the same share of the false-alarm budget:
 * with training-run scales the isolation score (which varies little) never reached the combined threshold.
 */
export function calibrateTepDetector(d: TepDetector, normalRuns: readonly (readonly (readonly number[])[])[], falseAlarmRate = 0.05): void {
  runToEnd(tepDetectorCalibration(d, normalRuns, falseAlarmRate));
}

/** The same calibration, paused often (see runToEnd). */
export function* tepDetectorCalibration(d: TepDetector, normalRuns: readonly (readonly (readonly number[])[])[], falseAlarmRate = 0.05): Generator<TepDetectorProgress, void> {
  const normal: TepScores[] = [];
  for (const run of normalRuns) normal.push(yield* tepRunScoring(d, run));
  const isolation = concat(normal.map((s) => s.isolation));
  const zscore = concat(normal.map((s) => s.zscore));
  const peak = concat(normal.map((s) => s.peak));
  d.isolationScale = quantile(isolation, 1 - falseAlarmRate);
  d.zScale = quantile(zscore, 1 - falseAlarmRate);
  d.peakScale = quantile(peak, 1 - falseAlarmRate);
  // What scoring the runs again would give: the combined score depends on the scales only.
  d.threshold = quantile(combine(d, isolation, zscore, peak), 1 - falseAlarmRate);
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
