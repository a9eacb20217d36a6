import { symmetricEigen } from './eigen';
import { fitStandardiser, quantile, standardise, type Standardiser } from './standardise';

/** The classic PCA monitor: Hotelling T² in the principal subspace and SPE (Q) in the residual. */
export interface PcaMonitor {
  standardiser: Standardiser;
  /** loadings[i]: the i-th retained principal direction (unit length, one weight per tag). */
  loadings: number[][];
  /** Variance of the normal scores along each retained direction. */
  variances: number[];
  explained: number;
  /**
   * T² and SPE are divided by their 99th percentiles on the training run and the alarm fires when the larger
   * exceeds `threshold`: one number then sets the false-alarm rate of the OR rule (+∞ until calibrated).
   */
  t2Scale: number;
  speScale: number;
  threshold: number;
}

export interface PcaStatistics {
  t2: Float64Array;
  spe: Float64Array;
  /** residuals[r][k]²: tag k's share of row r's SPE — what names the tags behind an alarm. */
  residuals: number[][];
  /** max(T² / t2Scale, SPE / speScale). */
  combined: Float64Array;
}

/** Keeps the fewest components explaining at least `explainedVariance` of the standardised variance. */
export function fitPcaMonitor(normal: readonly (readonly number[])[], explainedVariance = 0.9): PcaMonitor {
  const standardiser = fitStandardiser(normal);
  const z = standardise(standardiser, normal);
  const width = z[0].length;
  const cov = Array.from({ length: width }, () => new Array<number>(width).fill(0));
  for (const row of z) for (let i = 0; i < width; i++) for (let j = 0; j <= i; j++) cov[i][j] += (row[i] * row[j]) / (z.length - 1);
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) cov[j][i] = cov[i][j];
  const { values, vectors } = symmetricEigen(cov);
  const total = values.reduce((a, b) => a + b, 0);
  let kept = 0;
  let sum = 0;
  while (kept < width && sum < explainedVariance * total) sum += values[kept++];
  const monitor: PcaMonitor = {
    standardiser,
    loadings: vectors.slice(0, kept),
    variances: values.slice(0, kept),
    explained: sum / total,
    t2Scale: 1,
    speScale: 1,
    threshold: Infinity,
  };
  const training = pcaStatistics(monitor, normal);
  monitor.t2Scale = quantile(training.t2, 0.99);
  monitor.speScale = quantile(training.spe, 0.99);
  return monitor;
}

export function pcaStatistics(m: PcaMonitor, rows: readonly (readonly number[])[]): PcaStatistics {
  const t2 = new Float64Array(rows.length);
  const spe = new Float64Array(rows.length);
  const residuals = standardise(m.standardiser, rows).map((z, r) => {
    const residual = [...z];
    m.loadings.forEach((p, i) => {
      const score = p.reduce((s, w, k) => s + w * z[k], 0);
      t2[r] += (score * score) / m.variances[i];
      for (let k = 0; k < p.length; k++) residual[k] -= score * p[k];
    });
    spe[r] = residual.reduce((s, e) => s + e * e, 0);
    return residual;
  });
  const combined = t2.map((t, r) => Math.max(t / m.t2Scale, spe[r] / m.speScale));
  return { t2, spe, residuals, combined };
}

/** Sets the threshold so that a fraction `falseAlarmRate` of these normal observations alarm on T² or SPE. */
export function calibratePcaMonitor(m: PcaMonitor, normal: readonly (readonly number[])[], falseAlarmRate = 0.05): void {
  m.threshold = quantile(pcaStatistics(m, normal).combined, 1 - falseAlarmRate);
}
