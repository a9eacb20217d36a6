import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ConflictError, InvalidInputError, NotFoundError } from '@him/contracts';
import { ModelStatus, ModelVersionRepository, type ModelVersionRecord } from '@him/db';
import { MODEL_SIGNATURES, OnnxModelRejectedError } from '@him/ml';
import { checkServableModelFile, type ModelCheckLimits } from './model-check';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What a new version carries besides its bytes. */
export interface NewModelVersion {
  metrics?: Record<string, unknown>;
  trainingWindow?: Record<string, unknown>;
  createdBy?: string;
}

export interface ModelRegistryOptions {
  blobDir: string;
  /** Where the models shipped with the platform live (`data/models/<name>/v<N>.onnx` + `v<N>.json`). */
  shippedDir: string;
  /** Limits of the process that loads an upload before it is registered. */
  check: ModelCheckLimits;
}

/** Told which version of a model is active after a promotion or rollback made in this process. */
export type ActiveVersionListener = (name: string, active: ModelVersionRecord) => void;

/** Files a crash left in the model store (written, never registered) are swept once they are this old. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/**
 * The model registry: versions per model name, at most one active, files in the blob store. Shared by the API
 * and the workers (stateless: everything lives in the database and the blob store). Promotion and rollback swap
 * the active version in one transaction; whoever serves a model reads the active version per use, so a
 * promotion takes effect without a restart.
 */
export class ModelRegistry {
  private readonly listeners = new Set<ActiveVersionListener>();

  constructor(
    private readonly versions: ModelVersionRepository,
    private readonly options: ModelRegistryOptions,
  ) {}

  private get modelsDir(): string {
    return path.join(this.options.blobDir, 'models');
  }

  /** A fresh installation serves the shipped models: they become the first versions, the newest active. */
  async registerShipped(): Promise<string[]> {
    const registered: string[] = [];
    for (const name of Object.keys(MODEL_SIGNATURES)) {
      const dir = path.join(this.options.shippedDir, name);
      if (!(await exists(dir)) || (await this.versions.countVersions(name)) > 0) continue;
      const numbers = (await fs.readdir(dir))
        .map((f) => Number(/^v(\d+)\.onnx$/.exec(f)?.[1]))
        .filter((v) => v > 0)
        .sort((a, b) => a - b);
      const records = [];
      for (const version of numbers) {
        const file = path.join(dir, `v${version}.onnx`);
        const report = path.join(dir, `v${version}.json`);
        const evaluation = (await exists(report)) ? (JSON.parse(await fs.readFile(report, 'utf8')) as Record<string, unknown>) : {};
        const { feature_names: _names, ...metrics } = evaluation;
        const newest = version === numbers[numbers.length - 1];
        records.push({
          name,
          version,
          checksum: sha256(await fs.readFile(file)),
          filePath: file,
          metrics,
          status: newest ? ModelStatus.Active : ModelStatus.Retired,
          createdBy: 'shipped',
          promotedAt: new Date(),
        });
      }
      // Null: another API instance or worker registered them first.
      if (await this.versions.insert(records)) registered.push(`${name} v${numbers.join(', v')}`);
    }
    return registered;
  }

  list(name?: string): Promise<ModelVersionRecord[]> {
    return this.versions.list(name);
  }

  async get(name: string, version: number): Promise<ModelVersionRecord> {
    const found = await this.versions.find(name, version);
    if (!found) throw new NotFoundError(`${name} version ${version} is not registered`);
    return found;
  }

  active(name: string): Promise<ModelVersionRecord | null> {
    return this.versions.findActive(name);
  }

  /** Calls `listener` after each promotion or rollback made through this registry (other processes see it on their next read). */
  onActiveVersion(listener: ActiveVersionListener): void {
    this.listeners.add(listener);
  }

  async promote(name: string, version: number): Promise<ModelVersionRecord> {
    const outcome = await this.versions.activate(name, version);
    if ('refused' in outcome) {
      if (outcome.refused === 'not_registered') throw new NotFoundError(`${name} version ${version} is not registered`);
      throw new ConflictError(`${name} version ${version} is already active`);
    }
    return this.activated(outcome.activated);
  }

  /** Puts back the version that was active before the current one. */
  async rollback(name: string): Promise<ModelVersionRecord> {
    const previous = await this.versions.reactivatePrevious(name);
    if (!previous) throw new ConflictError(`${name} has no earlier active version to roll back to`);
    return this.activated(previous);
  }

