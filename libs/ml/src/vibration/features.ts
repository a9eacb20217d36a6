// Features of one vibration window for the fault classifier (0 normal, 1 unbalance, 2 looseness, 3 both).
// Sensors differ in sampling rate (1.3–1.4 kHz) and gain, and the shaft speed drifts ±5 % around 25 Hz, so
// spectral features are read at orders of the running speed estimated from the window itself, and each
// amplitude also comes as a ratio to the RMS (gain-free). The same input always gives the same vector.
import FFT from 'fft.js';
import { InvalidInputError } from '@him/contracts';

/** Motor nominal speed (1,500 RPM): the running speed reported for a window with no vibration at all. */
export const NOMINAL_RUNNING_SPEED_HZ = 25;
/** Where the running speed is searched for: far wider than the ±5 % drift, yet clear of 0.5× and 2× at nominal speed. */
export const RUNNING_SPEED_SEARCH_HZ: readonly [number, number] = [15, 40];
/** Orders of the running speed whose amplitudes are features: half-orders betray looseness, 1× unbalance. */
export const VIBRATION_ORDERS = [0.5, 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
/** An order's amplitude is the largest peak within ±3 % of k·f1: the speed drifts within a window too. */
export const ORDER_TOLERANCE = 0.03;
/** Band edges as multiples of f1: sub-synchronous | running speed | harmonics (1.25–10.5×) | high frequency. */
export const BAND_EDGES_ORDERS = [0.75, 1.25, 10.5] as const;

/**
 * Order of the values returned by {@link vibrationFeatures}. All time-domain values are of the mean-removed
 * window x (N samples); "amplitude" values are in signal units (a sine of amplitude A reads A).
 */
export const VIBRATION_FEATURE_NAMES = [
  // Time domain.
  'rms', // √(Σx²/N)
  'peak', // max |x|
  'peak_to_peak', // max x − min x
  'crest_factor', // peak / rms
  'kurtosis', // (Σx⁴/N) / (Σx²/N)² — Pearson's, not excess: 3 for Gaussian noise, 1.5 for a sine
  'skewness', // (Σx³/N) / (Σx²/N)^1.5
  'shape_factor', // rms / (Σ|x|/N)
  'impulse_factor', // peak / (Σ|x|/N)
  'clearance_factor', // peak / (Σ√|x|/N)²
  // Running speed f1 (Hz) estimated from the spectrum.
  'running_speed_hz',
  // Amplitude at each order k·f1 (signal units).
  'order_0_5x_amplitude',
  'order_1x_amplitude',
  'order_1_5x_amplitude',
  'order_2x_amplitude',
  'order_3x_amplitude',
  'order_4x_amplitude',
  'order_5x_amplitude',
  'order_6x_amplitude',
  'order_7x_amplitude',
  'order_8x_amplitude',
  'order_9x_amplitude',
  'order_10x_amplitude',
  // The same amplitudes divided by the RMS: independent of sensor gain.
  'order_0_5x_rms_ratio',
  'order_1x_rms_ratio',
  'order_1_5x_rms_ratio',
  'order_2x_rms_ratio',
  'order_3x_rms_ratio',
  'order_4x_rms_ratio',
  'order_5x_rms_ratio',
  'order_6x_rms_ratio',
  'order_7x_rms_ratio',
  'order_8x_rms_ratio',
  'order_9x_rms_ratio',
  'order_10x_rms_ratio',
  // Mean-square energy (signal units²) per band: [0, 0.75·f1), [0.75·f1, 1.25·f1), [1.25·f1, 10.5·f1), [10.5·f1, Nyquist].
  'band_subsynchronous_energy',
  'band_running_speed_energy',
  'band_harmonic_energy',
  'band_high_frequency_energy',
  // Each band's share of the total: independent of sensor gain.
  'band_subsynchronous_fraction',
  'band_running_speed_fraction',
  'band_harmonic_fraction',
  'band_high_frequency_fraction',
  // Total over the spectrum; ≈ rms² (Parseval), read through the Hann window.
  'spectral_energy',
] as const;

export type VibrationFeatureName = (typeof VIBRATION_FEATURE_NAMES)[number];
export const VIBRATION_FEATURE_COUNT = VIBRATION_FEATURE_NAMES.length;
const RUNNING_SPEED_INDEX = VIBRATION_FEATURE_NAMES.indexOf('running_speed_hz');

const FLOAT32_MAX = 3.4028234663852886e38;
const { PI, ceil, cos, floor, max, min, sqrt } = Math;

/**
 * Buffers for one window length: the Hann window and the zero-padded FFT. Kept for the last length
 * only: a sweep feeds thousands of windows of one sensor in a row, and one entry bounds the memory.
 */
interface SpectrumPlan {
  windowLength: number;
  fftSize: number;
  fft: FFT;
  hann: Float64Array;
  /** Σw: a sine of amplitude A peaks at A·Σw/2 in the DFT (coherent gain). */
  hannSum: number;
  /** Σw²: noise and leakage spread power by this much (for energies). */
  hannSquareSum: number;
  /** Zero beyond `windowLength`, always: only the first samples are ever written. */
  input: Float64Array;
  output: Float64Array;
  /** Single-sided magnitude |X_k| for k = 0…fftSize/2. */
  magnitude: Float64Array;
}

let lastPlan: SpectrumPlan | undefined;

function spectrumPlan(windowLength: number): SpectrumPlan {
  if (lastPlan?.windowLength === windowLength) return lastPlan;
  lastPlan = buildSpectrumPlan(windowLength, lastPlan);
  return lastPlan;
}

/** A plan for windows of this length; `previous` lends its FFT and buffers when the FFT size is the same. */
function buildSpectrumPlan(windowLength: number, previous?: SpectrumPlan): SpectrumPlan {
  // Zero-padding to ≥ 2N halves the bin spacing, so an order falls at most ¼ of a natural bin from a bin centre.
  let fftSize = 4;
  while (fftSize < 2 * windowLength) fftSize *= 2;
  const hann = new Float64Array(windowLength);
  let hannSum = 0;
  let hannSquareSum = 0;
  for (let i = 0; i < windowLength; i++) {
    // Periodic Hann: the standard analysis window, coherent gain ½.
    const w = 0.5 - 0.5 * cos((2 * PI * i) / windowLength);
    hann[i] = w;
    hannSum += w;
    hannSquareSum += w * w;
  }
  // Captures at slightly different rates cut windows a few samples apart, whose FFT has the same size: building the
  // FFT's tables cost more than a capture's windows.
  if (previous?.fftSize === fftSize) {
    previous.input.fill(0, windowLength);
    return { ...previous, windowLength, hann, hannSum, hannSquareSum };
  }
  return {
    windowLength,
    fftSize,
    fft: new FFT(fftSize),
    hann,
    hannSum,
    hannSquareSum,
    input: new Float64Array(fftSize),
    output: new Float64Array(2 * fftSize),
    magnitude: new Float64Array(fftSize / 2 + 1),
  };
}

/**
 * The feature vector of one window, in the order of {@link VIBRATION_FEATURE_NAMES}. Finite for any finite
 * input: a window without vibration (constant) has no ratios to take and gives zeros with f1 = the nominal
 * speed; any other window has positive denominators, kept far from underflow by the x / max|x| scaling.
 * Throws {@link InvalidInputError} for NaN/∞ samples or fewer than 2 samples.
 */
export function vibrationFeatures(window: ArrayLike<number>, samplingRateHz: number): Float32Array {
  const n = window.length;
  if (!(samplingRateHz > 0) || !Number.isFinite(samplingRateHz)) {
    throw new InvalidInputError('sampling rate must be a positive finite number', [{ field: 'sampling_rate_hz', message: String(samplingRateHz) }]);
  }
  // How long a window must be to diagnose anything is the caller's call (see windowing); fewer than 2 samples cannot vibrate.
  if (n < 2) {
    throw new InvalidInputError('a vibration window needs at least 2 samples', [{ field: 'value', message: `${n} given` }]);
  }
  const features = new Float32Array(VIBRATION_FEATURE_COUNT);

  // Work on x / max|x|: moments up to x⁴ and energies can then neither overflow nor underflow,
  // whatever the units; absolute values are scaled back at the end.
  let scale = 0;
  let finite = true;
  for (let i = 0; i < n; i++) {
    const v = window[i];
    const a = v < 0 ? -v : v;
    if (a > scale) scale = a;
    else if (!(a <= scale)) finite = false; // NaN
  }
  if (!finite || !Number.isFinite(scale)) {
    throw new InvalidInputError('a vibration window must hold finite numbers only', [{ field: 'value', message: 'NaN or infinite sample' }]);
  }
  if (scale === 0) return silentWindowFeatures(features);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += window[i] / scale;
  const mean = sum / n;

  const plan = spectrumPlan(n);
  const { hann, input } = plan;
  let high = -Infinity;
  let low = Infinity;
  let sumSquares = 0;
  let sumCubes = 0;
  let sumFourth = 0;
  let sumAbs = 0;
  let sumSqrtAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = window[i] / scale - mean;
    const x2 = x * x;
    const a = x < 0 ? -x : x;
    if (x > high) high = x;
    if (x < low) low = x;
    sumSquares += x2;
    sumCubes += x2 * x;
    sumFourth += x2 * x2;
    sumAbs += a;
    sumSqrtAbs += sqrt(a);
    input[i] = x * hann[i];
  }
  const peak = max(high, -low);
  // A constant window is exactly 0 here: its samples all divide to ±1 and their sum is exact.
  if (peak === 0) return silentWindowFeatures(features);
  const meanSquare = sumSquares / n;
  const rms = sqrt(meanSquare);
  const meanAbs = sumAbs / n;
  const meanSqrtAbs = sumSqrtAbs / n;

  const spectrum = normalisedSpectrum(plan, samplingRateHz);
  const runningSpeedHz = estimateRunningSpeedHz(spectrum);

  let f = 0;
  features[f++] = toFloat32(rms * scale);
  features[f++] = toFloat32(peak * scale);
  features[f++] = toFloat32((high - low) * scale);
  features[f++] = peak / rms;
  features[f++] = sumFourth / n / (meanSquare * meanSquare);
  features[f++] = sumCubes / n / (meanSquare * rms);
  features[f++] = rms / meanAbs;
  features[f++] = peak / meanAbs;
  features[f++] = peak / (meanSqrtAbs * meanSqrtAbs);
  features[f++] = runningSpeedHz;
  const orderAmplitudes = VIBRATION_ORDERS.map((order) => orderAmplitude(spectrum, order * runningSpeedHz));
  for (const amplitude of orderAmplitudes) features[f++] = toFloat32(amplitude * scale);
  for (const amplitude of orderAmplitudes) features[f++] = amplitude / rms;
  const bands = bandEnergies(spectrum, runningSpeedHz);
  const totalEnergy = bands.reduce((total, energy) => total + energy, 0);
  for (const energy of bands) features[f++] = toFloat32(energy * scale * scale);
  for (const energy of bands) features[f++] = totalEnergy > 0 ? energy / totalEnergy : 0;
  features[f++] = toFloat32(totalEnergy * scale * scale);
  return features;
}

