/** @jest-environment ./test/support/onnx-environment.ts */
// Feature drift end to end: captures go in through the ingest endpoint, the sweep diagnoses them with the shipped
// classifier (whose file carries its training distribution) and judges the day's drift, with DRIFT_RETRAIN_POLICY=auto.
// A day of the population the classifier was trained on (stretches of the training machines' runs: seed 42, g1–g2,
// sensors 1–3, every condition) starts no retrain; a day of the same machines running at 30 Hz instead of 25 does,
// and the retrain says why in its Temporal summary and its result.
import { Client } from '@temporalio/client';
import { recordingChunks, recordingRows } from '@him/datagen';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';

const TRAINING_SEED = '42';
const MACHINES = [1, 2];
const SENSORS = [1, 2, 3];
const CONDITIONS = 4;
const STABLE_DAY = '2026-11-02';
const SHIFTED_DAY = '2026-11-03';
/** Seconds of steady running per capture: 1 s windows, 24 captures a day (6 sensors × 4 conditions). */
const STABLE_SECONDS = 20;
const SHIFTED_SECONDS = 10;
const SETTLED_SECONDS = 40;

const stamp = (day: string, hour: number) => `${day.replace(/-/g, '')}T${String(hour).padStart(2, '0')}0000Z`;

/** A day's captures: per machine, sensor and condition, `seconds` of the generator's run after its start-up, one capture an hour. */
function captures(day: string, seconds: number, speedHz?: number): { file: string; text: string }[] {
  const files: { file: string; text: string }[] = [];
  let hour = 0;
  for (const machine of MACHINES) {
    for (const sensor of SENSORS) {
      const rows = [...recordingRows({ machine, sensor, seed: TRAINING_SEED, seconds: SETTLED_SECONDS + seconds, speedHz })].filter((r) => r[0] >= SETTLED_SECONDS);
      for (let condition = 1; condition <= CONDITIONS; condition++) {
        const lines = rows.map((r) => `${(r[0] - SETTLED_SECONDS).toFixed(6)},${r[condition].toFixed(6)}`);
        files.push({ file: `g${machine}_sensor${sensor}_${stamp(day, hour++)}.csv`, text: `Time,Value\n${lines.join('\n')}\n` });
      }
    }
  }
  return files;
}

