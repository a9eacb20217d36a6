/** @jest-environment ./test/support/onnx-environment.ts */
// The model registry on a real database and file store: uploads are checked in a child process with memory and time
// limits; registrations racing for the same file or the same version number lose nothing; sessions of versions that
// are no longer active are released once no inference holds them.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT } from '@him/config';
import { ModelVersionRepository, ormOptions } from '@him/db';
import { MLP_PROBABILITIES, mlpClassifier, OnnxModelRejectedError, VIBRATION_CLASSIFIER_INPUT, VIBRATION_CLASSIFIER_NAME, VIBRATION_FEATURE_COUNT } from '@him/ml';
import { checkServableModelFile, ModelRegistry, ServedModels, sha256, type ModelCheckLimits } from '@him/registry';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { constantModel, memoryBombModel } from '../support/onnx-models';

const NAME = VIBRATION_CLASSIFIER_NAME;
const LIMITS: ModelCheckLimits = { memoryMb: 1536, timeoutMs: 30_000 };

const oneRow = () => ({ [VIBRATION_CLASSIFIER_INPUT]: new ort.Tensor('float32', new Float32Array(VIBRATION_FEATURE_COUNT), [1, VIBRATION_FEATURE_COUNT]) });

describe('the model check (a child process)', () => {
  const dir = () => fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'model-check-'));
  const check = async (bytes: Uint8Array, name = NAME, limits = LIMITS) => {
    const file = path.join(dir(), 'model.onnx');
    fs.writeFileSync(file, bytes);
    return checkServableModelFile(name, file, limits).then(
      () => 'servable',
      (err: unknown) => err,
    );
  };

  it('passes the shipped models under the default limits', async () => {
    for (const name of ['vibration-classifier', 'tep-detector', 'tep-lstm']) {
      expect(await check(fs.readFileSync(path.join(REPO_ROOT, 'data', 'models', name, 'v1.onnx')), name)).toBe('servable');
    }
  });

  it('refuses what loadServableModel refuses, with the same reason', async () => {
    expect(await check(Buffer.from('not a model'))).toMatchObject({ reason: 'not_onnx', message: expect.stringMatching(/not an ONNX model/) });
    const wrongInput = mlpClassifier([{ weights: new Float32Array(4 * 3), bias: new Float32Array(4) }], { inputName: 'x', featureCount: 3, classes: 4 });
    expect(await check(wrongInput)).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('refuses a model that needs more memory than the limit while it loads', async () => {
    const refused = await check(memoryBombModel(100_000_000));
    expect(refused).toBeInstanceOf(OnnxModelRejectedError);
    expect(refused).toMatchObject({ reason: 'resource_limit', message: expect.stringMatching(/more than the 1536 MB of memory/) });
  });

  it('refuses a model that takes longer than the limit to load, killing the check', async () => {
    // Ten times the bomb above, with memory to spare: folding it takes ~40 s here, so only the 3 s limit can stop it.
    const refused = await check(memoryBombModel(1_000_000_000), NAME, { memoryMb: 65_536, timeoutMs: 3000 });
    expect(refused).toMatchObject({ reason: 'resource_limit', message: expect.stringMatching(/longer than the 3 s/) });
  });
});

