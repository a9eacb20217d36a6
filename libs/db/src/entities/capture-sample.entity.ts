import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One sample of a capture; the natural key (capture, measured_time) makes re-sends idempotent. */
@Entity({ tableName: 'capture_sample' })
export class CaptureSample {
  @PrimaryKey({ type: new BigIntType('number') })
  captureId!: number;

  /** Seconds from the start of the capture. */
  @PrimaryKey({ type: 'double' })
  measuredTime!: number;

  @Property({ type: 'double' })
  value!: number;
}