  private activated(active: ModelVersionRecord): ModelVersionRecord {
    for (const listener of this.listeners) listener(active.name, active);
    return active;
  }

  /**
   * Registers an externally trained ONNX model as a candidate, after checking it the way it will be served —
   * size, a real ONNX model, no external data files, the inputs and outputs the platform uses, loadable by ORT
   * within the check's memory and time, whatever else serving reads from the model's metadata — in a child process.
   */
  async upload(name: string, bytes: Uint8Array, createdBy: string | undefined): Promise<ModelVersionRecord> {
    const checksum = sha256(bytes);
    const registered = (same: ModelVersionRecord) => new ConflictError(`this file is already registered as ${name} version ${same.version}`);
    const same = await this.versions.findByChecksum(name, checksum);
    if (same) throw registered(same);
    const incoming = await this.writeIncoming(bytes);
    try {
      try {
        await checkServableModelFile(name, incoming, this.options.check);
      } catch (err) {
        if (err instanceof OnnxModelRejectedError) throw new InvalidInputError(`model refused: ${err.message}`, [{ field: 'file', message: err.message, reason: err.reason }]);
        throw err;
      }
      const { record, created } = await this.store(name, incoming, checksum, { createdBy });
      if (!created) throw registered(record);
      return record;
    } finally {
      await fs.rm(incoming, { force: true });
    }
  }

  /**
   * Stores a model file and registers it as the next candidate version. The same bytes register once: a retried
   * call (a retrain activity after a worker crash) gets the version the first call created.
   */
  async register(name: string, bytes: Uint8Array, details: NewModelVersion): Promise<ModelVersionRecord> {
    const checksum = sha256(bytes);
    const same = await this.versions.findByChecksum(name, checksum);
    if (same) return same;
    const incoming = await this.writeIncoming(bytes);
    try {
      return (await this.store(name, incoming, checksum, details)).record;
    } finally {
      await fs.rm(incoming, { force: true });
    }
  }

  /**
   * Removes files of the model store that no version refers to and that are older than an hour: what a crash
   * between writing and registering left. Younger ones may belong to a registration still under way.
   */
  async sweepOrphanFiles(now = Date.now()): Promise<string[]> {
    const referenced = new Set((await this.versions.list()).map((v) => path.resolve(v.filePath)));
    const entries = await fs.readdir(this.modelsDir, { recursive: true, withFileTypes: true }).catch(() => []);
    const removed: string[] = [];
    for (const entry of entries) {
      const file = path.resolve(entry.parentPath, entry.name);
      if (!entry.isFile() || referenced.has(file)) continue;
      const stat = await fs.stat(file).catch(() => null);
      if (!stat || now - stat.mtimeMs < ORPHAN_AGE_MS) continue;
      await fs.rm(file, { force: true });
      removed.push(file);
    }
    return removed;
  }

  /** Each registration writes its bytes once, under a name of its own, so no other request can touch them. */
  private async writeIncoming(bytes: Uint8Array): Promise<string> {
    const file = path.join(this.modelsDir, '.incoming', `${randomUUID()}.onnx`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes, { flag: 'wx' });
    return file;
  }

  /**
   * Moves this request's file to its place and registers it as the next version. The file keeps a name of its own
   * (the upload's id), so a racing request for the same version or the same bytes never overwrites or deletes it;
   * the loser of a race moves only its own file back and looks again: the same bytes registered meanwhile are
   * `created: false`, another model took the number: the next one.
   */
  private async store(name: string, incoming: string, checksum: string, details: NewModelVersion): Promise<{ record: ModelVersionRecord; created: boolean }> {
    const tag = path.basename(incoming, '.onnx').slice(0, 8);
    await fs.mkdir(path.join(this.modelsDir, name), { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const same = await this.versions.findByChecksum(name, checksum);
      if (same) return { record: same, created: false };
      const version = await this.versions.nextVersion(name);
      const file = path.join(this.modelsDir, name, `v${version}-${checksum.slice(0, 12)}-${tag}.onnx`);
      await fs.rename(incoming, file);
      let created: ModelVersionRecord | undefined;
      try {
        [created] = (await this.versions.insert([{ name, version, checksum, filePath: file, ...details }])) ?? [];
      } finally {
        if (!created) await fs.rename(file, incoming);
      }
      if (created) return { record: created, created: true };
      if (attempt === 5) throw new Error(`${name}: could not register a version, five version numbers were taken meanwhile`);
    }
  }
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );
