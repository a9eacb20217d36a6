// Downsampling for the query API’s charts (bounded output, time order, every peak kept) and the spectrum of a capture.
import { maxBucketIndices, minMaxBucketIndices, pick } from '../../apps/api/src/query/downsample';
import { captureSpectrum, SPECTRUM_MAX_SAMPLES } from '../../apps/api/src/query/spectrum';
import { amplitudeSpectrum, seededRandom } from '@him/ml';

const ascending = (indices: Uint32Array) => indices.every((v, i) => i === 0 || v > indices[i - 1]);

describe('minMaxBucketIndices', () => {
  it('keeps a short series whole', () => {
    expect(Array.from(minMaxBucketIndices([3, 1, 2], 10))).toEqual([0, 1, 2]);
    expect(Array.from(minMaxBucketIndices([], 10))).toEqual([]);
  });

  it('keeps each bucket’s minimum and maximum in time order, at most `points` of them', () => {
    // Buckets of 4: [0 5 1 2] [9 3 3 -4] [1 1 1 1]
    const values = [0, 5, 1, 2, 9, 3, 3, -4, 1, 1, 1, 1];
    const kept = minMaxBucketIndices(values, 6);
    expect(Array.from(kept)).toEqual([0, 1, 4, 7, 8]);
    expect(pick(values, kept)).toEqual([0, 5, 9, -4, 1]);
  });

  it('keeps the global extremes and every isolated spike of a long noisy series', () => {
    const random = seededRandom(9);
    const values = Float64Array.from({ length: 190_000 }, () => 2 * random() - 1);
    const spikes = [17, 50_001, 123_457, 189_999];
    spikes.forEach((at, k) => (values[at] = k % 2 ? -10 - k : 10 + k));
    const kept = minMaxBucketIndices(values, 1000);
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept.length).toBeGreaterThan(990);
    expect(ascending(kept)).toBe(true);
    for (const at of spikes) expect(kept).toContain(at);
    const picked = pick(values, kept);
    expect(Math.max(...picked)).toBe(values.reduce((a, b) => Math.max(a, b)));
    expect(Math.min(...picked)).toBe(values.reduce((a, b) => Math.min(a, b)));
  });

  it('runs in linear time: 190 k points to 1,000 well within the 100 ms budget', () => {
    const values = Float64Array.from({ length: 190_000 }, (_, i) => Math.sin(i / 7) + Math.sin(i / 1000));
    minMaxBucketIndices(values, 1000);
    const started = performance.now();
    for (let k = 0; k < 10; k++) minMaxBucketIndices(values, 1000);
    // Typically ~1 ms here; the bound leaves room for a loaded CI machine.
    expect((performance.now() - started) / 10).toBeLessThan(100);
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

  it('reads a long capture’s middle 65,536 samples: finer bins than a chart needs, the harmonics still marked', () => {
    // 190 k samples (~140 s): the whole capture would be zero-padded to 524,288 points.
    const signal = shaft(190_000);
    // Outside the middle segment only: a burst that must not reach the spectrum.
    for (let i = 0; i < 20_000; i++) signal[i] += 5 * Math.sin((2 * Math.PI * 300 * i) / rate);
    const spectrum = captureSpectrum(signal, rate, 1000);
    expect(spectrum.bin_hz).toBeCloseTo(rate / (2 * SPECTRUM_MAX_SAMPLES), 12);
    expect(spectrum.running_speed_hz).toBeCloseTo(f1, 1);
    expect(spectrum.harmonics[0].amplitude).toBeCloseTo(0.6, 1);
    expect(spectrum.harmonics[2].amplitude).toBeCloseTo(0.2, 1);
    expect(spectrum.amplitude.length).toBe(1000);
    const at300 = spectrum.frequency_hz.findIndex((hz) => hz > 299 && hz < 301);
    expect(at300 === -1 || spectrum.amplitude[at300] < 0.01).toBe(true);
  });

  it('reads a capture shorter than that whole', () => {
    const spectrum = captureSpectrum(shaft(5400), rate, 1000);
    expect(spectrum.bin_hz).toBeCloseTo(rate / 16_384, 12);
    expect(spectrum.harmonics[0].amplitude).toBeCloseTo(0.6, 1);
  });
});
