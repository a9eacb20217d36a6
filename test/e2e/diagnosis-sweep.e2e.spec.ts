/** @jest-environment ./test/support/onnx-environment.ts */
// The diagnosis sweep end to end: generated live captures (a seed never trained on, a scripted fault history with its
// truth) go in through the ingest endpoint, POST /jobs/diagnosis-sweep diagnoses them with the shipped classifier on
// a real worker, and the stored diagnoses are checked against the generator's truth and against the 1 s windows.
import { MikroORM } from '@mikro-orm/core';
import { captureChunks, captureFileName, DEMO_MACHINES, planCaptures, scriptedFaultHistory, type PlannedCapture } from '@him/datagen';
import { dbDate, ormOptions, selectRows, SeriesKind, SweepWatermarkRepository } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

/** Never used in training (seed 42) nor in the model's own evaluation sets (eval-2026, eval-sweep-2026). */
const SEED = 'sweep-e2e-2026';
const DAY_MS = 86_400_000;

// Three days of a capture every 3 h from g1–g5 (one sensor each): 120 captures. The history is the demo plant's,
// shifted so the three days hold every class: g2 unbalanced throughout, g3 loose from day 2, g4 both from day 3,
// g5 fault surges on days 1 and 2, g1 healthy.
const start = new Date('2026-11-01T00:00:00Z');
const plan: PlannedCapture[] = planCaptures({
  start,
  days: 3,
  everyHours: 3,
  machines: DEMO_MACHINES,
  sensorsPerMachine: 1,
  seconds: 2,
  seed: SEED,
  history: scriptedFaultHistory(new Date(start.getTime() - 3 * DAY_MS)),
});

const text = (spec: PlannedCapture): string => [...captureChunks(spec)].join('');

