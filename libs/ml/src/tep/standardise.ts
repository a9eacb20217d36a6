/** Per-tag mean and standard deviation of normal operation; every TEP statistic is measured against these. */
export interface Standardiser {
  mean: number[];
  std: number[];
}

/** A tag that never moved in normal operation would divide by zero; this floor keeps it finite. */
const MIN_STD = 1e-9;

export function fitStandardiser(rows: readonly (readonly number[])[]): Standardiser {
  if (rows.length < 2) throw new RangeError('standardisation needs at least two observations');
  const width = rows[0].length;
  const mean = new Array<number>(width).fill(0);
  for (const row of rows) for (let k = 0; k < width; k++) mean[k] += row[k] / rows.length;
  const std = mean.map((m, k) => Math.max(MIN_STD, Math.sqrt(rows.reduce((s, row) => s + (row[k] - m) ** 2, 0) / (rows.length - 1))));
  return { mean, std };
}

export function standardise(s: Standardiser, rows: readonly (readonly number[])[]): number[][] {
  return rows.map((row) => row.map((x, k) => (x - s.mean[k]) / s.std[k]));
}

/** The value below which a fraction `q` of `values` lie (linear interpolation between order statistics). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError('the quantile of no values is undefined');
  const sorted = Float64Array.from(values).sort();
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}
