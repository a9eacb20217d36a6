// Windows are cut by physical duration, not by sample count: sensors sample at 1.3–1.4 kHz each, and a
// classifier sees the same number of shaft revolutions per window only if every window spans the same time.
import quickselect from 'quickselect';
import { InvalidInputError } from '@him/contracts';

export const DEFAULT_WINDOW_SECONDS = 1;

export interface WindowingOptions {
  /** Length of each window in seconds (default 1 s ≈ 25 revolutions at 1,500 RPM). */
  durationSeconds?: number;
  /** Time between window starts; defaults to the duration (no overlap). Half the duration gives 50 % overlap. */
  hopSeconds?: number;
  /** Time of sample 0 on the recording's clock, so window times line up with the `Time` column. */
  startTimeSeconds?: number;
  /**
   * The tail of a signal is shorter than a window. `skip` (default) drops it; `flag` returns it with
   * `complete: false` so a caller can report it without feeding a short window to the classifier.
   */
  partial?: 'skip' | 'flag';
}

export interface VibrationWindow {
  index: number;
  /** First sample of the window. */
  startSample: number;
  /** One past the last sample. */
  endSample: number;
  startSeconds: number;
  /** End of the span the window covers: the time of `endSample`, not of the last sample. */
  endSeconds: number;
  /** False for a tail shorter than the duration (only returned with `partial: 'flag'`). */
  complete: boolean;
}

export interface VibrationWindowSamples extends VibrationWindow {
  /** A view into the signal (no copy when the signal is a Float64Array). */
  samples: Float64Array;
}

/** Samples in one window of `durationSeconds` at this rate: the nearest whole number. */
export function windowSampleCount(durationSeconds: number, samplingRateHz: number): number {
  return Math.round(durationSeconds * samplingRateHz);
}

/** Where the windows of a signal of `sampleCount` samples fall, without touching the samples. */
export function planWindows(sampleCount: number, samplingRateHz: number, options: WindowingOptions = {}): VibrationWindow[] {
  const durationSeconds = options.durationSeconds ?? DEFAULT_WINDOW_SECONDS;
  const hopSeconds = options.hopSeconds ?? durationSeconds;
  const startTimeSeconds = options.startTimeSeconds ?? 0;
  requirePositive('sampling_rate_hz', samplingRateHz);
  requirePositive('duration_seconds', durationSeconds);
  requirePositive('hop_seconds', hopSeconds);
  if (!Number.isInteger(sampleCount) || sampleCount < 0) {
    throw new InvalidInputError('sample count must be a non-negative integer', [{ field: 'sample_count', message: String(sampleCount) }]);
  }
  const length = windowSampleCount(durationSeconds, samplingRateHz);
  if (length < 2) {
    throw new InvalidInputError(`a ${durationSeconds} s window at ${samplingRateHz} Hz holds fewer than 2 samples`, [
      { field: 'duration_seconds', message: 'too short for the sampling rate' },
    ]);
  }
  const windows: VibrationWindow[] = [];
  // Each start is rounded from its exact time, so rounding never accumulates over a 140 s recording.
  for (let index = 0; ; index++) {
    const startSample = Math.round(index * hopSeconds * samplingRateHz);
    if (startSample >= sampleCount) break;
    const complete = startSample + length <= sampleCount;
    if (!complete && options.partial !== 'flag') break;
    const endSample = Math.min(startSample + length, sampleCount);
    windows.push({
      index,
      startSample,
      endSample,
      startSeconds: startTimeSeconds + startSample / samplingRateHz,
      endSeconds: startTimeSeconds + endSample / samplingRateHz,
      complete,
    });
  }
  return windows;
}

/** Cuts one channel into windows of equal duration; see {@link planWindows}. */
export function cutWindows(signal: Float64Array | readonly number[], samplingRateHz: number, options: WindowingOptions = {}): VibrationWindowSamples[] {
  const samples = signal instanceof Float64Array ? signal : Float64Array.from(signal);
  return planWindows(samples.length, samplingRateHz, options).map((window) => ({
    ...window,
    samples: samples.subarray(window.startSample, window.endSample),
  }));
}

/**
 * Sampling rate from a `Time` column. The median step is robust to the odd dropped sample or clock glitch
 * that would bias a plain mean; but files print time with 6 decimals, so each step is rounded to 1 µs
 * (≈0.13 % of a step at 1.35 kHz). Averaging the steps within ±10 % of the median keeps the robustness and
 * averages the rounding away.
 */
export function estimateSamplingRateHz(time: ArrayLike<number>): number {
  if (time.length < 2) {
    throw new InvalidInputError('at least 2 time stamps are needed to estimate a sampling rate', [{ field: 'time', message: `${time.length} given` }]);
  }
  const steps = new Float64Array(time.length - 1);
  for (let i = 1; i < time.length; i++) steps[i - 1] = time[i] - time[i - 1];
  const medianStep = median(steps);
  if (!(medianStep > 0) || !Number.isFinite(1 / medianStep)) {
    throw new InvalidInputError('time stamps must increase to give a sampling rate', [{ field: 'time', message: `median step ${medianStep} s` }]);
  }
  let regularSum = 0;
  let regularCount = 0;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (step >= 0.9 * medianStep && step <= 1.1 * medianStep) {
      regularSum += step;
      regularCount++;
    }
  }
  return regularCount / regularSum;
}

/**
 * The median of `values` (reordered in place), by selection rather than a sort: a sweep takes the median step of
 * every capture, and sorting them was a third of its feature threads' time.
 */
function median(values: Float64Array): number {
  const middle = values.length >> 1;
  quickselect(values, middle, 0, values.length - 1, (a, b) => a - b);
  if (values.length % 2 === 1) return values[middle];
  // Selection leaves the smaller half before the middle: its largest is the lower middle value.
  let lower = values[0];
  for (let i = 1; i < middle; i++) if (values[i] > lower) lower = values[i];
  return (lower + values[middle]) / 2;
}

function requirePositive(field: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new InvalidInputError(`${field} must be a positive finite number`, [{ field, message: String(value) }]);
  }
}