describe.each(DATABASE_KINDS)('diagnosis sweep over live captures (%s)', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let operator: string;
  let orm: MikroORM;
  const sql = <Row>(query: string, params: unknown[] = []) => selectRows<Row>(orm.em.fork(), query, params);

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'sweep');
    stack = await TestStack.start({ db, namespace: 'sweep' });
    operator = await stack.issueKey('operator');
    orm = await MikroORM.init(ormOptions(db.config));
  }, 120_000);

  afterAll(async () => {
    await orm?.close();
    await stack?.close();
    await db?.drop();
  });

  it('validates the request', async () => {
    const refused = async (body: unknown) => {
      const res = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: operator, body });
      expect(res.status).toBe(400);
      return res.body.details.map((d: { field: string }) => d.field);
    };
    expect(await refused({ day: '2026-02-30' })).toContain('day');
    expect(await refused({ day: '1 Nov' })).toContain('day');
    expect(await refused({ concurrency: 9 })).toContain('concurrency');
    expect(await refused({ concurrency: 0 })).toContain('concurrency');
    const viewer = await stack.issueKey('viewer');
    expect((await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: viewer, body: {} })).status).toBe(403);
  });

  it('diagnoses every capture and window once, matching the truth on ≥ 98 % of captures; a second sweep writes nothing', async () => {
    const began = performance.now();
    // Through the ingest endpoint, a few uploads at a time.
    const queue = [...plan];
    const ingests: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let capture = queue.shift(); capture; capture = queue.shift()) {
          const res = await stack.upload(captureFileName(capture.machine, capture.sensor, capture.capturedAt), text(capture), {}, operator);
          expect(res.status).toBe(202);
          ingests.push(res.body.workflow_id);
        }
      }),
    );
    for (const id of ingests) expect((await stack.finishedJob(id, 120_000)).status).toBe('completed');
    const ingestSeconds = (performance.now() - began) / 1000;

    const sweepBegan = performance.now();
    const started = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: operator, body: { day: '2026-11-04', concurrency: 2 } });
    expect(started.status).toBe(202);
    expect(started.body.workflow_id).toBe('diagnosis-sweep-2026-11-04');
    const job = await stack.finishedJob(started.body.workflow_id, 120_000);
    const sweepSeconds = (performance.now() - sweepBegan) / 1000;
    expect(job.status).toBe('completed');
    const result = job.result;
    expect(job.progress).toMatchObject({ phase: 'done', done: 5, total: 5, unit: 'series' });
    expect(result).toMatchObject({ day: '2026-11-04', series_total: 5, series_done: 5, series_failed: 0, failures: [], items: plan.length, windows: 2 * plan.length });
    expect(result.diagnoses_written).toBe(3 * plan.length);
    expect(result.days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(result.kpi_rollup).toBe('kpi-rollup-2026-11-01-2026-11-03');
    expect(result.kpi_rollup_failure).toBeUndefined();

    // One capture-level row per capture, one window row per 1 s window, all by the active model under this job.
    const captures = await sql<{ id: number; machine_name: string; sensor_no: string; captured_at: unknown }>('SELECT id, machine_name, sensor_no, captured_at FROM capture');
    expect(captures).toHaveLength(plan.length);
    const rows = await sql<{
      capture_id: number;
      level: string;
      fault_type: number;
      confidence: number;
      probabilities: unknown;
      model_version: string;
      job_id: string;
      window_start: unknown;
      window_end: unknown;
    }>('SELECT capture_id, level, fault_type, confidence, probabilities, model_version, job_id, window_start, window_end FROM vibration_diagnosis');
    expect(rows.every((r) => r.model_version === 'vibration-classifier@1' && r.job_id === 'diagnosis-sweep-2026-11-04')).toBe(true);
    const perCapture = (level: string) => {
      const counts = new Map<number, number>();
      for (const r of rows.filter((r) => r.level === level)) counts.set(Number(r.capture_id), (counts.get(Number(r.capture_id)) ?? 0) + 1);
      return counts;
    };
    const captureLevel = perCapture('capture');
    const windowLevel = perCapture('window');
    expect(captures.every((c) => captureLevel.get(Number(c.id)) === 1 && windowLevel.get(Number(c.id)) === 2)).toBe(true);

    // Capture-level verdicts against the generator's truth, matched by machine, sensor and capture time.
    const truth = new Map(plan.map((p) => [`g${p.machine}/${p.sensor}/${p.capturedAt.getTime()}`, p.faultType as number]));
    const captureKey = new Map(captures.map((c) => [Number(c.id), `${c.machine_name}/${c.sensor_no}/${dbDate(c.captured_at).getTime()}`]));
    const verdicts = rows.filter((r) => r.level === 'capture');
    const correct = verdicts.filter((r) => truth.get(captureKey.get(Number(r.capture_id))!) === Number(r.fault_type)).length;
    const accuracy = correct / plan.length;
    const classes = new Set(plan.map((p) => p.faultType));
    console.log(
      `${kind}: capture-level accuracy ${(100 * accuracy).toFixed(2)} % (${correct}/${plan.length} captures, ${classes.size} classes); ` +
        `ingest ${ingestSeconds.toFixed(1)} s, sweep ${sweepSeconds.toFixed(1)} s (${result.windows} windows)`,
    );
    expect(classes.size).toBe(4);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    for (const r of verdicts) expect(Number(r.confidence)).toBeGreaterThan(0.25);

    // The rollup the sweep ran: healthy g1 stays above 90; g2 (unbalanced throughout) and g3, g4 from their onset
    // (days 2 and 3) are below 60; each machine's current fault is its last truth.
    const viewer = await stack.issueKey('viewer');
    const health = async (machine: string) => {
      const res = await stack.http('GET', `/api/v1/equipment/${machine}/health`, { key: viewer });
      expect(res.status).toBe(200);
      return { ...res.body, byDay: new Map<string, number>(res.body.trend.map((p: { day: string; health_score: number }) => [p.day, p.health_score])) };
    };
    const [g1, g2, g3, g4] = await Promise.all(['g1', 'g2', 'g3', 'g4'].map(health));
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03']) {
      expect(g1.byDay.get(day)).toBeGreaterThan(90);
      expect(g2.byDay.get(day)).toBeLessThan(60);
    }
    expect(g3.byDay.get('2026-11-01')).toBeGreaterThan(90);
    expect(g3.byDay.get('2026-11-02')).toBeLessThan(60);
    expect(g4.byDay.get('2026-11-02')).toBeGreaterThan(90);
    expect(g4.byDay.get('2026-11-03')).toBeLessThan(60);
    expect([g1, g2, g3, g4].map((h) => h.current_fault_name)).toEqual(['normal', 'unbalance', 'looseness', 'unbalance_looseness']);

    // Each stream's watermark is at its last capture.
    const watermarks = new SweepWatermarkRepository(orm, kind);
    for (const machine of DEMO_MACHINES) {
      const mark = await watermarks.find(SeriesKind.CaptureStream, `g${machine}/1`, 'vibration-classifier');
      const last = Math.max(...captures.filter((c) => c.machine_name === `g${machine}`).map((c) => Number(c.id)));
      expect(mark).toMatchObject({ position: last, modelVersion: 'vibration-classifier@1', jobId: 'diagnosis-sweep-2026-11-04' });
    }

    // Nothing past the watermarks: the next night's sweep finds no series and writes nothing.
    const again = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: operator, body: { day: '2026-11-05' } });
    expect(again.status).toBe(202);
    const second = await stack.finishedJob(again.body.workflow_id, 60_000);
    expect(second.result).toMatchObject({ series_total: 0, series_done: 0, diagnoses_written: 0, days: [], kpi_rollup: null });
    expect((await sql<{ n: number }>('SELECT COUNT(*) AS n FROM vibration_diagnosis'))[0].n).toEqual(rows.length);
  }, 300_000);
});
