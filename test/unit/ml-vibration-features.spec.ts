import { InvalidInputError } from '@him/contracts';
import {
  cutWindows,
  estimateSamplingRateHz,
  planWindows,
  VIBRATION_FEATURE_COUNT,
  VIBRATION_FEATURE_NAMES,
  VIBRATION_ORDERS,
  VibrationFeatureName,
  vibrationFeatures,
} from '../../libs/ml/src';

const { PI, SQRT2, max, min, sin, sqrt } = Math;

type Named = Record<VibrationFeatureName, number>;

function features(window: ArrayLike<number>, samplingRateHz: number): Named {
  const values = vibrationFeatures(window, samplingRateHz);
  return Object.fromEntries(VIBRATION_FEATURE_NAMES.map((name, i) => [name, values[i]])) as Named;
}

/** `seconds` of `signal(t)` sampled at `samplingRateHz`. */
function sampled(samplingRateHz: number, seconds: number, signal: (t: number) => number): Float64Array {
  const samples = new Float64Array(Math.round(samplingRateHz * seconds));
  for (let i = 0; i < samples.length; i++) samples[i] = signal(i / samplingRateHz);
  return samples;
}

const sine =
  (hz: number, amplitude = 1, phase = 0) =>
  (t: number) =>
    amplitude * sin(2 * PI * hz * t + phase);

const HARMONIC_ORDERS = VIBRATION_ORDERS.filter((order) => order >= 2);
const orderName = (order: number, kind: 'amplitude' | 'rms_ratio') => `order_${String(order).replace('.', '_')}x_${kind}` as VibrationFeatureName;

describe('vibration feature vector', () => {
  it('has one documented name per value, with an amplitude and a ratio for every order', () => {
    expect(VIBRATION_FEATURE_COUNT).toBe(43);
    expect(new Set(VIBRATION_FEATURE_NAMES).size).toBe(VIBRATION_FEATURE_COUNT);
    expect(vibrationFeatures(sampled(1350, 1, sine(25)), 1350)).toHaveLength(VIBRATION_FEATURE_COUNT);
    for (const order of VIBRATION_ORDERS) {
      expect(VIBRATION_FEATURE_NAMES).toContain(orderName(order, 'amplitude'));
      expect(VIBRATION_FEATURE_NAMES).toContain(orderName(order, 'rms_ratio'));
    }
  });
});

describe('time-domain features (hand-computed; float32 output, so 5 decimals)', () => {
  it('[1, −1, 1, −1]: a square wave has RMS 1, crest 1, kurtosis 1, no skew', () => {
    const f = features([1, -1, 1, -1], 1350);
    expect(f.rms).toBeCloseTo(1, 6);
    expect(f.peak).toBe(1);
    expect(f.peak_to_peak).toBe(2);
    expect(f.crest_factor).toBeCloseTo(1, 6);
    expect(f.kurtosis).toBeCloseTo(1, 6);
    expect(f.skewness).toBeCloseTo(0, 6);
    expect(f.shape_factor).toBeCloseTo(1, 6);
    expect(f.impulse_factor).toBeCloseTo(1, 6);
    expect(f.clearance_factor).toBeCloseTo(1, 6);
  });

  // [0, 0, 0, 4]: mean 1, so x = [−1, −1, −1, 3]; Σx²/4 = 3, Σx³/4 = 6, Σx⁴/4 = 21, Σ|x|/4 = 1.5,
  // Σ√|x|/4 = (3 + √3)/4, whose square is (6 + 3√3)/8.
  const skewed = {
    rms: sqrt(3),
    peak: 3,
    peak_to_peak: 4,
    crest_factor: 3 / sqrt(3),
    kurtosis: 21 / 9,
    skewness: 6 / 3 ** 1.5, // = 2/√3
    shape_factor: sqrt(3) / 1.5,
    impulse_factor: 3 / 1.5,
    clearance_factor: 16 - 8 * sqrt(3), // = 3 · 8 / (6 + 3√3)
  };

  it('[0, 0, 0, 4]: one impact in a quiet window', () => {
    const f = features([0, 0, 0, 4], 1350);
    for (const [name, expected] of Object.entries(skewed)) expect([name, f[name as VibrationFeatureName]]).toEqual([name, expect.closeTo(expected, 5)]);
  });

  it('removes the mean first (a sensor offset is not vibration) and mirrors the skew for a negative impact', () => {
    const offset = features([7, 7, 7, 11], 1350);
    expect(offset.rms).toBeCloseTo(skewed.rms, 5);
    expect(offset.kurtosis).toBeCloseTo(skewed.kurtosis, 5);
    expect(offset.skewness).toBeCloseTo(skewed.skewness, 5);
    expect(features([0, 0, 0, -4], 1350).skewness).toBeCloseTo(-skewed.skewness, 5);
  });
});