/** No vibration, hence no running speed to see: report the nominal speed and zeros everywhere else. */
function silentWindowFeatures(features: Float32Array): Float32Array {
  features[RUNNING_SPEED_INDEX] = NOMINAL_RUNNING_SPEED_HZ;
  return features;
}

/** The windowed, zero-padded spectrum of a non-constant window, as magnitudes on a known frequency grid. */
interface Spectrum {
  /** |X_k|, k = 0…fftSize/2. */
  magnitude: Float64Array;
  binHz: number;
  /** Multiplies |X_k| to give a sine's amplitude in signal units (undoes the Hann coherent gain of ½). */
  amplitudeScale: number;
  /** Multiplies |X_k|² to give that bin's share of the mean square (one-sided; undoes Σw² and the padding). */
  energyScale: number;
}

function normalisedSpectrum(plan: SpectrumPlan, samplingRateHz: number): Spectrum {
  const { fft, input, output, magnitude, fftSize } = plan;
  fft.realTransform(output, input);
  for (let k = 0; k < magnitude.length; k++) {
    const re = output[2 * k];
    const im = output[2 * k + 1];
    magnitude[k] = sqrt(re * re + im * im);
  }
  return {
    magnitude,
    binHz: samplingRateHz / fftSize,
    amplitudeScale: 2 / plan.hannSum,
    energyScale: 2 / (fftSize * plan.hannSquareSum),
  };
}

