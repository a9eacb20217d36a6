import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { VibrationRecord } from '@him/db';
import { IsFiniteNumber, IsMachineName, IsNotLessThanField, IsSensorNo, IsUtcDateTime } from './vibration.validation';
import { Optional, ToNumber } from '../common/validation';

export const MAX_DATA_BULK_ROWS = 10_000;

export class VibrationDataCreateDto {
  @ApiProperty({ example: 'g1' })
  @IsMachineName()
  machine_name!: string;

  @ApiProperty({ example: 'sensor1' })
  @IsSensorNo()
  sensor_no!: string;

  @ApiPropertyOptional({
    example: '2026-11-22T08:00:00.000Z',
    description: 'When the recording was taken (UTC unless an offset is given). Omitted: the undated recording, 1970-01-01T00:00:00.000Z.',
  })
  @Optional()
  @IsUtcDateTime()
  collected_at?: Date;

  @ApiProperty({
    example: 12.5127,
    minimum: -Number.MAX_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Seconds from the start of the recording. Part of the key: beyond ±(2^53 − 1) a double no longer holds whole seconds exactly.',
  })
  @IsFiniteNumber()
  @Min(-Number.MAX_SAFE_INTEGER)
  @Max(Number.MAX_SAFE_INTEGER)
  measured_time!: number;

  @ApiProperty({ example: 0.0184, description: 'Vibration under normal condition' })
  @IsFiniteNumber()
  normal!: number;

  @ApiProperty({ example: 0.4421, description: 'Mass unbalance (Type 1)' })
  @IsFiniteNumber()
  unbalance!: number;

  @ApiProperty({ example: -0.1093, description: 'Support looseness (Type 2)' })
  @IsFiniteNumber()
  looseness!: number;

  @ApiProperty({ example: 0.3377, description: 'Unbalance and looseness together (Type 3)' })
  @IsFiniteNumber()
  unbalance_looseness!: number;
}

/** The enveloped form of a bulk upload; a bare array of rows is accepted too. */
export class VibrationDataBulkDto {
  @ApiProperty({ type: [VibrationDataCreateDto], maxItems: MAX_DATA_BULK_ROWS, description: `At most ${MAX_DATA_BULK_ROWS} rows (more: 413)` })
  rows!: VibrationDataCreateDto[];
}

export class VibrationDataSearchDto {
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

  @ApiPropertyOptional({ example: 'sensor1' })
  @Optional()
  @IsSensorNo()
  sensor_no?: string;

  @ApiPropertyOptional({ description: 'Only this recording', example: '2026-11-22T08:00:00.000Z' })
  @Optional()
  @IsUtcDateTime()
  collected_at?: Date;
}

export class VibrationDataGroupedRangeDto {
  @ApiProperty({ example: 0, description: 'Lowest measured_time, seconds (inclusive)' })
  @ToNumber()
  @IsFiniteNumber()
  start!: number;

  @ApiProperty({ example: 140, description: 'Highest measured_time, seconds (inclusive); not less than start' })
  @ToNumber()
  @IsFiniteNumber()
  @IsNotLessThanField('start')
  end!: number;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 5000, description: 'Rows per (machine_name, sensor_no) series' })
  @Optional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(5000)
  limit: number = 100;

  @ApiPropertyOptional({ example: 'g1' })
  @Optional()
  @IsMachineName()
  machine_name?: string;

  @ApiPropertyOptional({ example: 'sensor1' })
  @Optional()
  @IsSensorNo()
  sensor_no?: string;
}

export class VibrationDataResponseDto {
  @ApiProperty({ example: 184467 }) id!: number;
  @ApiProperty({ example: 'g1' }) machine_name!: string;
  @ApiProperty({ example: 'sensor1' }) sensor_no!: string;
  @ApiProperty({ example: '2026-11-22T08:00:00.000Z', format: 'date-time' }) collected_at!: string;
  @ApiProperty({ example: 12.5127 }) measured_time!: number;
  @ApiProperty({ example: 0.0184 }) normal!: number;
  @ApiProperty({ example: 0.4421 }) unbalance!: number;
  @ApiProperty({ example: -0.1093 }) looseness!: number;
  @ApiProperty({ example: 0.3377 }) unbalance_looseness!: number;
}

export class VibrationDataCreatedResponseDto extends VibrationDataResponseDto {
  @ApiProperty({ example: true, description: 'false: the row was already stored and is returned unchanged' })
  created!: boolean;
}

export function mapVibrationData(v: VibrationRecord): VibrationDataResponseDto {
  return {
    id: v.id,
    machine_name: v.machineName,
    sensor_no: v.sensorNo,
    collected_at: v.collectedAt.toISOString(),
    measured_time: v.measuredTime,
    normal: v.normal,
    unbalance: v.unbalance,
    looseness: v.looseness,
    unbalance_looseness: v.unbalanceLooseness,
  };
}
