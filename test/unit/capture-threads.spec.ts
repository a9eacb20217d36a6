import { captureRows, type CaptureSpec } from '@him/datagen';
import { CaptureFeatureThreads, captureWindows, VIBRATION_FEATURE_COUNT, type CaptureSignal } from '../../libs/ml/src';

/** A generated live capture as the sweep reads it: its own time and value arrays. */
function signalOf(spec: CaptureSpec): CaptureSignal {
  const rows = [...captureRows(spec)];
  return { time: Float64Array.from(rows, (r) => r[0]), value: Float64Array.from(rows, (r) => r[1]) };
}

const copy = ({ time, value }: CaptureSignal): CaptureSignal => ({ time: time.slice(), value: value.slice() });

describe('capture windows in feature threads (the sweep’s per-capture work)', () => {
  const threads = new CaptureFeatureThreads(2);
  afterAll(() => threads.close());

  const specs: CaptureSpec[] = [0, 1, 2, 3].map((faultType) => ({
    machine: 3,
    sensor: faultType + 1,
    capturedAt: new Date('2026-11-02T06:00:00Z'),
    seconds: 4,
    faultType: faultType as CaptureSpec['faultType'],
    speedHz: 25,
    seed: `threads-${faultType}`,
  }));

  it('gives exactly what the same computation gives on the main thread', async () => {
    const signals = specs.map(signalOf);
    const expected = signals.map((s) => captureWindows(s, 1));
    const got = await Promise.all(signals.map((s) => threads.windows(copy(s), 1)));
    got.forEach((g, i) => {
      expect(g.windows.length).toBeGreaterThanOrEqual(3);
      expect(g.features.length).toBe(g.windows.length * VIBRATION_FEATURE_COUNT);
      expect(g.samplingRateHz).toBe(expected[i].samplingRateHz);
      expect(g.endSeconds).toBe(expected[i].endSeconds);
      expect(g.windows).toEqual(expected[i].windows);
      expect(Array.from(g.features)).toEqual(Array.from(expected[i].features));
    });
  });

  it('moves the samples to the thread instead of copying them', async () => {
    const signal = signalOf(specs[0]);
    await threads.windows(signal, 1);
    expect(signal.value.length).toBe(0);
    expect(signal.time.length).toBe(0);
  });

  it('finds nothing to diagnose in a capture whose times do not increase', async () => {
    const got = await threads.windows({ time: new Float64Array(2000).fill(5), value: new Float64Array(2000).fill(1) }, 1);
    expect(got).toEqual({ samplingRateHz: undefined, windows: [], features: new Float32Array(0), endSeconds: 5 });
  });
});