/**
 * f1: the largest peak in {@link RUNNING_SPEED_SEARCH_HZ}, refined between bins by a parabola through the
 * peak bin and its neighbours (good to a few hundredths of a bin with Hann and 2× padding).
 */
function estimateRunningSpeedHz({ magnitude, binHz }: Spectrum): number {
  const last = magnitude.length - 2; // keep a right neighbour for the parabola
  const from = max(1, ceil(RUNNING_SPEED_SEARCH_HZ[0] / binHz));
  const to = min(last, floor(RUNNING_SPEED_SEARCH_HZ[1] / binHz));
  if (from > to) return NOMINAL_RUNNING_SPEED_HZ;
  let best = from;
  for (let k = from + 1; k <= to; k++) if (magnitude[k] > magnitude[best]) best = k;
  if (magnitude[best] === 0) return NOMINAL_RUNNING_SPEED_HZ;
  return (best + parabolicOffset(magnitude[best - 1], magnitude[best], magnitude[best + 1])) * binHz;
}

/** Vertex of the parabola through (−1, left), (0, centre), (1, right), in bins; 0 unless centre is a peak. */
function parabolicOffset(left: number, centre: number, right: number): number {
  const curvature = left - 2 * centre + right;
  if (!(curvature < 0) || centre < left || centre < right) return 0;
  return (0.5 * (left - right)) / curvature;
}