describe('spectral features around the running speed', () => {
  // Tolerance for amplitudes: the Hann window's coherent gain (½) is divided out, so a sine reads its own
  // amplitude at a bin centre. Between bins the Hann main lobe loses up to 1.8 % at the 3× zero-padding used
  // for 1 s at 1.3–1.4 kHz (4096-point FFT); the parabolic peak fit recovers all but ~0.2 %. 1 % leaves margin.
  const AMPLITUDE_TOLERANCE = 0.01;

  it('a pure 25 Hz sine at 1,350 Hz: f1 = 25 Hz, 1× = its amplitude, no harmonics', () => {
    const amplitude = 0.7;
    const f = features(sampled(1350, 1, sine(25, amplitude, 0.3)), 1350);
    expect(Math.abs(f.running_speed_hz - 25)).toBeLessThan(0.1);
    expect(Math.abs(f.order_1x_amplitude / amplitude - 1)).toBeLessThan(AMPLITUDE_TOLERANCE);
    expect(f.order_1x_rms_ratio).toBeCloseTo(SQRT2, 2); // a sine's amplitude is √2 × its RMS
    for (const order of [0.5, 1.5, ...HARMONIC_ORDERS]) expect(f[orderName(order, 'amplitude')]).toBeLessThan(1e-3 * amplitude);
    expect(f.rms).toBeCloseTo(amplitude / SQRT2, 4);
    expect(f.crest_factor).toBeCloseTo(SQRT2, 3);
    expect(f.kurtosis).toBeCloseTo(1.5, 3);
    // Parseval through the window: total ≈ mean square = A²/2, all of it in the running-speed band.
    expect(f.spectral_energy).toBeCloseTo((amplitude * amplitude) / 2, 3);
    expect(f.band_running_speed_fraction).toBeGreaterThan(0.999);
  });

  it('tracks the speed wherever it drifts (±5 % around 25 Hz) and whatever the rate', () => {
    for (const samplingRateHz of [1300, 1337, 1400]) {
      for (const speedHz of [23.75, 24.4, 25.3, 26.25]) {
        const f = features(sampled(samplingRateHz, 1, sine(speedHz, 1, 1)), samplingRateHz);
        expect([samplingRateHz, speedHz, f.running_speed_hz]).toEqual([samplingRateHz, speedHz, expect.closeTo(speedHz, 1)]);
        expect(Math.abs(f.order_1x_amplitude - 1)).toBeLessThan(AMPLITUDE_TOLERANCE);
      }
    }
  });

  it('24 Hz with a 3rd harmonic at 30 %: f1 = 24 Hz and 3× as built', () => {
    const f = features(
      sampled(1350, 1, (t) => sine(24)(t) + sine(72, 0.3, 1)(t)),
      1350,
    );
    expect(Math.abs(f.running_speed_hz - 24)).toBeLessThan(0.1);
    expect(Math.abs(f.order_1x_amplitude - 1)).toBeLessThan(AMPLITUDE_TOLERANCE);
    expect(Math.abs(f.order_3x_amplitude / 0.3 - 1)).toBeLessThan(AMPLITUDE_TOLERANCE);
    // RMS of two sines = √((1² + 0.3²)/2).
    const rms = sqrt((1 + 0.09) / 2);
    expect(f.rms).toBeCloseTo(rms, 3);
    expect(Math.abs(f.order_3x_rms_ratio / (0.3 / rms) - 1)).toBeLessThan(AMPLITUDE_TOLERANCE);
    expect(f.order_2x_amplitude).toBeLessThan(1e-3);
    expect(f.band_harmonic_fraction).toBeCloseTo(0.09 / 1.09, 2);
  });

  it('gives the same features at 1,300 and 1,400 Hz (same physical second of the same machine)', () => {
    // Every order present, plus a 400 Hz frame tone for the high band; speed 25.6 Hz falls between bins at both rates.
    const machine = (t: number) =>
      [0.05, 0.35, 0.04, 0.09, 0.07, 0.06, 0.05, 0.045, 0.04, 0.035, 0.03, 0.025].reduce(
        (sum, amplitude, j) => sum + amplitude * sin(2 * PI * VIBRATION_ORDERS[j] * 25.6 * t + 0.7 * j),
        0.02 * sin(2 * PI * 400 * t),
      );
    const slow = vibrationFeatures(sampled(1300, 1, machine), 1300);
    const fast = vibrationFeatures(sampled(1400, 1, machine), 1400);
    const disagreements = VIBRATION_FEATURE_NAMES.filter((name, i) => {
      // Spectral values agree to ~0.1 %; peak values depend on where samples land on the crests (≈2 % here).
      const tolerance = /peak|factor/.test(name) ? 0.03 : 0.01;
      return Math.abs(slow[i] - fast[i]) > tolerance * max(Math.abs(slow[i]), Math.abs(fast[i]));
    });
    expect(disagreements).toEqual([]);
  });

  it('a clipped sine (support hitting its stops) grows harmonics, and its crest and kurtosis fall', () => {
    const clean = sampled(1350, 1, sine(25));
    const clipped = clean.map((v) => max(-0.5, min(0.5, v)));
    const truncated = clean.map((v) => min(0.5, v));
    const c = features(clean, 1350);
    const s = features(clipped, 1350);
    const t = features(truncated, 1350);
    expect(s.band_harmonic_fraction).toBeGreaterThan(1000 * c.band_harmonic_fraction);
    // Symmetric clipping: odd harmonics only (a trapezoid's 3× is ≈ 0.31 of its RMS), flatter, no skew.
    expect(s.order_3x_rms_ratio).toBeGreaterThan(0.25);
    expect(s.order_2x_rms_ratio).toBeLessThan(1e-3);
    expect(s.crest_factor).toBeLessThan(c.crest_factor);
    expect(s.kurtosis).toBeLessThan(c.kurtosis);
    expect(Math.abs(s.skewness)).toBeLessThan(1e-3);
    // One-sided truncation (looseness): even harmonics too, and the waveform leans to the uncut side.
    expect(t.order_2x_rms_ratio).toBeGreaterThan(0.2);
    expect(t.skewness).toBeLessThan(-0.2);
    expect(t.crest_factor).toBeGreaterThan(c.crest_factor);
  });

  it('impacts once per revolution raise crest factor and kurtosis', () => {
    const samplingRateHz = 1350;
    const clean = sampled(samplingRateHz, 1, sine(25, 0.3));
    const impacted = clean.map((v, i) => (i % 54 === 10 ? v + 1.5 : v)); // 54 samples = one revolution at 25 Hz
    const c = features(clean, samplingRateHz);
    const k = features(impacted, samplingRateHz);
    expect(k.crest_factor).toBeGreaterThan(2 * c.crest_factor);
    expect(k.kurtosis).toBeGreaterThan(3);
    expect(k.band_high_frequency_fraction).toBeGreaterThan(c.band_high_frequency_fraction);
  });
});

