import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** One row of a KAMP vibration recording (the seed's table, kept with its column names). */
@Entity({ tableName: 'vibration_data' })
@Unique({ name: 'uq_vibration_data_sample', properties: ['machineName', 'sensorNo', 'collectedAt', 'measuredTime'] })
@Index({ name: 'ix_vibration_data_series_time', properties: ['machineName', 'sensorNo', 'measuredTime'] })
export class VibrationData {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 50 })
  machineName!: string;

  @Property({ type: 'string', length: 20 })
  sensorNo!: string;

  /** When the recording was taken; part of the natural key so two recordings of one sensor never collide. */
  @Property({ type: 'datetime', length: 3 })
  collectedAt!: Date;

  /** Seconds from the start of the recording. DOUBLE, not the seed's FLOAT, so keys compare exactly. */
  @Property({ type: 'double' })
  measuredTime!: number;

  @Property({ type: 'double' })
  normal!: number;

  @Property({ type: 'double' })
  unbalance!: number;

  @Property({ type: 'double' })
  looseness!: number;

  @Property({ type: 'double' })
  unbalanceLooseness!: number;
}
