import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import type { PredictionRecord } from '@him/db';
import { Optional } from '../common/validation';
import { IsNotLessThanField, IsUtcDateTime } from '../vibration/vibration.validation';
import { IsLotCode, PageQueryDto } from './anomalies.dto';

export class PredictionSearchDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'd06_te', description: 'Lot by its code; unknown → 404' })
  @Optional()
  @IsLotCode()
  lot_code?: string;

  @ApiPropertyOptional({ example: 'diagnosis-sweep-2026-01-03', description: 'Only forecasts written by this workflow', minLength: 1, maxLength: 255 })
  @Optional()
  @IsString()
  @Length(1, 255)
  job_id?: string;

  @ApiPropertyOptional({ example: 'XMEAS_7', description: 'Forecast tag', minLength: 1, maxLength: 32 })
  @Optional()
  @IsString()
  @Length(1, 32)
  tag?: string;

  @ApiPropertyOptional({ example: '2026-01-02T08:00:00Z', description: 'Predicted at (the observation forecast from) at or after' })
  @Optional()
  @IsUtcDateTime()
  from?: Date;

  @ApiPropertyOptional({ example: '2026-01-03T00:00:00Z', description: 'Predicted at or before; not before from (else 400)' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('from')
  to?: Date;
}

export class PredictionResponseDto {
  @ApiProperty({ example: 20931 }) id!: number;
  @ApiProperty({ example: 'TEP', description: 'Equipment name' }) equipment!: string;
  @ApiProperty({ example: 'd06_te', nullable: true, type: String }) lot_code!: string | null;
  @ApiProperty({ example: 'XMEAS_7', description: 'The forecast tag (XMEAS_7: reactor pressure, kPa gauge)' }) tag!: string;
  @ApiProperty({ example: '2026-01-02T08:03:00.000Z', format: 'date-time', description: 'The last observation the forecast is made from' }) predicted_at!: string;
  @ApiProperty({ example: 15, description: 'How far ahead predicted_value is' }) horizon_minutes!: number;
  @ApiProperty({ example: 0.97, minimum: 0, maximum: 1, description: 'Probability that the process is in a fault at predicted_at' }) probability!: number;
  @ApiProperty({ example: 2797.4, nullable: true, type: Number, description: 'The tag predicted horizon_minutes after predicted_at' }) predicted_value!: number | null;
  @ApiProperty({ example: 'tep-lstm@1', description: 'Predictor name@version' }) model_version!: string;
  @ApiProperty({ example: 'diagnosis-sweep-2026-01-03', nullable: true, type: String, description: 'Workflow that wrote it' }) job_id!: string | null;
}

export class PredictionPageDto {
  @ApiProperty({ type: [PredictionResponseDto], description: 'Oldest predicted_at first (a lot reads as a time series)' }) items!: PredictionResponseDto[];
  @ApiProperty({ example: 941, description: 'Forecasts matching the filters, all pages' }) total!: number;
}

export function mapPrediction(p: PredictionRecord, equipment: string, lotCode: string | null): PredictionResponseDto {
  return {
    id: p.id,
    equipment,
    lot_code: lotCode,
    tag: p.tag,
    predicted_at: p.predictedAt.toISOString(),
    horizon_minutes: p.horizonMinutes,
    probability: p.probability,
    predicted_value: p.predictedValue ?? null,
    model_version: p.modelVersion,
    job_id: p.jobId ?? null,
  };
}
