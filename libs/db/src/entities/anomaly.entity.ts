import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export enum AnomalyMethod {
  ZScore = 'zscore',
  IsolationForest = 'isolation_forest',
  /** The TEP detector's combined score (z-score and isolation forest). */
  Ensemble = 'ensemble',
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

/** Which IDV fault an alarm most resembles, by the fault identifier the sweep served with the detector. */
export interface ProbableFault {
  /** IDV number of the most probable fault. */
  fault: number;
  probability: number;
  /** The most probable faults, largest first (the first is `fault`). */
  candidates: { fault: number; probability: number }[];
  /** `name@version` of the identifier. */
  modelVersion: string;
}

/** A detected process anomaly, with the tags that contributed most and who acknowledged it. */
@Entity({ tableName: 'anomaly' })
@Unique({ name: 'uq_anomaly_point', properties: ['equipmentId', 'lotId', 'method', 'detectedAt', 'modelVersion'] })
@Index({ name: 'ix_anomaly_lot_time', properties: ['lotId', 'detectedAt'] })
@Index({ name: 'ix_anomaly_time', properties: ['detectedAt'] })
export class Anomaly {
  [OptionalProps]?: 'modelVersion';

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

  /** The observations the alarm's features were computed over (the detector's rolling window). */
  @Property({ type: JsonColumn, nullable: true })
  probableFault?: ProbableFault;

  @Property({ type: 'datetime', length: 3, nullable: true })
  windowStart?: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  windowEnd?: Date;

  /** `name@version` of the detector; part of the natural key, so each model version's alarms stand side by side. */
  @Property({ type: 'string', length: 64, default: '' })
  modelVersion: string = '';

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'string', length: 100, nullable: true })
  acknowledgedBy?: string;

  @Property({ type: 'datetime', length: 3, nullable: true })
  acknowledgedAt?: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  note?: string;
}