describe('robustness and determinism', () => {
  const everyFinite = (values: Float32Array) => values.every((v) => Number.isFinite(v));

  it('a constant (or silent) window gives finite features: zeros and the nominal speed', () => {
    for (const constant of [new Float64Array(1350).fill(3.2), new Float64Array(1350), [-5, -5, -5]]) {
      const values = vibrationFeatures(constant, 1350);
      expect(everyFinite(values)).toBe(true);
      expect(features(constant, 1350)).toEqual({ ...zeros(), running_speed_hz: 25 });
    }
  });

  it('stays finite at any scale; gain-free features do not change with scale', () => {
    const base = sampled(1350, 1, (t) => sine(25)(t) + sine(75, 0.2)(t));
    const reference = features(base, 1350);
    for (const scale of [1e-300, 1e-30, 1e30, 1e300]) {
      const scaledWindow = base.map((v) => v * scale + 5 * scale);
      expect(everyFinite(vibrationFeatures(scaledWindow, 1350))).toBe(true);
      const f = features(scaledWindow, 1350);
      for (const name of ['crest_factor', 'kurtosis', 'running_speed_hz', 'order_3x_rms_ratio', 'band_harmonic_fraction'] as const) {
        expect([scale, name, f[name]]).toEqual([scale, name, expect.closeTo(reference[name], 4)]);
      }
    }
    expect(everyFinite(vibrationFeatures([0, 0, 1e308, 0, -1e308], 1350))).toBe(true);
  });

  it('refuses NaN, infinite samples and windows that cannot vibrate', () => {
    expect(() => vibrationFeatures([0, 1, NaN, 1], 1350)).toThrow(InvalidInputError);
    expect(() => vibrationFeatures([NaN, NaN], 1350)).toThrow(InvalidInputError);
    expect(() => vibrationFeatures([0, Infinity, 0], 1350)).toThrow(InvalidInputError);
    expect(() => vibrationFeatures([1], 1350)).toThrow(InvalidInputError);
    expect(() => vibrationFeatures([1, 2, 3], 0)).toThrow(InvalidInputError);
  });

  it('is deterministic: the same window gives the same bits, whatever came before', () => {
    const window = sampled(1337, 1, (t) => sine(25.3)(t) + sine(50.6, 0.1)(t));
    const first = vibrationFeatures(window, 1337);
    vibrationFeatures(sampled(1400, 1, sine(24)), 1400); // another window length in between
    expect(vibrationFeatures(Array.from(window), 1337)).toEqual(first);
  });
});

