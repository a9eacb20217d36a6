import { BigIntType, Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export const FAULT_TYPES = { normal: 0, unbalance: 1, looseness: 2, unbalanceLooseness: 3 } as const;
export type FaultType = (typeof FAULT_TYPES)[keyof typeof FAULT_TYPES];

/** What a diagnosis covers: one 1 s window of a signal, or a whole capture (its windows' probabilities averaged). */
export enum DiagnosisLevel {
  Window = 'window',
  Capture = 'capture',
}

/**
 * A fault diagnosis for a machine (the seed's table, extended). The natural key includes the level and the model
 * version, so a re-run of the sweep writes nothing new and a newer model's run adds its own rows; a diagnosis posted
 * without a model version (as the seed's ML team posted them) has the empty version and dedupes as before.
 */
@Entity({ tableName: 'vibration_diagnosis' })
@Unique({ name: 'uq_vibration_diagnosis_window', properties: ['machineName', 'detectedAt', 'sensorNo', 'level', 'modelVersion'] })
@Index({ name: 'ix_vibration_diagnosis_job', properties: ['jobId'] })
@Index({ name: 'ix_vibration_diagnosis_capture', properties: ['captureId', 'level'] })
@Index({ name: 'ix_vibration_diagnosis_level_time', properties: ['machineName', 'level', 'detectedAt'] })
export class VibrationDiagnosis {
  [OptionalProps]?: 'sensorNo' | 'level' | 'modelVersion';

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

  /** `name@version` of the model that diagnosed; empty for a posted diagnosis. */
  @Property({ type: 'string', length: 64, default: '' })
  modelVersion: string = '';

  @Enum({ items: () => DiagnosisLevel, default: DiagnosisLevel.Window })
  level: DiagnosisLevel = DiagnosisLevel.Window;

  /** The live capture diagnosed, for the sweep's diagnoses. */
  @Property({ type: new BigIntType('number'), nullable: true })
  captureId?: number;

  @Property({ type: 'string', length: 255, nullable: true })
  jobId?: string;
}
