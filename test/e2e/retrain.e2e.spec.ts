/** @jest-environment ./test/support/onnx-environment.ts */
// The retrain workflow through the HTTP API, on a real worker and database: the training set comes from ingested
// recordings, the challenger is scored beside the active version on the same held-out recording, and the
// promotion policy decides. The shipped classifier (version 1) is the first champion.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import { captureRows, FaultType, recordingChunks } from '@him/datagen';
import { mlpClassifier, VIBRATION_CLASSIFIER_INPUT, VIBRATION_FEATURE_COUNT } from '@him/ml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';

/** A valid classifier that always answers "looseness": a champion any real training beats. */
function constantLoosenessModel(): Uint8Array {
  return mlpClassifier([{ weights: new Float32Array(4 * VIBRATION_FEATURE_COUNT), bias: Float32Array.from([0, 0, 5, 0]) }], {
    inputName: VIBRATION_CLASSIFIER_INPUT,
    featureCount: VIBRATION_FEATURE_COUNT,
    classes: 4,
  });
}

const kind = DATABASE_KINDS[DATABASE_KINDS.length - 1];
const TEP_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'tep');

describe(`retrain workflow (${kind})`, () => {
  let db: TestDatabase;
  let stack: TestStack;
  let operator: string;
  const unbalance = [
    ...captureRows({ machine: 1, sensor: 1, capturedAt: new Date('2026-11-02T00:00:00Z'), faultType: FaultType.Unbalance, speedHz: 25, seed: 'retrain-e2e', seconds: 2 }),
  ];
  const predict = async () =>
    (
      await stack.http('POST', '/api/v1/vibration-diagnosis/predict', {
        key: operator,
        body: { sampling_rate_hz: 1 / (unbalance[1][0] - unbalance[0][0]), value: unbalance.map((r) => r[1]) },
      })
    ).body;
  const models = async () =>
    (await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: operator })).body as { version: number; status: string; metrics: any; created_by: string }[];
  /** Files left under BLOB_DIR/training: a finished job, however it ended, leaves none. */
  const trainingFiles = () => {
    const dir = path.join(stack.config.blobDir, 'training');
    return fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => path.join(e.parentPath, e.name))
      : [];
  };
  const storedModelFiles = () => fs.readdirSync(path.join(stack.config.blobDir, 'models'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

  /** Starts a retrain and waits for it; returns the finished job. */
  async function retrain(body: Record<string, unknown>, key = operator) {
    const started = await stack.http('POST', '/api/v1/jobs/retrain', { key, body });
    expect(started.status).toBe(202);
    expect(started.body.workflow_id).toBe(`retrain-${String(body.model)}`);
    return stack.finishedJob(started.body.workflow_id, 120_000);
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'retrain');
    stack = await TestStack.start({ db, namespace: 'retrain' });
    operator = await stack.issueKey('operator');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('validates the request: model, policy, epochs; forcing a promotion needs an admin', async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await stack.http('POST', '/api/v1/jobs/retrain', { key: operator, body });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ model: 'tep-something' }, 'model');
    await bad({ model: 'vibration-classifier', promote: 'sometimes' }, 'promote');
    await bad({ model: 'vibration-classifier', epochs: 0 }, 'epochs');
    await bad({ model: 'vibration-classifier', epochs: 'many' }, 'epochs');
    await bad({ model: 'tep-detector', epochs: 5 }, 'epochs');
    const forced = await stack.http('POST', '/api/v1/jobs/retrain', { key: operator, body: { model: 'vibration-classifier', promote: 'force' } });
    expect(forced.status).toBe(403);
    expect(forced.body.message).toMatch(/admin/);
  });

  it('fails clearly, registering nothing, while the database holds no recordings', async () => {
    const job = await retrain({ model: 'vibration-classifier' });
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ type: 'NotEnoughData', message: expect.stringMatching(/at least two vibration recordings running past the 30 s start-up/) });
    expect(await models()).toHaveLength(1);
    expect(trainingFiles()).toEqual([]);
  });

  it('ingests four recordings of g1 to train on', async () => {
    for (let sensor = 1; sensor <= 4; sensor++) {
      const csv = [...recordingChunks({ machine: 1, sensor, seed: 'retrain-e2e', seconds: 45, header: true })].join('');
      const started = await stack.upload(`g1_sensor${sensor}.csv`, csv);
      expect((await stack.finishedJob(started.body.workflow_id)).status).toBe('completed');
    }
  });

  it('auto: a worse challenger (one epoch) is registered as a candidate and not promoted', async () => {
    const job = await retrain({ model: 'vibration-classifier', promote: 'auto', epochs: 1 });
    expect(job.status).toBe('completed');
    const result = job.result;
    expect(result).toMatchObject({ model: 'vibration-classifier', version: 2, promoted: false, policy: 'auto', champion: { version: 1 } });
    // Split by whole recording: sensor 4 is held out, 15 s of steady running × 4 conditions, half-overlapping 1 s windows.
    expect(result.training).toMatchObject({ unit: 'windows', held_out_samples: 4 * 29, train_samples: 3 * 4 * 29, epochs: 1 });
    expect(result.challenger).toMatchObject({ metric: 'accuracy', samples: 4 * 29 });
    expect(result.challenger.score).toBeLessThan(result.champion.score.score);
    expect(result.champion.score.score).toBeGreaterThanOrEqual(0.99);
    expect(result.decision).toMatch(/champion kept/);

    const [v2, v1] = await models();
    expect(v2).toMatchObject({ version: 2, status: 'candidate', created_by: expect.stringMatching(/^retrain/) });
    expect(v2.metrics.held_out.score).toBe(result.challenger.score);
    expect(v1.status).toBe('active');
    expect((await predict()).model_version).toBe('vibration-classifier@1');
    // The training set and the challenger are gone; the registered version has its own copy of the file.
    expect(trainingFiles()).toEqual([]);
    expect(storedModelFiles()).toHaveLength(1);
  });

  it('auto: a challenger that beats the champion by the margin is promoted and served at once; rollback restores', async () => {
    // A deliberately poor champion: uploaded and promoted by an admin.
    const form = new FormData();
    form.append('file', new Blob([constantLoosenessModel()]), 'model.onnx');
    const uploaded = await fetch(`${stack.baseUrl}/api/v1/models/vibration-classifier`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: form });
    expect(uploaded.status).toBe(201);
    expect((await stack.http('POST', '/api/v1/models/vibration-classifier/3/promote', { key: ADMIN_KEY })).status).toBe(200);
    expect((await predict()).fault_type).toBe(2);

    const job = await retrain({ model: 'vibration-classifier' });
    expect(job.result).toMatchObject({ version: 4, promoted: true, champion: { version: 3, score: { score: 0.25 } } });
    expect(job.result.challenger.score).toBeGreaterThanOrEqual(0.25 + job.result.margin);
    expect(await predict()).toMatchObject({ model_version: 'vibration-classifier@4', fault_type: 1 });

    const rolledBack = await stack.http('POST', '/api/v1/models/vibration-classifier/rollback', { key: ADMIN_KEY });
    expect(rolledBack.body).toMatchObject({ version: 3, status: 'active' });
    expect((await predict()).model_version).toBe('vibration-classifier@3');
  });

  it('never registers without promoting; force (admin) promotes even a worse challenger', async () => {
    const never = await retrain({ model: 'vibration-classifier', promote: 'never' });
    expect(never.result).toMatchObject({ version: 5, promoted: false, decision: expect.stringMatching(/never/) });
    expect(never.result.challenger.score).toBeGreaterThan(never.result.champion.score.score);

    const forced = await retrain({ model: 'vibration-classifier', promote: 'force', epochs: 1 }, ADMIN_KEY);
    expect(forced.result).toMatchObject({ version: 6, promoted: true });
    const statuses = Object.fromEntries((await models()).map((m) => [m.version, m.status]));
    expect(statuses).toEqual({ 1: 'retired', 2: 'candidate', 3: 'retired', 4: 'retired', 5: 'candidate', 6: 'active' });
    expect(trainingFiles()).toEqual([]);
    expect(storedModelFiles()).toHaveLength(5);
  });

  (fs.existsSync(TEP_DIR) ? it : it.skip)('tep-detector: fitted on the normal run, thresholded and scored on held-out runs; an equal challenger keeps the champion', async () => {
    // The Braatz protocol from the database: d00 to fit, d00_te to set the threshold and count false alarms, faults to detect.
    for (const file of ['d00.dat', 'd00_te.dat', 'd01_te.dat', 'd06_te.dat']) {
      const started = await stack.upload(file, fs.readFileSync(path.join(TEP_DIR, file)), { start_time: '2026-01-02T00:00:00Z' });
      expect((await stack.finishedJob(started.body.workflow_id)).status).toBe('completed');
    }
    const job = await retrain({ model: 'tep-detector' });
    expect(job.status).toBe('completed');
    const { result } = job;
    expect(result.training).toMatchObject({ unit: 'observations', train_samples: 500, held_out_samples: 3 * 960 });
    expect(result.challenger).toMatchObject({ metric: 'mean detection rate', details: { detectable_runs: ['d01_te', 'd06_te'] } });
    // Its threshold was set on d00_te: 5 % of its 960 observations alarm.
    expect(result.challenger.details.false_alarm_rate).toBeCloseTo(0.05, 2);
    // The shipped detector was trained the same way on the same files: the figures its v1.json records for IDV 1 and 6, no promotion.
    const shipped = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'data/models/tep-detector/v1.json'), 'utf8')).evaluation.ours.detection_rate_rows_160_on;
    expect(result.champion).toMatchObject({ version: 1, score: { score: expect.closeTo((shipped['IDV(1)'] + shipped['IDV(6)']) / 2, 3) } });
    expect(result.challenger.score).toBeCloseTo(result.champion.score.score, 4);
    expect(result).toMatchObject({ version: 2, promoted: false, decision: expect.stringMatching(/champion kept/) });
    const versions = (await stack.http('GET', '/api/v1/models?name=tep-detector', { key: operator })).body;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'candidate'],
      [1, 'active'],
    ]);
    expect(versions[0].training_window.train).toEqual([expect.objectContaining({ name: 'd00', rows: 500 })]);
  });

  (fs.existsSync(TEP_DIR) ? it : it.skip)('tep-lstm: trained on the training runs, scored on the test runs; registered beside the shipped model with both scores', async () => {
    for (const file of ['d01.dat', 'd06.dat']) {
      const started = await stack.upload(file, fs.readFileSync(path.join(TEP_DIR, file)), { start_time: '2026-01-01T00:00:00Z' });
      expect((await stack.finishedJob(started.body.workflow_id)).status).toBe('completed');
    }
    const job = await retrain({ model: 'tep-lstm', promote: 'never' });
    expect(job.status).toBe('completed');
    const { result } = job;
    // Split by whole run: no run is on both sides.
    // The shipped model's 10 epochs when none are asked for.
    expect(result.training).toMatchObject({ unit: 'observations', train_samples: 500 + 2 * 480, held_out_samples: 3 * 960, epochs: 10 });
    const versions = (await stack.http('GET', '/api/v1/models?name=tep-lstm', { key: operator })).body;
    expect(versions[0].training_window.train.map((p: { name: string }) => p.name)).toEqual(['d00', 'd01', 'd06']);
    expect(versions[0].training_window.held_out.map((p: { name: string }) => p.name)).toEqual(['d00_te', 'd01_te', 'd06_te']);
    expect(result.challenger).toMatchObject({ metric: 'fault accuracy', details: { forecast_rmse: { normalRuns: { lstm: expect.any(Array) } } } });
    // The shipped model, trained on all 19 training runs, on the same three test runs.
    expect(result.champion.version).toBe(1);
    expect(result.champion.score.score).toBeGreaterThan(0.9);
    expect(result.challenger.score).toBeGreaterThan(0.5);
    expect(result.decision).toMatch(/never/);
    expect(result).toMatchObject({ version: 2, promoted: false });
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, 'candidate'],
      [1, 'active'],
    ]);
  });
});
