import { OnnxModelRejectedError, type OnnxModelMetadata } from './onnx';

/**
 * Feature drift by the population stability index (PSI). At training, each feature's values are cut into bins at
 * their deciles, separately for each class the model predicts (a plant's normal machine should look like the training
 * normals, not like the training mix of normals and faults); what the model later sees is counted into the bins of
 * the class it predicted. Per class and feature PSI = Σ (a − e) · ln(a / e) over the bins, a and e the observed and
 * training shares; a feature's drift is the mean over classes weighted by how many rows each got, and the drift of a
 * population is the median over features, so one noisy feature does not decide it. Usual reading: < 0.1 stable,
 * 0.1–0.25 a shift worth watching, > 0.25 a population the model was not trained on.
 */
export interface ClassDistribution {
  label: string;
  /** Training rows of the class. */
  samples: number;
  /** Per feature, the inner bin edges in ascending order: bin b holds values in (edges[b−1], edges[b]]. */
  edges: number[][];
  /** Per feature, the training share of each bin (edges.length + 1 of them). */
  expected: number[][];
}

export interface FeatureDistribution {
  features: string[];
  classes: ClassDistribution[];
}

/** Per class label, per feature, how many rows fell in each bin. */
export type DriftCounts = Record<string, number[][]>;

export interface FeatureDrift {
  feature: string;
  psi: number;
}

export interface Drift {
  /** Median over features of their PSI. */
  psi: number;
  samples: number;
  /** Every feature's PSI, largest first. */
  features: FeatureDrift[];
}

/** The metadata_props key holding a model's `FeatureDistribution` JSON, written at training. */
export const FEATURE_DISTRIBUTION_KEY = 'feature_distribution';
/** Deciles: resolution enough for a shift, few enough bins to fill from a day of data. */
export const DRIFT_BINS = 10;
/** A share no bin goes below, so an empty bin costs a large but finite term instead of an infinite one. */
const MIN_SHARE = 1e-4;

/** Bin of `value` among ascending inner `edges` (binary search). */
export function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Decile edges and shares of one class's training rows (row-major, `width` values each). */
function classDistribution(label: string, rows: ArrayLike<number>, width: number, bins: number): ClassDistribution {
  const count = Math.floor(rows.length / width);
  const column = new Float64Array(count);
  const edges: number[][] = [];
  for (let f = 0; f < width; f++) {
    for (let r = 0; r < count; r++) column[r] = rows[r * width + f];
    column.sort();
    // Tied quantiles (a feature that is often one value) collapse into one edge.
    const cut = new Set<number>();
    for (let b = 1; b < bins; b++) cut.add(column[Math.floor((b * count) / bins)]);
    edges.push([...cut].sort((a, b) => a - b));
  }
  const counts = emptyCounts(edges);
  for (let r = 0; r < count; r++) countRow(counts, edges, rows, r * width);
  return { label, samples: count, edges, expected: counts.map((c) => c.map((n) => n / count)) };
}

const emptyCounts = (edges: readonly (readonly number[])[]): number[][] => edges.map((e) => new Array<number>(e.length + 1).fill(0));

/** Counts the row starting at `at` (one value per feature) into the bins of `edges`. */
function countRow(counts: number[][], edges: readonly (readonly number[])[], rows: ArrayLike<number>, at: number): void {
  for (let f = 0; f < edges.length; f++) counts[f][binOf(edges[f], rows[at + f])]++;
}

/** The training distribution: per class (rows of that class, row-major, one value per feature), decile edges and shares. */
export function featureDistribution(features: readonly string[], classes: readonly { label: string; rows: ArrayLike<number> }[], bins = DRIFT_BINS): FeatureDistribution {
  const present = classes.filter((c) => c.rows.length >= features.length);
  if (present.length === 0) throw new RangeError('a feature distribution needs at least one training row');
  return { features: [...features], classes: present.map((c) => classDistribution(c.label, c.rows, features.length, bins)) };
}

/** Counts rows (row-major) into the bins of the class each was predicted as; rows of a class the model did not train on are left out. */
export function driftCounts(d: FeatureDistribution, rows: ArrayLike<number>, labelOf: (row: number) => string, into: DriftCounts = {}): DriftCounts {
  const width = d.features.length;
  const byLabel = new Map(d.classes.map((c) => [c.label, c]));
  for (let r = 0; (r + 1) * width <= rows.length; r++) {
    const c = byLabel.get(labelOf(r));
    if (!c) continue;
    countRow((into[c.label] ??= emptyCounts(c.edges)), c.edges, rows, r * width);
  }
  return into;
}

