// Local aliases: gaussians are drawn per sample, and in a vm sandbox (jest) every global lookup is ~15× slower.
const { sqrt, log, sin, cos, PI } = Math;

/** Anything a user may pass as a seed; it is hashed to 32 bits. */
export type Seed = string | number;

/**
 * Hashes a seed and labels (e.g. `42, 'recording', 1, 2`) to 32 bits. Every random stream is named this way,
 * so adding a stream somewhere never shifts the numbers of another.
 */
export function hashSeed(...parts: readonly Seed[]): number {
  const text = parts.join('\u001f');
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/** sfc32 (a small, fast generator that passes PractRand) with Box–Muller gaussians. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareGaussian: number | null = null;

  constructor(...parts: readonly Seed[]) {
    // splitmix32 spreads the 32-bit hash over sfc32's 128-bit state.
    let s = hashSeed(...parts);
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal (mean 0, standard deviation 1). */
  gaussian(): number {
    if (this.spareGaussian !== null) {
      const spare = this.spareGaussian;
      this.spareGaussian = null;
      return spare;
    }
    const radius = sqrt(-2 * log(1 - this.next()));
    const angle = 2 * PI * this.next();
    this.spareGaussian = radius * sin(angle);
    return radius * cos(angle);
  }
}
