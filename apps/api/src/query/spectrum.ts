// The amplitude spectrum a capture's chart shows, with its running-speed harmonics.
import { amplitudeSpectrum } from '@him/ml';
import type { SpectrumDto } from './captures.dto';
import { maxBucketIndices, pick } from './downsample';

/**
 * Samples a capture's spectrum is computed from, read from its middle (a capture is taken at steady state, so its
 * middle stands for the whole): 2^14, ~12 s at the rigs' 1.3–1.4 kHz — bins of ~0.04 Hz after the 2× zero-padding,
 * ample for running-speed harmonics. Each sample is read from the database per request (65,536 took 10–70 ms on a
 * loaded machine), and the FFT of a whole 190 k-sample capture (524,288 points) took ~100 ms.
 */
export const SPECTRUM_MAX_SAMPLES = 16_384;

/** The spectrum of these samples, cut to `points` keeping each bucket's maximum. */
export function captureSpectrum(values: Float64Array, samplingRateHz: number, points: number): SpectrumDto {
  const spectrum = amplitudeSpectrum(values, samplingRateHz);
  const kept = maxBucketIndices(spectrum.amplitudes, points);
  return {
    bin_hz: spectrum.binHz,
    running_speed_hz: spectrum.runningSpeedHz,
    frequency_hz: Array.from(kept, (k) => k * spectrum.binHz),
    amplitude: pick(spectrum.amplitudes, kept),
    harmonics: spectrum.harmonics.map((h) => ({ order: h.order, frequency_hz: h.frequencyHz, amplitude: h.amplitude })),
  };
}
