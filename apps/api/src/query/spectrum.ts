// The amplitude spectrum a capture's chart shows, with its running-speed harmonics.
import { amplitudeSpectrum } from '@him/ml';
import type { SpectrumDto } from './captures.dto';
import { maxBucketIndices, pick } from './downsample';

/**
 * Samples a spectrum is computed from: 2^16, ~48 s at the rigs' 1.3–1.4 kHz (bins of ~0.01 Hz after the 2× zero-padding,
 * far finer than a 1,000-point chart shows). The FFT of a whole 190 k-sample capture (524,288 points) took ~100 ms.
 */
export const SPECTRUM_MAX_SAMPLES = 65_536;

/**
 * The spectrum of the capture's middle SPECTRUM_MAX_SAMPLES samples (all of a shorter one), cut to `points` keeping
 * each bucket's maximum. A capture is taken at steady state, so its middle stands for the whole.
 */
export function captureSpectrum(values: Float64Array, samplingRateHz: number, points: number): SpectrumDto {
  const start = Math.max(0, Math.floor((values.length - SPECTRUM_MAX_SAMPLES) / 2));
  const spectrum = amplitudeSpectrum(values.subarray(start, start + SPECTRUM_MAX_SAMPLES), samplingRateHz);
  const kept = maxBucketIndices(spectrum.amplitudes, points);
  return {
    bin_hz: spectrum.binHz,
    running_speed_hz: spectrum.runningSpeedHz,
    frequency_hz: Array.from(kept, (k) => k * spectrum.binHz),
    amplitude: pick(spectrum.amplitudes, kept),
    harmonics: spectrum.harmonics.map((h) => ({ order: h.order, frequency_hz: h.frequencyHz, amplitude: h.amplitude })),
  };
}
