import { Inject, Injectable } from '@nestjs/common';
import { LockMode, MikroORM, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { ModelStatus, ModelVersion } from '../entities';
import type { Dialect } from '../orm-config';
import { takeWriteLock } from './sql';

/** A registered model version as the registry hands it on (the entity never leaves this file). */
export interface ModelVersionRecord {
  id: number;
  name: string;
  version: number;
  status: ModelStatus;
  /** SHA-256 of the ONNX file: one version per file and name. */
  checksum: string;
  /** Where the ONNX file is: the blob store, or data/models for the shipped versions. */
  filePath: string;
  metrics?: Record<string, unknown>;
  trainingWindow?: Record<string, unknown>;
  createdBy?: string;
  createdAt: Date;
  promotedAt?: Date;
}

export type NewModelVersionRecord = Pick<ModelVersionRecord, 'name' | 'version' | 'checksum' | 'filePath'> &
  Partial<Pick<ModelVersionRecord, 'status' | 'metrics' | 'trainingWindow' | 'createdBy' | 'promotedAt'>>;

/** What `activate` found: the version now active, or why nothing changed. */
export type Activation = { activated: ModelVersionRecord } | { refused: 'not_registered' | 'already_active' };

const toRecord = (m: ModelVersion): ModelVersionRecord => ({
  id: m.id,
  name: m.name,
  version: m.version,
  status: m.status,
  checksum: m.checksum,
  filePath: m.filePath,
  metrics: m.metrics,
  trainingWindow: m.trainingWindow,
  createdBy: m.createdBy,
  createdAt: m.createdAt,
  promotedAt: m.promotedAt,
});

/**
 * The `model_version` table: registered ONNX versions per model name, at most one of them active. Versions are
 * unique per name, and so are checksums, so a file registers once however many requests race to register it.
 */
@Injectable()
export class ModelVersionRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  async list(name?: string): Promise<ModelVersionRecord[]> {
    const found = await this.orm.em.fork().find(ModelVersion, name ? { name } : {}, { orderBy: { name: 'asc', version: 'desc' } });
    return found.map(toRecord);
  }

  async find(name: string, version: number): Promise<ModelVersionRecord | null> {
    const found = await this.orm.em.fork().findOne(ModelVersion, { name, version });
    return found && toRecord(found);
  }

  async findActive(name: string): Promise<ModelVersionRecord | null> {
    const found = await this.orm.em.fork().findOne(ModelVersion, { name, status: ModelStatus.Active });
    return found && toRecord(found);
  }

  async findByChecksum(name: string, checksum: string): Promise<ModelVersionRecord | null> {
    const found = await this.orm.em.fork().findOne(ModelVersion, { name, checksum });
    return found && toRecord(found);
  }

  async countVersions(name: string): Promise<number> {
    return this.orm.em.fork().count(ModelVersion, { name });
  }

  /** The number the next version of `name` would get (a racing insert may take it first: `insert` then says so). */
  async nextVersion(name: string): Promise<number> {
    const last = await this.orm.em.fork().findOne(ModelVersion, { name }, { orderBy: { version: 'desc' }, fields: ['version'] });
    return (last?.version ?? 0) + 1;
  }

  /**
   * Inserts versions together; null when one of them clashes with a registered version (its number or its file),
   * and then none is inserted.
   */
  async insert(versions: NewModelVersionRecord[]): Promise<ModelVersionRecord[] | null> {
    const em = this.orm.em.fork();
    try {
      const created = versions.map((v) => em.create(ModelVersion, { ...v, createdAt: new Date() }));
      await em.flush();
      return created.map(toRecord);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return null;
      throw err;
    }
  }

  /** In one transaction: `version` becomes the active one of `name` and the one active before is retired. */
  async activate(name: string, version: number): Promise<Activation> {
    return this.orm.em.fork().transactional(async (em) => {
      const versions = await this.lockVersions(em, name);
      const target = versions.find((v) => v.version === version);
      if (!target) return { refused: 'not_registered' };
      if (target.status === ModelStatus.Active) return { refused: 'already_active' };
      for (const v of versions) if (v.status === ModelStatus.Active) v.status = ModelStatus.Retired;
      em.assign(target, { status: ModelStatus.Active, promotedAt: new Date() });
      return { activated: toRecord(target) };
    });
  }

  /** In one transaction: the version active before the current one becomes active again; null when there is none. */
  async reactivatePrevious(name: string): Promise<ModelVersionRecord | null> {
    return this.orm.em.fork().transactional(async (em) => {
      const versions = await this.lockVersions(em, name);
      const current = versions.find((v) => v.status === ModelStatus.Active);
      const previous = versions
        .filter((v) => v.status === ModelStatus.Retired && v.promotedAt && v !== current)
        .sort((a, b) => b.promotedAt!.getTime() - a.promotedAt!.getTime() || b.version - a.version)[0];
      if (!previous) return null;
      if (current) current.status = ModelStatus.Retired;
      em.assign(previous, { status: ModelStatus.Active, promotedAt: new Date() });
      return toRecord(previous);
    });
  }

  /** Every version of `name`, locked until the transaction ends, so two promotions cannot leave two versions active. */
  private async lockVersions(em: EntityManager, name: string): Promise<ModelVersion[]> {
    if (this.dialect === 'mysql') return em.find(ModelVersion, { name }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    await takeWriteLock(em, 'model_version');
    return em.find(ModelVersion, { name });
  }
}
