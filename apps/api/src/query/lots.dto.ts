import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsString, Length, Matches } from 'class-validator';
import { LotStatus, type LotDetails } from '@him/db';
import { Optional, PageLimit, PageOffset } from '../common/validation';
import { IsMachineName, IsNotLessThanField, IsUtcDateTime } from '../vibration/vibration.validation';
import { DownsamplePoints } from './query.dto';

const CODE = /^[A-Za-z0-9_.-]+$/;

export class LotSearchDto {
  @ApiPropertyOptional({ example: 'TEP', description: 'The process unit’s name' })
  @Optional()
  @IsMachineName()
  equipment?: string;

  @ApiPropertyOptional({ enum: LotStatus })
  @Optional()
  @IsEnum(LotStatus)
  status?: LotStatus;

  @PageLimit()
  limit: number = 100;

  @PageOffset()
  offset: number = 0;
}

export class LotCodeParams {
  @ApiProperty({ example: 'd01', minLength: 1, maxLength: 64, pattern: CODE.source, description: 'The lot code (a TEP file’s stem)' })
  @IsString()
  @Length(1, 64)
  @Matches(CODE, { message: '$property may contain only letters, digits and . _ -' })
  code!: string;
}

export class TimeseriesQueryDto {
  @ApiProperty({ example: 'd01', minLength: 1, maxLength: 64, pattern: CODE.source, description: 'Lot code' })
  @IsString()
  @Length(1, 64)
  @Matches(CODE, { message: '$property may contain only letters, digits and . _ -' })
  lot!: string;

  @ApiProperty({ example: 'XMEAS_1', minLength: 1, maxLength: 32, pattern: CODE.source, description: 'Process tag (XMEAS_1…41, XMV_1…11 for TEP)' })
  @IsString()
  @Length(1, 32)
  @Matches(CODE, { message: '$property may contain only letters, digits and . _ -' })
  tag!: string;

  @ApiPropertyOptional({ description: 'Measured at or after; default the tag’s first value', example: '2026-01-01T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  from?: Date;

  @ApiPropertyOptional({ description: 'Measured at or before; not before from; default the tag’s last value', example: '2026-01-02T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('from')
  to?: Date;

  @DownsamplePoints('the series')
  points: number = 1000;
}

export class LotDto {
  @ApiProperty({ example: 'd01' }) code!: string;
  @ApiProperty({ example: 'TEP', description: 'The process unit’s name' }) equipment!: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', format: 'date-time' }) started_at!: string;
  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' }) ended_at!: string | null;
  @ApiProperty({ enum: LotStatus, example: LotStatus.Open }) status!: LotStatus;
  @ApiProperty({ example: 1, nullable: true, type: Number, description: 'Known disturbance of a benchmark run (TEP IDV number, 0 normal operation)' })
  fault_label!: number | null;
  @ApiProperty({ example: 960, description: 'Observations (time points) stored; each holds a value of every tag' }) samples!: number;
}

export class LotPageDto {
  @ApiProperty({ type: [LotDto], description: 'In code order' }) items!: LotDto[];
  @ApiProperty({ example: 22, description: 'Lots matching the filter, over all pages' }) total!: number;
}

export class LotDetailDto extends LotDto {
  @ApiProperty({ type: [String], example: ['XMEAS_1', 'XMEAS_10', 'XMV_1'], description: 'Tags with values in this lot, for GET /timeseries' }) tags!: string[];
}

export class TimeseriesDto {
  @ApiProperty({ example: 'd01' }) lot!: string;
  @ApiProperty({ example: 'XMEAS_1' }) tag!: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z', format: 'date-time' }) from!: string;
  @ApiProperty({ example: '2026-01-02T00:00:00.000Z', format: 'date-time' }) to!: string;
  @ApiProperty({ example: 481, description: 'Values stored in the range' }) source_points!: number;
  @ApiProperty({
    example: 481,
    description: 'Points returned: every value when the range has no more than asked, else each bucket’s minimum and maximum at the bucket’s first and last measurement time',
  })
  points!: number;
  @ApiProperty({ type: [String], example: ['2026-01-01T00:00:00.000Z', '2026-01-01T00:03:00.000Z'] }) measured_at!: string[];
  @ApiProperty({ type: [Number], example: [0.25038, 0.25109] }) value!: number[];
}

export function mapLot(l: LotDetails, samples: number): LotDto {
  return {
    code: l.code,
    equipment: l.equipmentCode,
    started_at: l.startedAt.toISOString(),
    ended_at: l.endedAt?.toISOString() ?? null,
    status: l.status,
    fault_label: l.faultLabel ?? null,
    samples,
  };
}
