/** @jest-environment ./test/support/onnx-environment.ts */
// Synchronous diagnosis of one signal with the shipped ONNX classifier, through the HTTP API.
import { captureRows, FaultType } from '@him/datagen';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

describe('POST /api/v1/vibration-diagnosis/predict', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let viewer: string;

  /** Two seconds of one generated capture of the given fault, with a seed the model never saw. */
  function capture(faultType: FaultType) {
    const rows = [...captureRows({ machine: 3, sensor: 2, capturedAt: new Date('2026-11-03T04:00:00Z'), faultType, speedHz: 25.6, seed: 'predict-e2e', seconds: 2 })];
    return { time: rows.map((r) => r[0]), value: rows.map((r) => r[1]) };
  }

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'predict');
    stack = await TestStack.start({ db, namespace: 'vibration', worker: false });
    viewer = await stack.issueKey('viewer');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it.each([
    [FaultType.Normal, 'normal'],
    [FaultType.Unbalance, 'unbalance'],
    [FaultType.Looseness, 'looseness'],
    [FaultType.UnbalanceLooseness, 'unbalance_looseness'],
  ])('diagnoses a capture of fault type %s as %s, per window and overall', async (faultType, name) => {
    const { time, value } = capture(faultType);
    const res = await stack.http('POST', '/api/v1/vibration-diagnosis/predict', { key: viewer, body: { time, value } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fault_type: faultType, fault_name: name, model_version: 'vibration-classifier@1' });
    expect(res.body.confidence).toBeGreaterThan(0.5);
    expect(res.body.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    expect(res.body.sampling_rate_hz).toBeGreaterThan(1300);
    expect(res.body.windows).toHaveLength(2);
    expect(res.body.windows.map((w: any) => w.fault_type)).toEqual([faultType, faultType]);
  });

  it('takes a sampling rate instead of times', async () => {
    const { value } = capture(FaultType.Unbalance);
    const res = await stack.http('POST', '/api/v1/vibration-diagnosis/predict', { key: viewer, body: { sampling_rate_hz: 1350, value } });
    expect(res.status).toBe(200);
    expect(res.body.windows[0]).toEqual({ start: 0, end: 1, fault_type: expect.any(Number), confidence: expect.any(Number) });
  });

  it('answers 400 naming the field for too few samples, non-numbers, mismatched lengths or no rate', async () => {
    const field = async (body: unknown) => {
      const res = await stack.http('POST', '/api/v1/vibration-diagnosis/predict', { key: viewer, body });
      expect(res.status).toBe(400);
      return res.body.details.map((d: any) => d.field);
    };
    expect(await field({ sampling_rate_hz: 1350, value: [0.1, 0.2, 0.3] })).toEqual(['value']);
    expect(await field({ sampling_rate_hz: 1350, value: [0.1, null, 'x'] })).toEqual(['value']);
    expect(await field({ time: [0, 0.001], value: [0.1, 0.2, 0.3] })).toEqual(['time']);
    expect(await field({ value: [0.1, 0.2, 0.3] })).toEqual(['sampling_rate_hz']);
    expect(await field({ sampling_rate_hz: 1e9, value: [0.1, 0.2] })).toEqual(['sampling_rate_hz']);
  });

  it('answers 400 for more samples than one request may carry, before any inference', async () => {
    const res = await stack.http('POST', '/api/v1/vibration-diagnosis/predict', { key: viewer, body: { sampling_rate_hz: 100, value: new Array(200_001).fill(0.5) } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['value']);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await stack.http('POST', '/api/v1/vibration-diagnosis/predict', {
      key: viewer,
      rawBody: JSON.stringify({ sampling_rate_hz: 1350, value: new Array(1_200_000).fill(0.123456789) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