describe('windowing by duration', () => {
  const samplingRateHz = 1337;
  const recording = sampled(samplingRateHz, 140, sine(25)); // 187,180 samples

  it('cuts 140 s at 1,337 Hz into 140 one-second windows', () => {
    const windows = cutWindows(recording, samplingRateHz);
    expect(windows).toHaveLength(140);
    expect(windows.every((w) => w.complete && w.samples.length === 1337)).toBe(true);
    expect(windows[1]).toMatchObject({ index: 1, startSample: 1337, endSample: 2674, startSeconds: 1, endSeconds: 2 });
    expect(windows[139].endSample).toBe(recording.length);
    expect(windows[5].samples[0]).toBe(recording[5 * 1337]); // a view on the signal, not a copy
  });

  it('overlaps with a hop, rounding each start from its exact time so no drift accumulates', () => {
    const windows = planWindows(recording.length, samplingRateHz, { hopSeconds: 0.5 });
    expect(windows).toHaveLength(279); // starts 0, 0.5, …, 139 s
    expect(windows[3]).toMatchObject({ startSample: 2006, endSample: 3343 }); // round(1.5 × 1337) = 2006
    expect(windows[278]).toMatchObject({ startSample: 185843, endSample: recording.length, startSeconds: 139 });
  });

  it('skips a short tail by default, or flags it', () => {
    const length = Math.round(2.5 * samplingRateHz);
    expect(planWindows(length, samplingRateHz)).toHaveLength(2);
    const flagged = planWindows(length, samplingRateHz, { partial: 'flag', startTimeSeconds: 30 });
    expect(flagged.map((w) => w.complete)).toEqual([true, true, false]);
    expect(flagged[2]).toMatchObject({ startSample: 2674, endSample: length, startSeconds: 32 });
    expect(flagged[2].endSeconds).toBeCloseTo(32.5, 3);
  });

  it('keeps windows the same length in time at every sensor rate', () => {
    // Sensor rates come to 0.01 Hz; a 140 s recording holds ⌈140 · rate⌉ samples, as the generator writes it.
    for (const rate of [1300, 1347.29, 1399.99]) {
      const windows = planWindows(Math.ceil(140 * rate), rate, { durationSeconds: 2 });
      expect(windows).toHaveLength(70);
      // Lengths are whole samples: within half a sample (< 0.4 ms) of 2 s.
      for (const w of windows) expect(Math.abs(w.endSeconds - w.startSeconds - 2)).toBeLessThanOrEqual(0.5 / rate);
    }
  });

  it('refuses windows that cannot be cut', () => {
    expect(() => planWindows(1000, 0)).toThrow(InvalidInputError);
    expect(() => planWindows(1000, 1350, { durationSeconds: -1 })).toThrow(InvalidInputError);
    expect(() => planWindows(1000, 1350, { hopSeconds: 0 })).toThrow(InvalidInputError);
    expect(() => planWindows(1000, 1350, { durationSeconds: 0.0001 })).toThrow(InvalidInputError);
  });
});

describe('sampling rate from a Time column', () => {
  it('sees through the 1 µs rounding of 6-decimal time stamps (a single step is off by up to 0.13 %)', () => {
    const rate = 1347.29;
    const time = Array.from({ length: 5000 }, (_, i) => Number((i / rate).toFixed(6)));
    expect(estimateSamplingRateHz(time)).toBeCloseTo(rate, 2);
  });

  it('ignores a few dropped samples that would bias a mean step', () => {
    const time = Array.from({ length: 1000 }, (_, i) => (i < 500 ? i : i + 40) / 1300);
    expect(estimateSamplingRateHz(time)).toBeCloseTo(1300, 6);
  });

  it('takes the median of an even number of steps between its two middle steps', () => {
    // Steps 1.3, 1, 1.1, 1, 1.3, 1: median (1 + 1.1) / 2 = 1.05, so 1, 1, 1 and 1.1 are within ±10 % of it.
    expect(estimateSamplingRateHz([0, 1.3, 2.3, 3.4, 4.4, 5.7, 6.7])).toBeCloseTo(4 / 4.1, 12);
  });

  it('refuses too few or non-increasing time stamps', () => {
    expect(() => estimateSamplingRateHz([0.5])).toThrow(InvalidInputError);
    expect(() => estimateSamplingRateHz([1, 1, 1])).toThrow(InvalidInputError);
    expect(() => estimateSamplingRateHz([3, 2, 1])).toThrow(InvalidInputError);
  });
});

function zeros(): Named {
  return Object.fromEntries(VIBRATION_FEATURE_NAMES.map((name) => [name, 0])) as Named;
}