/** Amplitude (normalised signal units) of the largest peak within ±ORDER_TOLERANCE of `hz`; 0 past Nyquist. */
function orderAmplitude({ magnitude, binHz, amplitudeScale }: Spectrum, hz: number): number {
  const halfWidth = max(ORDER_TOLERANCE * hz, binHz);
  const from = max(1, ceil((hz - halfWidth) / binHz));
  const to = min(magnitude.length - 2, floor((hz + halfWidth) / binHz));
  if (from > to) return 0;
  let best = from;
  for (let k = from + 1; k <= to; k++) if (magnitude[k] > magnitude[best]) best = k;
  const left = magnitude[best - 1];
  const centre = magnitude[best];
  const right = magnitude[best + 1];
  // The parabola's height at its vertex recovers most of the loss when the order falls between bins.
  const offset = parabolicOffset(left, centre, right);
  return (centre - 0.25 * (left - right) * offset) * amplitudeScale;
}

/** Mean-square energy (normalised units²) in the four bands of {@link BAND_EDGES_ORDERS}. */
function bandEnergies({ magnitude, binHz, energyScale }: Spectrum, runningSpeedHz: number): number[] {
  const nyquist = magnitude.length - 1;
  const edges = [0, ...BAND_EDGES_ORDERS.map((order) => min(nyquist + 1, ceil((order * runningSpeedHz) / binHz))), nyquist + 1];
  const energies: number[] = [];
  for (let band = 0; band < edges.length - 1; band++) {
    let energy = 0;
    for (let k = edges[band]; k < edges[band + 1]; k++) {
      const power = magnitude[k] * magnitude[k];
      // DC and Nyquist appear once in a two-sided spectrum, every other bin twice (energyScale has the 2).
      energy += k === 0 || k === nyquist ? 0.5 * power : power;
    }
    energies.push(energy * energyScale);
  }
  return energies;
}

