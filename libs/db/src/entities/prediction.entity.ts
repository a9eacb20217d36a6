import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A forecast: fault probability and the predicted value of one tag over a horizon. */
@Entity({ tableName: 'prediction' })
@Unique({ name: 'uq_prediction_point', properties: ['equipmentId', 'lotId', 'tag', 'predictedAt', 'horizonMinutes', 'modelVersion'] })
@Index({ name: 'ix_prediction_lot_time', properties: ['lotId', 'predictedAt'] })
@Index({ name: 'ix_prediction_job', properties: ['jobId'] })
export class Prediction {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  equipmentId!: number;

  @Property({ type: 'integer', nullable: true })
  lotId?: number;

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;

  @Property({ type: 'string', length: 32 })
  tag!: string;

  /** The time the forecast is made from. */
  @Property({ type: 'datetime', length: 3 })
  predictedAt!: Date;

  @Property({ type: 'integer' })
  horizonMinutes!: number;

  @Property({ type: 'double' })
  probability!: number;

  @Property({ type: 'double', nullable: true })
  predictedValue?: number;

  @Property({ type: 'string', length: 64 })
  modelVersion!: string;
}
