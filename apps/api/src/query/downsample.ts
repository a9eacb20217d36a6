// Downsampling for charts: a few thousand points that still show every spike of a long series. One pass, O(n).

/**
 * Indices (ascending) of at most `points` samples that keep the envelope of a series: the series is cut into
 * ⌊points/2⌋ buckets of consecutive samples and each keeps its minimum and its maximum, in time order, so every peak
 * (the global minimum and maximum among them) survives. All indices when the series has no more than `points`.
 */
export function minMaxBucketIndices(values: ArrayLike<number>, points: number): Uint32Array {
  const n = values.length;
  if (n <= points) return allIndices(n);
  const buckets = Math.max(1, Math.floor(points / 2));
  const kept = new Uint32Array(2 * buckets);
  let count = 0;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      const v = values[i];
      if (v < values[low]) low = i;
      else if (v > values[high]) high = i;
    }
    if (low === high) kept[count++] = low;
    else if (low < high) {
      kept[count++] = low;
      kept[count++] = high;
    } else {
      kept[count++] = high;
      kept[count++] = low;
    }
  }
  return kept.slice(0, count);
}

/**
 * Indices (ascending) of at most `points` samples: the series is cut into `points` buckets and each keeps its
 * maximum. For a spectrum, where the peaks are what matters and the troughs are noise.
 */
export function maxBucketIndices(values: ArrayLike<number>, points: number): Uint32Array {
  const n = values.length;
  if (n <= points) return allIndices(n);
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

function allIndices(n: number): Uint32Array {
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return all;
}
