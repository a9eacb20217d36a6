import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { FAULT_TYPES, type DiagnosisRecord, type FaultType } from '@him/db';
import { VIBRATION_CLASSES } from '@him/ml';
import { Optional } from '../common/validation';

const FAULT_TYPE_VALUES = Object.values(FAULT_TYPES);
export const FAULT_TYPE_DESCRIPTION = '0 normal, 1 mass unbalance, 2 support looseness, 3 both';

/** Points a downsampled series is cut to: 1,000 unless asked, 10–10,000 (a route may allow more). */
export const MAX_POINTS = 10_000;
export const DownsamplePoints = (what: string, max = MAX_POINTS): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      default: 1000,
      minimum: 10,
      maximum: max,
      description: `At most this many points of ${what}. A series of no more samples comes whole; a longer one is cut into points/2 buckets of equal duration, each giving its minimum and maximum (so no peak is lost), placed at the bucket's first and last sample time in the order of the bucket's trend (rising — the mean of its second half above that of its first — minimum first)`,
    }),
    Optional(),
    Type(() => Number),
    IsInt(),
    Min(10),
    Max(max),
  );

/** A capture-level diagnosis: the classifier's verdict on a whole capture (its windows' probabilities averaged). */
export class CaptureDiagnosisDto {
  @ApiProperty({ type: 'integer', enum: FAULT_TYPE_VALUES, example: 2, description: FAULT_TYPE_DESCRIPTION }) fault_type!: FaultType;
  @ApiProperty({ enum: VIBRATION_CLASSES, example: 'looseness' }) fault_name!: string;
  @ApiProperty({ example: 0.97, nullable: true, type: Number, description: 'Probability of the diagnosed class' }) confidence!: number | null;
  @ApiProperty({ example: 'vibration-classifier@3', description: 'Model (name@version) that diagnosed; empty for a posted diagnosis' }) model_version!: string;
  @ApiProperty({ example: 'diagnosis-sweep-2026-11-05', nullable: true, type: String, description: 'Workflow that wrote it' }) job_id!: string | null;
}

export function mapCaptureDiagnosis(d: DiagnosisRecord): CaptureDiagnosisDto {
  return {
    fault_type: d.faultType,
    fault_name: VIBRATION_CLASSES[d.faultType],
    confidence: d.confidence ?? null,
    model_version: d.modelVersion ?? '',
    job_id: d.jobId ?? null,
  };
}
