// Downsampling for charts: a few thousand points that still show every spike of a long series.
import type { EnvelopeBucket } from '@him/db';

/** Buckets a series longer than `points` is cut into: two points each. */
export const envelopeBucketCount = (points: number): number => Math.max(1, Math.floor(points / 2));

/**
 * The chart of a long series from its buckets (as the database aggregates them): each bucket's minimum and maximum, so
 * every peak survives exactly, placed at the bucket's first and last sample time. Which comes first follows the
 * bucket's trend — a rising bucket draws min → max, a falling one max → min — so the line keeps the signal's direction.
 * A bucket of one sample gives it once. Times never decrease, since buckets do not overlap.
 */
export function envelopePoints(buckets: readonly EnvelopeBucket[]): { time: number[]; value: number[] } {
  const time: number[] = [];
  const value: number[] = [];
  for (const b of buckets) {
    if (b.count === 1) {
      time.push(b.firstTime);
      value.push(b.min);
      continue;
    }
    time.push(b.firstTime, b.lastTime);
    if (b.trend < 0) value.push(b.max, b.min);
    else value.push(b.min, b.max);
  }
  return { time, value };
}

/**
 * Indices (ascending) of at most `points` samples: the series is cut into `points` buckets and each keeps its
 * maximum. For a spectrum, where the peaks are what matters and the troughs are noise.
 */
export function maxBucketIndices(values: ArrayLike<number>, points: number): Uint32Array {
  const n = values.length;
  if (n <= points) return Uint32Array.from({ length: n }, (_, i) => i);
  const kept = new Uint32Array(points);
  for (let b = 0; b < points; b++) {
    const start = Math.floor((b * n) / points);
    const end = Math.floor(((b + 1) * n) / points);
    let high = start;
    for (let i = start + 1; i < end; i++) if (values[i] > values[high]) high = i;
    kept[b] = high;
  }
  return kept;
}

/** The values at these indices, as a plain array for JSON. */
export function pick(values: ArrayLike<number>, indices: Uint32Array): number[] {
  return Array.from(indices, (i) => values[i]);
}