describe.each(DATABASE_KINDS)('model registry on %s', (kind) => {
  let db: TestDatabase;
  let orm: MikroORM;
  let blobDir: string;
  let registry: ModelRegistry;

  const newRegistry = () => new ModelRegistry(new ModelVersionRepository(orm, kind), { blobDir, shippedDir: path.join(REPO_ROOT, 'data', 'models'), check: LIMITS });
  const storedFiles = () =>
    fs
      .readdirSync(path.join(blobDir, 'models'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'model_registry');
    orm = await MikroORM.init(ormOptions(db.config));
    blobDir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, `registry-${kind}-`));
    registry = newRegistry();
    await registry.registerShipped();
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('registers the same file sent many times at once as one version, and different files each as its own, losing no file', async () => {
    const same = constantModel(1, { seed: 1 });
    const different = [2, 3, 4].map((seed) => constantModel(1, { seed }));
    const registered = await Promise.all([...Array.from({ length: 5 }, () => registry.register(NAME, same, {})), ...different.map((bytes) => registry.register(NAME, bytes, {}))]);
    expect(new Set(registered.slice(0, 5).map((v) => v.version)).size).toBe(1);
    const versions = (await registry.list(NAME)).filter((v) => v.createdBy !== 'shipped');
    expect(versions).toHaveLength(4);
    expect(new Set(versions.map((v) => v.version)).size).toBe(4);
    expect(storedFiles()).toEqual(versions.map((v) => v.filePath).sort());
    for (const v of versions) expect(sha256(fs.readFileSync(v.filePath))).toBe(v.checksum);
  });

  it('releases the session of a version no longer active once no inference holds it, not before', async () => {
    const served = new ServedModels(registry);
    const shipped = (await registry.active(NAME))!;
    const candidate = await registry.register(NAME, constantModel(2, { seed: 9 }), {});

    let finishInference!: () => void;
    const inferenceGoesOn = new Promise<void>((resolve) => (finishInference = resolve));
    let retiredSession!: ort.InferenceSession;
    const inference = served.withActive(NAME, async ({ session, version }) => {
      retiredSession = session;
      expect(version).toBe(`${NAME}@${shipped.version}`);
      await inferenceGoesOn;
      return session.run(oneRow());
    });
    while (!retiredSession) await new Promise((resolve) => setImmediate(resolve));

    await registry.promote(NAME, candidate.version);
    expect(await served.withActive(NAME, async ({ version }) => version)).toBe(`${NAME}@${candidate.version}`);
    // Promoted while an inference ran on the old session: that inference still completes.
    finishInference();
    expect(Object.keys(await inference)).toContain(MLP_PROBABILITIES);
    // Then the old session is released: ONNX Runtime refuses to run it.
    await expect(retiredSession.run(oneRow())).rejects.toThrow();

    // A promotion made by another process (another registry on the same database) is seen at the next use.
    let candidateSession!: ort.InferenceSession;
    await served.withActive(NAME, async ({ session }) => void (candidateSession = session));
    await newRegistry().promote(NAME, shipped.version);
    expect(await served.withActive(NAME, async ({ version }) => version)).toBe(`${NAME}@${shipped.version}`);
    await expect(candidateSession.run(oneRow())).rejects.toThrow();
  });

  it('promotes and rolls back while another process writes to the database, waiting for it instead of failing', async () => {
    // A worker writing in its own connection (a retrain registering a version, an ingest's chunk) holds the write
    // lock; on SQLite a transaction that read first could not wait for it and failed at its first write.
    const candidate = await registry.register(NAME, constantModel(3, { seed: 21 }), {});
    for (const change of [() => registry.promote(NAME, candidate.version), () => registry.rollback(NAME)]) {
      const writer = await holdWriteLock(db.config.kind === 'sqlite' ? { sqliteFile: db.config.file } : { orm }, 300);
      await expect(change()).resolves.toMatchObject({ status: 'active' });
      await writer.committed;
    }
    expect((await registry.active(NAME))?.version).not.toBe(candidate.version);
  });

  it('sweeps files that no version refers to once they are an hour old', async () => {
    const orphan = path.join(blobDir, 'models', NAME, 'v99-crashed.onnx');
    const incoming = path.join(blobDir, 'models', '.incoming', 'crashed.onnx');
    for (const file of [orphan, incoming]) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'left by a crash');
    }
    const registeredFiles = (await registry.list(NAME)).filter((v) => v.createdBy !== 'shipped').map((v) => v.filePath);
    expect(await registry.sweepOrphanFiles()).toEqual([]);
    expect((await registry.sweepOrphanFiles(Date.now() + 2 * 60 * 60 * 1000)).sort()).toEqual([incoming, orphan].sort());
    expect(storedFiles()).toEqual(registeredFiles.sort());
  });
});

/**
 * Another connection's write transaction on model_version, open for `ms`. SQLite's is in a child process that
 * commits on its own: better-sqlite3 waits for a lock synchronously, so this process could not commit while it waits.
 */
async function holdWriteLock(on: { orm: MikroORM } | { sqliteFile: string }, ms: number): Promise<{ committed: Promise<void> }> {
  if ('orm' in on) {
    const em = on.orm.em.fork();
    await em.begin();
    await em.getConnection().execute('UPDATE model_version SET created_by = created_by', [], 'run', em.getTransactionContext());
    return { committed: new Promise((resolve) => setTimeout(resolve, ms)).then(() => em.commit()) };
  }
  const script = `const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE'); db.exec('UPDATE model_version SET created_by = created_by'); console.log('locked');
    setTimeout(() => db.exec('COMMIT'), Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, on.sqliteFile, String(ms)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  return { committed: once(child, 'exit').then(([code]) => expect(code).toBe(0)) };
}
