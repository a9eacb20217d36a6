import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export enum ModelStatus {
  Candidate = 'candidate',
  Active = 'active',
  Retired = 'retired',
}

/** A registered ONNX model version; at most one version per name is active, and a file registers once per name. */
@Entity({ tableName: 'model_version' })
@Unique({ name: 'uq_model_version', properties: ['name', 'version'] })
@Unique({ name: 'uq_model_version_checksum', properties: ['name', 'checksum'] })
export class ModelVersion {
  [OptionalProps]?: 'status' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'string', length: 64 })
  checksum!: string;

  /** Path of the ONNX file in the blob store. */
  @Property({ type: 'string', length: 500 })
  filePath!: string;

  @Property({ type: JsonColumn, nullable: true })
  metrics?: Record<string, unknown>;

  @Property({ type: JsonColumn, nullable: true })
  trainingWindow?: Record<string, unknown>;

  @Enum({ items: () => ModelStatus })
  status: ModelStatus = ModelStatus.Candidate;

  @Property({ type: 'string', length: 100, nullable: true })
  createdBy?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  promotedAt?: Date;
}
