import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A live vibration capture: a few seconds of one signal from one sensor, sent periodically. */
@Entity({ tableName: 'capture' })
@Unique({ name: 'uq_capture_series_time', properties: ['machineName', 'sensorNo', 'capturedAt'] })
@Index({ name: 'ix_capture_captured_at', properties: ['capturedAt'] })
export class Capture {
  [OptionalProps]?: 'sampleCount';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 50 })
  machineName!: string;

  @Property({ type: 'string', length: 20 })
  sensorNo!: string;

  @Property({ type: 'datetime', length: 3 })
  capturedAt!: Date;

  @Property({ type: 'double', nullable: true })
  samplingRateHz?: number;

  @Property({ type: 'integer', default: 0 })
  sampleCount: number = 0;

  @Property({ type: 'integer', nullable: true })
  ingestId?: number;
}
