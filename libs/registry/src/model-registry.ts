import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { ConflictError, InvalidInputError, NotFoundError } from '@him/contracts';
import { ModelStatus, ModelVersion } from '@him/db';
import { loadServableModel, MODEL_SIGNATURES, OnnxModelRejectedError } from '@him/ml';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What a new version carries besides its bytes. */
export interface NewModelVersion {
  metrics?: Record<string, unknown>;
  trainingWindow?: Record<string, unknown>;
  createdBy?: string;
}

/**
 * The model registry: versions per model name, at most one active, files in the blob store. Shared by the API
 * and the workers (stateless: everything lives in the database and the blob store). Promotion and rollback swap
 * the active version in one transaction; whoever serves a model reads the active version per use, so a
 * promotion takes effect without a restart.
 */
export class ModelRegistry {
  constructor(
    private readonly orm: MikroORM,
    private readonly blobDir: string,
    /** Where the models shipped with the platform live (`data/models/<name>/v<N>.onnx` + `v<N>.json`). */
    private readonly shippedDir: string,
  ) {}

  /** A fresh installation serves the shipped models: they become the first versions, the newest active. */
  async registerShipped(): Promise<string[]> {
    const registered: string[] = [];
    for (const name of Object.keys(MODEL_SIGNATURES)) {
      const dir = path.join(this.shippedDir, name);
      const em = this.orm.em.fork();
      if (!fs.existsSync(dir) || (await em.count(ModelVersion, { name })) > 0) continue;
      const versions = fs.readdirSync(dir).map((f) => Number(/^v(\d+)\.onnx$/.exec(f)?.[1])).filter((v) => v > 0).sort((a, b) => a - b);
      for (const version of versions) {
        const file = path.join(dir, `v${version}.onnx`);
        const report = path.join(dir, `v${version}.json`);
        const { feature_names: _names, ...metrics } = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : {};
        em.create(ModelVersion, {
          name,
          version,
          checksum: sha256(fs.readFileSync(file)),
          filePath: file,
          metrics,
          status: version === versions[versions.length - 1] ? ModelStatus.Active : ModelStatus.Retired,
          createdBy: 'shipped',
          createdAt: new Date(),
          promotedAt: new Date(),
        });
      }
      try {
        await em.flush();
        registered.push(`${name} v${versions.join(', v')}`);
      } catch (err) {
        // Another API instance or worker registered them first.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
      }
    }
    return registered;
  }

  list(name?: string): Promise<ModelVersion[]> {
    return this.orm.em.fork().find(ModelVersion, name ? { name } : {}, { orderBy: { name: 'asc', version: 'desc' } });
  }

  async get(name: string, version: number): Promise<ModelVersion> {
    const found = await this.orm.em.fork().findOne(ModelVersion, { name, version });
    if (!found) throw new NotFoundError(`${name} version ${version} is not registered`);
    return found;
  }

  active(name: string): Promise<ModelVersion | null> {
    return this.orm.em.fork().findOne(ModelVersion, { name, status: ModelStatus.Active });
  }

  async promote(name: string, version: number): Promise<ModelVersion> {
    return this.orm.em.fork().transactional(async (em) => {
      const target = await em.findOne(ModelVersion, { name, version });
      if (!target) throw new NotFoundError(`${name} version ${version} is not registered`);
      if (target.status === ModelStatus.Active) throw new ConflictError(`${name} version ${version} is already active`);
      await em.nativeUpdate(ModelVersion, { name, status: ModelStatus.Active }, { status: ModelStatus.Retired });
      em.assign(target, { status: ModelStatus.Active, promotedAt: new Date() });
      return target;
    });
  }

  /** Puts back the version that was active before the current one. */
  async rollback(name: string): Promise<ModelVersion> {
    return this.orm.em.fork().transactional(async (em) => {
      const current = await em.findOne(ModelVersion, { name, status: ModelStatus.Active });
      const previous = await em.findOne(
        ModelVersion,
        { name, status: ModelStatus.Retired, promotedAt: { $ne: null }, ...(current ? { id: { $ne: current.id } } : {}) },
        { orderBy: { promotedAt: 'desc', version: 'desc' } },
      );
      if (!previous) throw new ConflictError(`${name} has no earlier active version to roll back to`);
      if (current) current.status = ModelStatus.Retired;
      em.assign(previous, { status: ModelStatus.Active, promotedAt: new Date() });
      return previous;
    });
  }

  /**
   * Registers an externally trained ONNX model as a candidate, after checking it the way it will be served:
   * size, a real ONNX model, no external data files, the inputs and outputs the platform uses, loadable by ORT, and
   * whatever else serving reads from the model's metadata.
   */
  async upload(name: string, bytes: Uint8Array, createdBy: string | undefined): Promise<ModelVersion> {
    try {
      await (await loadServableModel(name, bytes)).session.release();
    } catch (err) {
      if (err instanceof OnnxModelRejectedError) throw new InvalidInputError(`model refused: ${err.message}`, [{ field: 'file', message: err.message, reason: err.reason }]);
      throw err;
    }
    const same = await this.orm.em.fork().findOne(ModelVersion, { name, checksum: sha256(bytes) });
    if (same) throw new ConflictError(`this file is already registered as ${name} version ${same.version}`);
    return this.register(name, bytes, { createdBy });
  }

  /**
   * Stores a model file and registers it as the next candidate version. The same bytes register once: a retried
   * call (a retrain activity after a worker crash) gets the version the first call created.
   */
  async register(name: string, bytes: Uint8Array, details: NewModelVersion): Promise<ModelVersion> {
    const checksum = sha256(bytes);
    for (let attempt = 0; ; attempt++) {
      const em = this.orm.em.fork();
      const same = await em.findOne(ModelVersion, { name, checksum });
      if (same) return same;
      const last = await em.findOne(ModelVersion, { name }, { orderBy: { version: 'desc' } });
      const version = (last?.version ?? 0) + 1;
      const file = path.join(this.blobDir, 'models', name, `v${version}-${checksum.slice(0, 12)}.onnx`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      try {
        const created = em.create(ModelVersion, { name, version, checksum, filePath: file, ...details, createdAt: new Date() });
        await em.flush();
        return created;
      } catch (err) {
        // Two registrations raced for the same version number: the loser takes the next one.
        fs.rmSync(file, { force: true });
        if (!(err instanceof UniqueConstraintViolationException) || attempt >= 3) throw err;
      }
    }
  }
}
