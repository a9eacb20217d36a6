import * as fs from 'node:fs/promises';
import type { InferenceSession } from 'onnxruntime-node';
import { DependencyUnavailableError } from '@him/contracts';
import { ModelStatus, type ModelVersionRecord } from '@him/db';
import { loadServableModel, type OnnxModelMetadata } from '@him/ml';
import type { ModelRegistry } from './model-registry';

const SESSION_OPTIONS: InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/** A registered version loaded into ONNX Runtime. */
export interface ServedModel {
  session: InferenceSession;
  /** `name@version`, as predictions record it. */
  version: string;
  record: ModelVersionRecord;
  metadata: OnnxModelMetadata;
}

interface LoadedVersion {
  name: string;
  model: Promise<ServedModel>;
  /** Inferences running on the session now. */
  users: number;
  /** No longer the active version: released when the last user is done. */
  retired: boolean;
}

/**
 * ONNX Runtime sessions of registered versions, loaded on first use and kept by registry id. `withActive()` reads
 * the registry on every call, so a promotion or rollback reaches the API and every worker without a restart. The
 * session of a version that is no longer active is released once no inference holds it; a process learns of the
 * change at a promotion or rollback of its own, or at its next use of the model.
 */
export class ServedModels {
  private readonly loaded = new Map<number, LoadedVersion>();

  constructor(private readonly registry: ModelRegistry) {
    registry.onActiveVersion((name, active) => this.retireAllBut(name, active.id));
  }

  /** Runs `inference` on the active version of `name`; its session stays loaded at least until `inference` settles. */
  async withActive<T>(name: string, inference: (model: ServedModel) => Promise<T>): Promise<T> {
    const active = await this.registry.active(name);
    if (!active) throw new DependencyUnavailableError(`no active ${name}: promote a version first`);
    return this.withVersion(active, inference);
  }

  /** Runs `inference` on the active version of `name`, or with undefined when none is active (a model a lot can do without). */
  async withActiveIfAny<T>(name: string, inference: (model: ServedModel | undefined) => Promise<T>): Promise<T> {
    const active = await this.registry.active(name);
    return active ? this.withVersion(active, inference) : inference(undefined);
  }

  /** Runs `inference` on one registered version, as the registry gave it (the champion a retrain scores, say). */
  async withVersion<T>(record: ModelVersionRecord, inference: (model: ServedModel) => Promise<T>): Promise<T> {
    if (record.status === ModelStatus.Active) this.retireAllBut(record.name, record.id);
    const entry = this.entry(record);
    entry.users++;
    try {
      return await inference(await entry.model);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) this.release(record.id, entry);
    }
  }

  private entry(record: ModelVersionRecord): LoadedVersion {
    const active = record.status === ModelStatus.Active;
    const known = this.loaded.get(record.id);
    if (known) {
      if (active) known.retired = false;
      return known;
    }
    const model = fs.readFile(record.filePath).then(async (bytes) => {
      // One thread per inference: a worker already runs several at once (its activity slots), and ONNX Runtime's own
      // pool spins between runs — in the sweep bench its second thread burnt 0.2–0.3 CPU s of the 2 cores' budget.
      const { session, metadata } = await loadServableModel(record.name, bytes, SESSION_OPTIONS);
      return { session, metadata, record, version: `${record.name}@${record.version}` };
    });
    const entry: LoadedVersion = { name: record.name, model, users: 0, retired: !active };
    // A load that failed is tried again at the next use.
    void model.catch(() => this.loaded.get(record.id) === entry && this.loaded.delete(record.id));
    this.loaded.set(record.id, entry);
    return entry;
  }

  private retireAllBut(name: string, activeId: number): void {
    for (const [id, entry] of this.loaded) {
      if (entry.name !== name || id === activeId) continue;
      entry.retired = true;
      if (entry.users === 0) this.release(id, entry);
    }
  }

  private release(id: number, entry: LoadedVersion): void {
    if (this.loaded.get(id) === entry) this.loaded.delete(id);
    void entry.model.then(
      (m) => m.session.release(),
      () => undefined,
    );
  }
}
