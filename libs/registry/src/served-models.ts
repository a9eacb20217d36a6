import * as fs from 'node:fs';
import type { InferenceSession } from 'onnxruntime-node';
import { DependencyUnavailableError } from '@him/contracts';
import type { ModelVersion } from '@him/db';
import { loadServableModel, type OnnxModelMetadata } from '@him/ml';
import type { ModelRegistry } from './model-registry';

/** A registered version loaded into ONNX Runtime. */
export interface ServedModel {
  session: InferenceSession;
  /** `name@version`, as predictions record it. */
  version: string;
  record: ModelVersion;
  metadata: OnnxModelMetadata;
}

/**
 * ONNX Runtime sessions of registered versions, loaded on first use and kept by registry id. `active()` reads the
 * registry on every call, so a promotion or rollback reaches the API and every worker without a restart.
 */
export class ServedModels {
  private readonly sessions = new Map<number, Promise<ServedModel>>();

  constructor(private readonly registry: ModelRegistry) {}

  async active(name: string): Promise<ServedModel> {
    const active = await this.registry.active(name);
    if (!active) throw new DependencyUnavailableError(`no active ${name}: promote a version first`);
    return this.load(active);
  }

  load(record: ModelVersion): Promise<ServedModel> {
    let served = this.sessions.get(record.id);
    if (!served) {
      served = loadServableModel(record.name, fs.readFileSync(record.filePath)).then(({ session, metadata }) => ({
        session,
        version: `${record.name}@${record.version}`,
        record,
        metadata,
      }));
      served.catch(() => this.sessions.delete(record.id));
      this.sessions.set(record.id, served);
    }
    return served;
  }
}
