import { BigIntType, Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export enum AnomalyMethod {
  ZScore = 'zscore',
  IsolationForest = 'isolation_forest',
}

export enum Severity {
  Low = 'low',
  Medium = 'medium',
  High = 'high',
  Critical = 'critical',
}

export interface TagContribution {
  tag: string;
  contribution: number;
}

/** A detected process anomaly, with the tags that contributed most and who acknowledged it. */
@Entity({ tableName: 'anomaly' })
@Unique({ name: 'uq_anomaly_point', properties: ['equipmentId', 'method', 'detectedAt'] })
@Index({ name: 'ix_anomaly_lot_time', properties: ['lotId', 'detectedAt'] })
@Index({ name: 'ix_anomaly_time', properties: ['detectedAt'] })
export class Anomaly {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  equipmentId!: number;

  @Property({ type: 'integer', nullable: true })
  lotId?: number;

  @Property({ type: 'datetime', length: 3 })
  detectedAt!: Date;

  @Enum({ items: () => AnomalyMethod })
  method!: AnomalyMethod;

  @Property({ type: 'double' })
  score!: number;

  @Enum({ items: () => Severity })
  severity!: Severity;

  @Property({ type: JsonColumn, nullable: true })
  topTags?: TagContribution[];

  @Property({ type: 'string', length: 64, nullable: true })
  modelVersion?: string;

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'string', length: 100, nullable: true })
  acknowledgedBy?: string;

  @Property({ type: 'datetime', length: 3, nullable: true })
  acknowledgedAt?: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  note?: string;
}
