// What the sweep computes per live capture before the classifier runs: the capture cut into the model's windows and
// their features. Pure, so it runs the same on the main thread and in the feature threads (capture-threads.ts).
import { InvalidInputError } from '@him/contracts';
import { windowFeatures } from './classifier';
import { cutWindows, estimateSamplingRateHz, windowSampleCount } from './windowing';

/** A capture's samples: times in seconds on its own clock, and values. */
export interface CaptureSignal {
  time: Float64Array;
  value: Float64Array;
}

export interface CaptureWindows {
  /** From the samples' own times; undefined when there are too few or they do not increase (nothing to diagnose). */
  samplingRateHz: number | undefined;
  windows: { startSeconds: number; endSeconds: number }[];
  /** Row-major, VIBRATION_FEATURE_COUNT per window. */
  features: Float32Array;
  /** The capture's end on its clock: its first sample's time plus its samples' span. */
  endSeconds: number;
}

export function captureWindows({ time, value }: CaptureSignal, windowSeconds: number): CaptureWindows {
  // The rate from the samples' own times: the capture's stored rate is rounded to whole hertz, which over a 10 s
  // capture moves the last window's end by several samples.
  const rate = samplingRate(time);
  if (rate === undefined) return { samplingRateHz: undefined, windows: [], features: new Float32Array(0), endSeconds: time[0] ?? 0 };
  const length = windowSampleCount(windowSeconds, rate);
  // A sensor sends ceil(seconds × rate) samples while a window holds round(rate): the last window of a whole-second
  // capture may lack one sample, and is still a full window's span.
  const windows = cutWindows(value, rate, { durationSeconds: windowSeconds, startTimeSeconds: time[0], partial: 'flag' }).filter((w) => w.samples.length >= length - 1);
  return {
    samplingRateHz: rate,
    windows: windows.map((w) => ({ startSeconds: w.startSeconds, endSeconds: w.endSeconds })),
    features: windowFeatures(windows, rate),
    endSeconds: time[0] + value.length / rate,
  };
}

function samplingRate(time: Float64Array): number | undefined {
  try {
    return estimateSamplingRateHz(time);
  } catch (err) {
    if (err instanceof InvalidInputError) return undefined;
    throw err;
  }
}
