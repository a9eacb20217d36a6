import { BigIntType, Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export const FAULT_TYPES = { normal: 0, unbalance: 1, looseness: 2, unbalanceLooseness: 3 } as const;
export type FaultType = (typeof FAULT_TYPES)[keyof typeof FAULT_TYPES];

/** A fault diagnosis for a machine (the seed's table, extended). */
@Entity({ tableName: 'vibration_diagnosis' })
@Unique({ name: 'uq_vibration_diagnosis_window', properties: ['machineName', 'detectedAt', 'sensorNo'] })
@Index({ name: 'ix_vibration_diagnosis_job', properties: ['jobId'] })
export class VibrationDiagnosis {
  [OptionalProps]?: 'sensorNo';

  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 50 })
  machineName!: string;

  /** Empty for a machine-level diagnosis (as the seed's ML team posted them). */
  @Property({ type: 'string', length: 20, default: '' })
  sensorNo: string = '';

  @Property({ type: 'datetime', length: 3 })
  detectedAt!: Date;

  /** 0 normal, 1 mass unbalance, 2 support looseness, 3 both. */
  @Property({ type: 'tinyint' })
  faultType!: FaultType;

  @Property({ type: 'datetime', length: 3, nullable: true })
  windowStart?: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  windowEnd?: Date;

  @Property({ type: 'double', nullable: true })
  confidence?: number;

  /** Class probabilities [p0, p1, p2, p3]. */
  @Property({ type: JsonColumn, nullable: true })
  probabilities?: number[];

  @Property({ type: 'string', length: 64, nullable: true })
  modelVersion?: string;

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;
}