/** Absolute values go out as float32: saturate rather than overflow to ∞ for absurdly large inputs. */
function toFloat32(value: number): number {
  return value > FLOAT32_MAX ? FLOAT32_MAX : value;
}

/** A running-speed harmonic k·f1 and the largest amplitude within ±{@link ORDER_TOLERANCE} of it. */
export interface SpectrumHarmonic {
  order: number;
  frequencyHz: number;
  amplitude: number;
}

/** The amplitude spectrum of a whole signal, read as the features read a window. */
export interface AmplitudeSpectrum {
  binHz: number;
  /** Amplitude per bin k = 0…fftSize/2 (frequency k·binHz), in signal units: a sine of amplitude A peaks near A. */
  amplitudes: Float64Array;
  runningSpeedHz: number;
  harmonics: SpectrumHarmonic[];
}

/** The harmonics 1×…10× marked on a spectrum. */
export const SPECTRUM_HARMONIC_ORDERS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * The Hann-windowed, zero-padded amplitude spectrum of a signal (mean removed), with the running speed estimated and
 * its harmonics measured exactly as {@link vibrationFeatures} does for a window. For viewing a whole capture: its FFT
 * buffers are not kept, unlike a window's. A signal without vibration gives zeros and the nominal speed.
 */
export function amplitudeSpectrum(signal: ArrayLike<number>, samplingRateHz: number, orders: readonly number[] = SPECTRUM_HARMONIC_ORDERS): AmplitudeSpectrum {
  const n = signal.length;
  if (!(samplingRateHz > 0) || !Number.isFinite(samplingRateHz)) {
    throw new InvalidInputError('sampling rate must be a positive finite number', [{ field: 'sampling_rate_hz', message: String(samplingRateHz) }]);
  }
  if (n < 2) throw new InvalidInputError('a spectrum needs at least 2 samples', [{ field: 'value', message: `${n} given` }]);
  const plan = buildSpectrumPlan(n);
  let scale = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(signal[i]);
    if (!Number.isFinite(a)) throw new InvalidInputError('a signal must hold finite numbers only', [{ field: 'value', message: 'NaN or infinite sample' }]);
    if (a > scale) scale = a;
    sum += signal[i];
  }
  const binHz = samplingRateHz / plan.fftSize;
  if (scale === 0) {
    const harmonics = orders.map((order) => ({ order, frequencyHz: order * NOMINAL_RUNNING_SPEED_HZ, amplitude: 0 }));
    return { binHz, amplitudes: new Float64Array(plan.magnitude.length), runningSpeedHz: NOMINAL_RUNNING_SPEED_HZ, harmonics };
  }
  // Scaled to max|x| = 1 as for the features, so squares of huge or tiny values stay finite.
  const mean = sum / n / scale;
  for (let i = 0; i < n; i++) plan.input[i] = (signal[i] / scale - mean) * plan.hann[i];
  const spectrum = normalisedSpectrum(plan, samplingRateHz);
  const runningSpeedHz = estimateRunningSpeedHz(spectrum);
  const amplitudes = new Float64Array(spectrum.magnitude.length);
  for (let k = 0; k < amplitudes.length; k++) amplitudes[k] = spectrum.magnitude[k] * spectrum.amplitudeScale * scale;
  const harmonics = orders.map((order) => ({ order, frequencyHz: order * runningSpeedHz, amplitude: orderAmplitude(spectrum, order * runningSpeedHz) * scale }));
  return { binHz, amplitudes, runningSpeedHz, harmonics };
}
