import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';
import { SeriesKind } from './sweep-watermark.entity';

/**
 * What one model version saw of one series on one day (the data's UTC day), counted into the bins of its training
 * distribution. The sweep adds each batch's counts in the transaction that moves the series' watermark, and records
 * the batch's last position: a batch at or below it was counted already, so a retried or repeated sweep counts nothing
 * twice. The PSI is recomputed from the counts each time.
 */
@Entity({ tableName: 'model_drift' })
@Unique({ name: 'uq_model_drift_series_day', properties: ['modelName', 'modelVersion', 'seriesKind', 'seriesKey', 'day'] })
@Index({ name: 'ix_model_drift_model_day', properties: ['modelName', 'day'] })
export class ModelDrift {
  [OptionalProps]?: 'updatedAt' | 'position';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  modelName!: string;

  /** `name@version`. */
  @Property({ type: 'string', length: 64 })
  modelVersion!: string;

  @Enum({ items: () => SeriesKind })
  seriesKind!: SeriesKind;

  @Property({ type: 'string', length: 100 })
  seriesKey!: string;

  @Property({ type: 'date' })
  day!: string;

  /** The series' watermark position after the last batch counted here (capture id, or epoch ms of an observation). */
  @Property({ type: new BigIntType('number'), default: 0 })
  position!: number;

  /** Rows counted: windows (capture streams) or observations the detector did not alarm on (lots). */
  @Property({ type: 'integer' })
  samples!: number;

  /** Per class label, per feature, the rows in each bin. */
  @Property({ type: JsonColumn })
  counts!: Record<string, number[][]>;

  /** Median over features of their PSI against the training distribution. */
  @Property({ type: 'double' })
  psi!: number;

  /** The features with the largest PSI, largest first. */
  @Property({ type: JsonColumn })
  topFeatures!: { feature: string; psi: number }[];

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** What a sweep did about a model's drift on a day: nothing needed, too little data, noted, or a retrain started. */
export enum DriftDecision {
  Stable = 'stable',
  TooFewSamples = 'too_few_samples',
  Off = 'off',
  Notified = 'notified',
  RetrainStarted = 'retrain_started',
  RetrainRunning = 'retrain_running',
}

/** One model version's drift on one day over all its series, and the decision taken on it (the latest sweep's). */
@Entity({ tableName: 'drift_check' })
@Unique({ name: 'uq_drift_check_model_day', properties: ['modelName', 'modelVersion', 'day'] })
export class DriftCheck {
  [OptionalProps]?: 'checkedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  modelName!: string;

  @Property({ type: 'string', length: 64 })
  modelVersion!: string;

  @Property({ type: 'date' })
  day!: string;

  @Property({ type: 'integer' })
  series!: number;

  @Property({ type: 'integer' })
  samples!: number;

  @Property({ type: 'double' })
  psi!: number;

  @Property({ type: 'double' })
  threshold!: number;

  @Property({ type: JsonColumn })
  topFeatures!: { feature: string; psi: number }[];

  @Enum({ items: () => DriftDecision })
  decision!: DriftDecision;

  /** Why, in words: the figures against the threshold and the policy. */
  @Property({ type: 'text' })
  reason!: string;

  @Property({ type: 'string', length: 255, nullable: true })
  retrainWorkflowId?: string;

  /** The sweep that decided. */
  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date(), onUpdate: () => new Date() })
  checkedAt: Date = new Date();
}
