/** @jest-environment ./test/support/onnx-environment.ts */
// The model registry through the HTTP API: the shipped classifier is version 1 and active; an uploaded model
// is checked and becomes a candidate; promotion (admin) and rollback change what /predict serves at once.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { REPO_ROOT } from '@him/config';
import { captureRows, FaultType } from '@him/datagen';
import { mlpClassifier, VIBRATION_FEATURE_COUNT } from '@him/ml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { constantModel, memoryBombModel } from '../support/onnx-models';
import { ADMIN_KEY, TestStack } from '../support/stack';

describe.each(DATABASE_KINDS)('model registry (%s)', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let operator: string;
  const unbalance = [
    ...captureRows({ machine: 1, sensor: 1, capturedAt: new Date('2026-11-02T00:00:00Z'), faultType: FaultType.Unbalance, speedHz: 25, seed: 'registry-e2e', seconds: 2 }),
  ];
  const predict = () =>
    stack.http('POST', '/api/v1/vibration-diagnosis/predict', {
      key: operator,
      body: { sampling_rate_hz: 1 / (unbalance[1][0] - unbalance[0][0]), value: unbalance.map((r) => r[1]) },
    });

  async function upload(bytes: Uint8Array, key = operator, name = 'vibration-classifier') {
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'model.onnx');
    const res = await fetch(`${stack.baseUrl}/api/v1/models/${name}`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'models');
    stack = await TestStack.start({ db, namespace: 'vibration', worker: false, env: { BLOB_DIR: path.join(process.env.TEST_TMP_DIR!, `models-${kind}-${process.pid}`) } });
    operator = await stack.issueKey('operator');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('registers the shipped classifier as version 1, active, with its metrics', async () => {
    const res = await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: operator });
    expect(res.body).toEqual([
      expect.objectContaining({ name: 'vibration-classifier', version: 1, status: 'active', created_by: 'shipped', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    expect(res.body[0].metrics.held_out_recordings.accuracy).toBeGreaterThanOrEqual(0.99);
    expect((await predict()).body).toMatchObject({ fault_type: 1, model_version: 'vibration-classifier@1' });
  });

  it('refuses malformed and mismatched models with a clear error, storing nothing', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from('definitely not onnx'), /not an ONNX model|could not be decoded|not_onnx|ONNX/i],
      [constantModel(2).subarray(0, 100), /ONNX|decode|truncat/i],
      [mlpClassifier([{ weights: new Float32Array(4 * 3), bias: new Float32Array(4) }], { inputName: 'features', featureCount: 3, classes: 4 }), /shape|features/i],
      [
        mlpClassifier([{ weights: new Float32Array(4 * VIBRATION_FEATURE_COUNT), bias: new Float32Array(4) }], {
          inputName: 'x',
          featureCount: VIBRATION_FEATURE_COUNT,
          classes: 4,
        }),
        /input/i,
      ],
    ];
    for (const [bytes, message] of cases) {
      const res = await upload(bytes);
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^model refused: /);
      expect(res.body.message).toMatch(message);
      expect(res.body.details[0].field).toBe('file');
    }
    expect((await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: operator })).body).toHaveLength(1);
  });

  it('takes a valid upload as a candidate; only an admin promotes; predictions switch at once; rollback restores', async () => {
    const uploaded = await upload(constantModel(2));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ name: 'vibration-classifier', version: 2, status: 'candidate' });
    expect((await upload(constantModel(2))).status).toBe(409); // the same file twice

    expect((await stack.http('POST', '/api/v1/models/vibration-classifier/2/promote', { key: operator })).status).toBe(403);
    const promoted = await stack.http('POST', '/api/v1/models/vibration-classifier/2/promote', { key: ADMIN_KEY });
    expect(promoted.body).toMatchObject({ version: 2, status: 'active' });
    expect((await stack.http('GET', '/api/v1/models/vibration-classifier/1', { key: operator })).body.status).toBe('retired');
    expect((await predict()).body).toMatchObject({ fault_type: 2, model_version: 'vibration-classifier@2' });

    const rolledBack = await stack.http('POST', '/api/v1/models/vibration-classifier/rollback', { key: ADMIN_KEY });
    expect(rolledBack.body).toMatchObject({ version: 1, status: 'active' });
    expect((await predict()).body).toMatchObject({ fault_type: 1, model_version: 'vibration-classifier@1' });
    expect((await stack.http('POST', '/api/v1/models/vibration-classifier/1/promote', { key: ADMIN_KEY })).status).toBe(409);
    expect((await stack.http('GET', '/api/v1/models/vibration-classifier/9', { key: operator })).status).toBe(404);
    expect((await stack.http('GET', '/api/v1/models/no-such-model/1', { key: operator })).body.details[0].field).toBe('name');
  });

  it('registers the shipped TEP detector; refuses a detector upload that lacks the preprocessing serving needs', async () => {
    const res = await stack.http('GET', '/api/v1/models?name=tep-detector', { key: operator });
    expect(res.body).toEqual([expect.objectContaining({ name: 'tep-detector', version: 1, status: 'active', created_by: 'shipped' })]);
    expect(res.body[0].metrics.evaluation.ours.false_alarm_rate_d00_te).toBeLessThanOrEqual(0.05);

    // The shipped file with its metadata stripped: tensors right, but no standardiser, window or threshold.
    const shipped = onnx.ModelProto.decode(fs.readFileSync(path.join(REPO_ROOT, 'data/models/tep-detector/v1.onnx')));
    shipped.metadataProps = [];
    const refused = await upload(onnx.ModelProto.encode(shipped).finish(), operator, 'tep-detector');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/model refused: .*preprocessing.* is missing/);
    expect((await stack.http('GET', '/api/v1/models?name=tep-detector', { key: operator })).body).toHaveLength(1);
    expect((await stack.http('GET', '/api/v1/models?name=nope', { key: operator })).status).toBe(400);
  });

  it('refuses a small model that would need gigabytes to load, checking it outside the API process, which stays up', async () => {
    const bomb = memoryBombModel(100_000_000);
    expect(bomb.byteLength).toBeLessThan(2048);
    const peakBefore = process.resourceUsage().maxRSS;
    const refused = await upload(bomb);
    // Loaded here, it would add 1.2 GB to this process (the API's) at the peak.
    expect((process.resourceUsage().maxRSS - peakBefore) / 1024).toBeLessThan(200);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^model refused: .*memory/);
    expect(refused.body.details[0]).toMatchObject({ field: 'file', reason: 'resource_limit' });
    expect((await predict()).body.model_version).toBe('vibration-classifier@1');
    expect((await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: operator })).body).toHaveLength(2);
  });

  it('refuses a classifier whose window the serving could not cut signals into', async () => {
    for (const windowSeconds of ['0.001', 'soon', '1e6']) {
      const refused = await upload(constantModel(0, { metadata: { window_seconds: windowSeconds } }));
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/^model refused: .*window_seconds/);
    }
    expect((await upload(constantModel(0, { metadata: { window_seconds: '2' } }))).status).toBe(201);
  });

  it('registers identical uploads sent at once as one version, whose file stays and is served', async () => {
    const bytes = constantModel(3);
    const answers = await Promise.all(Array.from({ length: 6 }, () => upload(bytes)));
    const versions = (await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: operator })).body;
    const registered = versions.filter((v: { checksum: string }) => v.checksum === createHash('sha256').update(bytes).digest('hex'));
    expect(registered).toHaveLength(1);
    const { version } = registered[0];
    expect((await stack.http('POST', `/api/v1/models/vibration-classifier/${version}/promote`, { key: ADMIN_KEY })).status).toBe(200);
    expect(await predict()).toMatchObject({ status: 200, body: { fault_type: 3, model_version: `vibration-classifier@${version}` } });
    // Only the registered files are left in the model store: no loser's copy, no half-written upload.
    const stored = fs.readdirSync(path.join(stack.config.blobDir, 'models'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(stored).toHaveLength(versions.filter((v: { created_by: string }) => v.created_by !== 'shipped').length);
    // The first request registers the file; the others are told it is already there.
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(answers.find((a) => a.status === 201)!.body.version).toBe(version);
  });
});