describe.each(DATABASE_KINDS)('feature drift measured by the sweep (%s)', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;

  const ingest = async (files: { file: string; text: string }[]) => {
    const ids: string[] = [];
    for (const { file, text } of files) {
      const res = await stack.upload(file, text);
      expect(res.status).toBe(202);
      ids.push(res.body.workflow_id);
    }
    for (const id of ids) expect((await stack.finishedJob(id, 120_000)).status).toBe('completed');
  };
  const sweep = async (day: string) => {
    const started = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day } });
    expect(started.status).toBe(202);
    const job = await stack.finishedJob(started.body.workflow_id, 180_000);
    expect(job.status).toBe('completed');
    return job.result;
  };
  const drift = async () => {
    const res = await stack.http('GET', `/api/v1/models/vibration-classifier/drift?from=2026-11-01&to=2026-11-05`, { key: ADMIN_KEY });
    expect(res.status).toBe(200);
    return res.body;
  };
  const retrainHandle = () => stack.app.get(Client).workflow.getHandle('retrain-vibration-classifier');

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'drift');
    stack = await TestStack.start({ db, namespace: `drift-${kind}`, env: { DRIFT_RETRAIN_POLICY: 'auto', DRIFT_PSI_THRESHOLD: '0.25', DRIFT_MIN_SAMPLES: '200' } });
    // Recordings for the retrain to train on (two machines' sensor 1, 45 s each).
    await ingest(
      MACHINES.map((machine) => ({ file: `g${machine}_sensor1.csv`, text: [...recordingChunks({ machine, sensor: 1, seed: TRAINING_SEED, seconds: 45, header: true })].join('') })),
    );
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('refuses a bad range and answers for a model it does not monitor', async () => {
    const bad = await stack.http('GET', '/api/v1/models/vibration-classifier/drift?from=2026-11-05&to=2026-11-01', { key: ADMIN_KEY });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('from');
    expect((await stack.http('GET', '/api/v1/models/no-such-model/drift', { key: ADMIN_KEY })).status).toBe(400);
    const lstm = await stack.http('GET', '/api/v1/models/tep-lstm/drift', { key: ADMIN_KEY });
    expect(lstm.status).toBe(200);
    expect(lstm.body).toMatchObject({ model: 'tep-lstm', monitored: false, days: [], series: [], policy: 'auto', threshold: 0.25, min_samples: 200 });
  });

  it('a day of the training population is stable and starts no retrain', async () => {
    await ingest(captures(STABLE_DAY, STABLE_SECONDS));
    const result = await sweep(STABLE_DAY);
    const windows = MACHINES.length * SENSORS.length * CONDITIONS * STABLE_SECONDS;
    expect(result.windows).toBe(windows);
    expect(result.drift).toEqual([expect.objectContaining({ model: 'vibration-classifier', day: STABLE_DAY, series: 6, samples: windows, decision: 'stable' })]);
    expect(result.drift[0].psi).toBeLessThan(0.25);
    expect(result.drift[0].retrain).toBeUndefined();
    console.log(`drift (${kind}): training population, ${windows} windows: median PSI ${result.drift[0].psi.toFixed(3)}`);

    const body = await drift();
    expect(body).toMatchObject({ model: 'vibration-classifier', monitored: true, policy: 'auto' });
    expect(body.days).toEqual([
      expect.objectContaining({ day: STABLE_DAY, model_version: 'vibration-classifier@1', samples: windows, decision: 'stable', retrain_workflow_id: null }),
    ]);
    expect(body.days[0].reason).toMatch(/at or below the threshold 0\.250/);
    // Per series: each machine and sensor's windows, counted once.
    expect(body.series.map((s: { series_key: string; samples: number }) => [s.series_key, s.samples])).toEqual(
      MACHINES.flatMap((m) => SENSORS.map((s) => [`g${m}/${s}`, CONDITIONS * STABLE_SECONDS])),
    );
    await expect(retrainHandle().describe()).rejects.toThrow(/not found/i);
  }, 300_000);

  it('a day at a new running speed drifts and starts a retrain that says why; a sweep with nothing new counts nothing twice', async () => {
    await ingest(captures(SHIFTED_DAY, SHIFTED_SECONDS, 30));
    const result = await sweep(SHIFTED_DAY);
    const windows = MACHINES.length * SENSORS.length * CONDITIONS * SHIFTED_SECONDS;
    const [assessment] = result.drift;
    expect(result.drift).toHaveLength(1);
    expect(assessment).toMatchObject({ model: 'vibration-classifier', day: SHIFTED_DAY, samples: windows, decision: 'retrain_started' });
    expect(assessment.psi).toBeGreaterThan(0.25);
    console.log(
      `drift (${kind}): 30 Hz instead of 25, ${windows} windows: median PSI ${assessment.psi.toFixed(3)}, top ${assessment.top_features.map((f: { feature: string; psi: number }) => `${f.feature} ${f.psi.toFixed(2)}`).join(', ')}`,
    );
    expect(assessment.top_features.map((f: { feature: string }) => f.feature)).toContain('running_speed_hz');
    expect(assessment.reason).toMatch(/above the threshold 0\.250; drift policy auto: retrain retrain-vibration-classifier started/);

    const day = (await drift()).days.find((d: { day: string }) => d.day === SHIFTED_DAY);
    expect(day).toMatchObject({ decision: 'retrain_started', retrain_workflow_id: 'retrain-vibration-classifier', sweep: `diagnosis-sweep-${SHIFTED_DAY}` });

    // The retrain the sweep started: its Temporal summary and its result carry the drift that started it.
    const description = await retrainHandle().describe();
    expect(description.type).toBe('retrainModel');
    expect(await description.staticSummary()).toMatch(
      new RegExp(`^retrain vibration-classifier \\(promote: auto\\) · drift on ${SHIFTED_DAY}: PSI \\d+\\.\\d{3} > 0\\.250 over ${windows} samples \\(`),
    );
    const retrain = await stack.finishedJob('retrain-vibration-classifier', 240_000);
    expect(retrain.status).toBe('completed');
    expect(retrain.result.trigger).toMatchObject({
      kind: 'drift',
      day: SHIFTED_DAY,
      model_version: 'vibration-classifier@1',
      samples: windows,
      sweep: `diagnosis-sweep-${SHIFTED_DAY}`,
    });
    expect(retrain.result.trigger.psi).toBeCloseTo(assessment.psi, 10);

    // Nothing new: no day touched, no judgement, and the counts stay as they were.
    const before = (await drift()).series;
    const again = await sweep('2026-11-04');
    expect(again).toMatchObject({ items: 0, days: [] });
    expect(again.drift).toBeUndefined();
    expect((await drift()).series).toEqual(before);
  }, 600_000);
});