/** Adds `more` into `into`, bin by bin (both counted against one distribution). */
export function addDriftCounts(into: DriftCounts, more: DriftCounts): DriftCounts {
  for (const [label, counts] of Object.entries(more)) {
    const target = (into[label] ??= counts.map((bins) => bins.map(() => 0)));
    counts.forEach((bins, f) => bins.forEach((n, b) => (target[f][b] += n)));
  }
  return into;
}

/** PSI of counted shares (`total` rows) against training shares. */
function psi(expected: readonly number[], counts: readonly number[], total: number): number {
  let sum = 0;
  for (let b = 0; b < expected.length; b++) {
    const share = Math.max(MIN_SHARE, counts[b] / total);
    const trained = Math.max(MIN_SHARE, expected[b]);
    sum += (share - trained) * Math.log(share / trained);
  }
  return sum;
}

/** The drift of what was counted: per feature, PSI of each class weighted by its rows; overall, the median over features. */
export function driftOf(d: FeatureDistribution, counts: DriftCounts): Drift {
  // A class's rows are in every feature's bins once: the first feature's bins hold them all.
  const classes = d.classes.flatMap((c) => {
    const bins = counts[c.label];
    const rows = bins?.[0]?.reduce((a, b) => a + b, 0) ?? 0;
    return rows > 0 ? [{ c, bins, rows }] : [];
  });
  const samples = classes.reduce((n, x) => n + x.rows, 0);
  const perFeature = d.features.map((feature, f) => {
    let sum = 0;
    for (const { c, bins, rows } of classes) sum += (rows / samples) * psi(c.expected[f], bins[f], rows);
    return { feature, psi: sum };
  });
  const sorted = perFeature.map((x) => x.psi).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { psi: median, samples, features: perFeature.sort((a, b) => b.psi - a.psi) };
}

/** Parsed distributions by the metadata they came from: a served model's metadata is one object for its lifetime. */
const parsed = new WeakMap<Record<string, string>, FeatureDistribution | undefined>();

/** The model's training distribution from its metadata; undefined when it has none (its drift is then not measured). */
export function featureDistributionFromModel(metadata: Pick<OnnxModelMetadata, 'properties'>): FeatureDistribution | undefined {
  if (parsed.has(metadata.properties)) return parsed.get(metadata.properties);
  const d = parseFeatureDistribution(metadata.properties[FEATURE_DISTRIBUTION_KEY]);
  parsed.set(metadata.properties, d);
  return d;
}

function parseFeatureDistribution(raw: string | undefined): FeatureDistribution | undefined {
  if (raw === undefined) return undefined;
  const reject = (why: string) => new OnnxModelRejectedError('signature_mismatch', `metadata '${FEATURE_DISTRIBUTION_KEY}' ${why}`);
  let d: FeatureDistribution;
  try {
    d = JSON.parse(raw) as FeatureDistribution;
  } catch {
    throw reject('is not JSON');
  }
  const isNumbers = (xs: unknown): xs is number[] => Array.isArray(xs) && xs.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!d || !Array.isArray(d.features) || d.features.length === 0 || !d.features.every((f) => typeof f === 'string')) throw reject('needs feature names');
  if (!Array.isArray(d.classes) || d.classes.length === 0) throw reject('needs at least one class');
  for (const c of d.classes) {
    if (typeof c?.label !== 'string' || !(typeof c.samples === 'number' && c.samples > 0)) throw reject('needs a label and a training row count per class');
    if (!Array.isArray(c.edges) || c.edges.length !== d.features.length || !c.edges.every(isNumbers)) throw reject(`needs bin edges for every feature of class '${c.label}'`);
    if (c.edges.some((e) => e.some((x, i) => i > 0 && x <= e[i - 1]))) throw reject(`has bin edges out of order in class '${c.label}'`);
    if (!Array.isArray(c.expected) || c.expected.length !== d.features.length || !c.expected.every((s, f) => isNumbers(s) && s.length === c.edges[f].length + 1)) {
      throw reject(`needs a training share per bin of every feature of class '${c.label}'`);
    }
  }
  return d;
}

/** The distribution as the metadata entry a model carries. */
export const featureDistributionMetadata = (d: FeatureDistribution): Record<string, string> => ({ [FEATURE_DISTRIBUTION_KEY]: JSON.stringify(d) });
