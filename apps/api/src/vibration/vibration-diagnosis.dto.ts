import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import { FAULT_TYPES, type DiagnosisRecord, type FaultType } from '@him/db';
import { IsFiniteNumber, IsMachineName, IsNotLessThanField, IsSensorNo, IsUtcDateTime } from './vibration.validation';
import { Optional, ToNumber } from '../common/validation';

export const MAX_DIAGNOSIS_BULK_ROWS = 5000;
const FAULT_TYPE_VALUES = Object.values(FAULT_TYPES);
const FAULT_TYPE_DESCRIPTION = '0 normal, 1 mass unbalance, 2 support looseness, 3 both';

/** What a single diagnosis and a bulk row share; they differ in whether detected_at may be left to the server. */
abstract class VibrationDiagnosisFieldsDto {
  @ApiProperty({ example: 'g1' })
  @IsMachineName()
  machine_name!: string;

  @ApiProperty({ type: 'integer', enum: FAULT_TYPE_VALUES, example: 1, description: FAULT_TYPE_DESCRIPTION })
  @IsInt()
  @IsIn(FAULT_TYPE_VALUES, { message: `fault_type must be one of ${FAULT_TYPE_VALUES.join(', ')} (${FAULT_TYPE_DESCRIPTION})` })
  fault_type!: FaultType;

  @ApiPropertyOptional({ example: 'sensor1', description: 'Omitted or empty for a machine-level diagnosis' })
  @Optional()
  @IsSensorNo(0)
  sensor_no?: string;

  @ApiPropertyOptional({ example: 0.93, minimum: 0, maximum: 1 })
  @Optional()
  @IsFiniteNumber()
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({
    type: [Number],
    minItems: 4,
    maxItems: 4,
    minimum: 0,
    maximum: 1,
    example: [0.02, 0.93, 0.04, 0.01],
    description: 'Class probabilities [p0, p1, p2, p3], each in [0, 1]',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(4)
  @ArrayMaxSize(4)
  @IsFiniteNumber({ each: true })
  @Min(0, { each: true })
  @Max(1, { each: true })
  probabilities?: number[];

  @ApiPropertyOptional({ example: 'vibration-mlp-7', minLength: 1, maxLength: 64 })
  @Optional()
  @IsString()
  @Length(1, 64)
  model_version?: string;

  @ApiPropertyOptional({ example: '2026-04-26T02:59:55.000Z', description: 'Start of the diagnosed window' })
  @Optional()
  @IsUtcDateTime()
  window_start?: Date;

  @ApiPropertyOptional({ example: '2026-04-26T03:00:00.000Z', description: 'End of the diagnosed window; not before window_start' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('window_start')
  window_end?: Date;
}

export class VibrationDiagnosisCreateDto extends VibrationDiagnosisFieldsDto {
  @ApiPropertyOptional({ example: '2026-04-26T03:00:00.000Z', description: 'When the fault was seen (UTC unless an offset is given); default now' })
  @Optional()
  @IsUtcDateTime()
  detected_at?: Date;
}

/**
 * A row of a bulk upload. detected_at is required here: rows left to "now" would share one timestamp, so all but one
 * per machine would count as duplicates, and a retried upload could not be recognised.
 */
export class VibrationDiagnosisBulkRowDto extends VibrationDiagnosisFieldsDto {
  @ApiProperty({ example: '2026-04-26T03:00:00.000Z', description: 'When the fault was seen (UTC unless an offset is given)' })
  @IsUtcDateTime()
  detected_at!: Date;
}

/** The enveloped form of a bulk upload; a bare array of diagnoses is accepted too. */
export class VibrationDiagnosisBulkDto {
  @ApiProperty({ type: [VibrationDiagnosisBulkRowDto], maxItems: MAX_DIAGNOSIS_BULK_ROWS, description: `At most ${MAX_DIAGNOSIS_BULK_ROWS} rows (more: 413)` })
  rows!: VibrationDiagnosisBulkRowDto[];
}

export class VibrationDiagnosisSearchDto {
  @ApiPropertyOptional({ type: 'integer', default: 1000, minimum: 1, maximum: 10_000 })
  @Optional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit: number = 1000;

  @ApiPropertyOptional({ example: 'g1' })
  @Optional()
  @IsMachineName()
  machine_name?: string;

  @ApiPropertyOptional({ example: 'sensor1', description: "One sensor's diagnoses (machine-level ones have none)" })
  @Optional()
  @IsSensorNo()
  sensor_no?: string;

  @ApiPropertyOptional({ type: 'integer', enum: FAULT_TYPE_VALUES, description: FAULT_TYPE_DESCRIPTION })
  @Optional()
  @ToNumber()
  @IsInt()
  @IsIn(FAULT_TYPE_VALUES)
  fault_type?: FaultType;

  @ApiPropertyOptional({ description: 'Detected at or after', example: '2026-04-26T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  from?: Date;

  @ApiPropertyOptional({ description: 'Detected at or before; not before from', example: '2026-04-28T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('from')
  to?: Date;
}

export class VibrationDiagnosisGroupedRecentDto {
  @ApiPropertyOptional({ type: 'integer', default: 10, minimum: 1, maximum: 1000, description: 'Diagnoses per machine' })
  @Optional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 10;
}

export class VibrationDiagnosisResponseDto {
  @ApiProperty({ example: 52871 }) id!: number;
  @ApiProperty({ example: 'g1' }) machine_name!: string;
  @ApiProperty({ example: 'sensor1', nullable: true, type: String, description: 'null for a machine-level diagnosis' }) sensor_no!: string | null;
  @ApiProperty({ example: '2026-04-26T03:00:00.000Z', format: 'date-time' }) detected_at!: string;
  @ApiProperty({ enum: FAULT_TYPE_VALUES, example: 1, description: FAULT_TYPE_DESCRIPTION }) fault_type!: FaultType;
  @ApiProperty({ example: 0.93, nullable: true, type: Number }) confidence!: number | null;
  @ApiProperty({ example: [0.02, 0.93, 0.04, 0.01], nullable: true, type: [Number] }) probabilities!: number[] | null;
  @ApiProperty({ example: 'vibration-mlp-7', nullable: true, type: String }) model_version!: string | null;
  @ApiProperty({ example: '2026-04-26T02:59:55.000Z', nullable: true, type: String, format: 'date-time' }) window_start!: string | null;
  @ApiProperty({ example: '2026-04-26T03:00:00.000Z', nullable: true, type: String, format: 'date-time' }) window_end!: string | null;
  @ApiProperty({ example: 'nightly-sweep-2026-04-26', nullable: true, type: String, description: 'Workflow that wrote it' }) job_id!: string | null;
}

export class VibrationDiagnosisCreatedResponseDto extends VibrationDiagnosisResponseDto {
  @ApiProperty({ example: true, description: 'false: this diagnosis was already stored and is returned unchanged' })
  created!: boolean;
}

export function mapVibrationDiagnosis(d: DiagnosisRecord): VibrationDiagnosisResponseDto {
  return {
    id: d.id,
    machine_name: d.machineName,
    sensor_no: d.sensorNo === '' ? null : d.sensorNo,
    detected_at: d.detectedAt.toISOString(),
    fault_type: d.faultType,
    confidence: d.confidence ?? null,
    probabilities: d.probabilities ?? null,
    model_version: d.modelVersion ?? null,
    window_start: d.windowStart?.toISOString() ?? null,
    window_end: d.windowEnd?.toISOString() ?? null,
    job_id: d.jobId ?? null,
  };
}
