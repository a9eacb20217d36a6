import { BigIntType, Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A series the diagnosis sweep follows: one machine+sensor capture stream, or one process lot. */
export enum SeriesKind {
  CaptureStream = 'capture_stream',
  Lot = 'lot',
}

/**
 * How far the sweep has diagnosed one series with one model. It advances in the transaction that writes the
 * diagnoses, anomalies or predictions up to it, so a sweep that dies between two writes resumes where it stopped.
 */
@Entity({ tableName: 'sweep_watermark' })
@Unique({ name: 'uq_sweep_watermark_series', properties: ['seriesKind', 'seriesKey', 'modelName'] })
export class SweepWatermark {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Enum({ items: () => SeriesKind })
  seriesKind!: SeriesKind;

  /** `g3/1` (machine/sensor) for a capture stream, the lot code for a lot. */
  @Property({ type: 'string', length: 100 })
  seriesKey!: string;

  /** The registry name of the model (vibration-classifier, tep-detector, tep-lstm). */
  @Property({ type: 'string', length: 64 })
  modelName!: string;

  /** The last capture id diagnosed (capture streams), or the epoch ms of the last observation scored (lots). */
  @Property({ type: new BigIntType('number') })
  position!: number;

  /** Data time the series is diagnosed up to: the last capture's or observation's time. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  dataUntil?: Date;

  /** `name@version` that wrote up to the watermark last. */
  @Property({ type: 'string', length: 64, nullable: true })
  modelVersion?: string;

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
