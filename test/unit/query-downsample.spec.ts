// Downsampling for the query API’s charts (bounded output, time order, every peak kept) and the spectrum of a capture.
import type { EnvelopeBucket } from '@him/db';
import { envelopeBucketCount, envelopePoints, maxBucketIndices } from '../../apps/api/src/query/downsample';
import { captureSpectrum, SPECTRUM_MAX_SAMPLES } from '../../apps/api/src/query/spectrum';
import { amplitudeSpectrum } from '@him/ml';

const ascending = (indices: Uint32Array) => indices.every((v, i) => i === 0 || v > indices[i - 1]);

describe('envelopePoints', () => {
  const bucket = (firstTime: number, lastTime: number, min: number, max: number, count: number, trend: number): EnvelopeBucket => ({
    firstTime,
    lastTime,
    min,
    max,
    count,
    trend,
  });

  it('gives each bucket’s minimum and maximum at its first and last time, in the order of its trend', () => {
    const chart = envelopePoints([bucket(0, 3, -1, 5, 4, 2.5), bucket(4, 7, -4, 9, 4, -0.5), bucket(8, 11, 1, 1, 4, 0)]);
    // Rising: min then max; falling: max then min; flat: both, min first.
    expect(chart.time).toEqual([0, 3, 4, 7, 8, 11]);
    expect(chart.value).toEqual([-1, 5, 9, -4, 1, 1]);
  });

  it('gives a bucket of one sample once, and nothing for no buckets', () => {
    expect(envelopePoints([bucket(0, 1, 2, 3, 2, 1), bucket(5, 5, 7, 7, 1, 0), bucket(6, 9, 0, 1, 3, -1)])).toEqual({ time: [0, 1, 5, 6, 9], value: [2, 3, 7, 1, 0] });
    expect(envelopePoints([])).toEqual({ time: [], value: [] });
  });

  it('cuts a series to two points per bucket: at most `points`', () => {
    expect(envelopeBucketCount(1000)).toBe(500);
    expect(envelopeBucketCount(11)).toBe(5);
  });
});

describe('maxBucketIndices', () => {
  it('keeps the largest value of each bucket, so a narrow spectral line survives', () => {
    const values = new Float64Array(10_000).fill(0.001);
    values[4321] = 5;
    values[77] = 2;
    const kept = maxBucketIndices(values, 100);
    expect(kept.length).toBe(100);
    expect(ascending(kept)).toBe(true);
    expect(kept).toContain(4321);
    expect(kept).toContain(77);
    expect(Array.from(maxBucketIndices([1, 2], 5))).toEqual([0, 1]);
  });
});

describe('amplitudeSpectrum', () => {
  it('finds the running speed of a shaft signal and reads each harmonic’s amplitude in signal units', () => {
    const rate = 1350;
    const f1 = 24.3;
    const signal = Float64Array.from({ length: 4 * rate }, (_, i) => 3 + 0.8 * Math.sin((2 * Math.PI * f1 * i) / rate) + 0.3 * Math.sin((2 * Math.PI * 2 * f1 * i) / rate + 1));
    const spectrum = amplitudeSpectrum(signal, rate);
    expect(spectrum.runningSpeedHz).toBeCloseTo(f1, 1);
    expect(spectrum.harmonics.map((h) => h.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spectrum.harmonics[0].amplitude).toBeCloseTo(0.8, 1);
    expect(spectrum.harmonics[1].amplitude).toBeCloseTo(0.3, 1);
    expect(spectrum.harmonics[1].frequencyHz).toBeCloseTo(2 * f1, 1);
    expect(spectrum.harmonics[4].amplitude).toBeLessThan(0.01);
    // The mean (3) is removed: no DC line.
    expect(spectrum.amplitudes[0]).toBeLessThan(0.01);
    expect(spectrum.amplitudes.length * spectrum.binHz).toBeCloseTo(rate / 2, -1);
  });

  it('gives zeros and the nominal speed for a signal without vibration', () => {
    const spectrum = amplitudeSpectrum(new Float64Array(100).fill(2), 1000);
    expect(spectrum.runningSpeedHz).toBe(25);
    expect(Math.max(...spectrum.amplitudes)).toBe(0);
  });
});

describe('captureSpectrum', () => {
  const rate = 1350;
  const f1 = 25.2;
  const shaft = (length: number) => Float64Array.from({ length }, (_, i) => 0.6 * Math.sin((2 * Math.PI * f1 * i) / rate) + 0.2 * Math.sin((2 * Math.PI * 3 * f1 * i) / rate));

  it('reads the SPECTRUM_MAX_SAMPLES samples a long capture gives it: bins fine enough for the harmonics', () => {
    const spectrum = captureSpectrum(shaft(SPECTRUM_MAX_SAMPLES), rate, 1000);
    expect(spectrum.bin_hz).toBeCloseTo(rate / (2 * SPECTRUM_MAX_SAMPLES), 12);
    expect(spectrum.bin_hz).toBeLessThan(0.05);
    expect(spectrum.running_speed_hz).toBeCloseTo(f1, 1);
    expect(spectrum.harmonics[0].amplitude).toBeCloseTo(0.6, 1);
    expect(spectrum.harmonics[2].amplitude).toBeCloseTo(0.2, 1);
    expect(spectrum.amplitude.length).toBe(1000);
  });

  it('reads a shorter capture whole', () => {
    const spectrum = captureSpectrum(shaft(5400), rate, 1000);
    expect(spectrum.bin_hz).toBeCloseTo(rate / 16_384, 12);
    expect(spectrum.harmonics[0].amplitude).toBeCloseTo(0.6, 1);
  });
});
