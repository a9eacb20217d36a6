import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { KPI_GRANULARITIES, type KpiGranularity } from '@him/contracts';
import { Optional, PageLimit, PageOffset, IsDay } from '../common/validation';

export class KpiSearchDto {
  @ApiPropertyOptional({ example: 'g3', description: 'Equipment name (machine_name); all equipment when left out', minLength: 1, maxLength: 50 })
  @Optional()
  @IsString()
  @Length(1, 50)
  equipment?: string;

  @ApiPropertyOptional({ example: '2026-11-01', description: 'First UTC day, inclusive (default: 29 days before `to`)', format: 'date' })
  @Optional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last UTC day, inclusive (default: today); at most KPI_MAX_RANGE_DAYS days after `from`', format: 'date' })
  @Optional()
  @IsDay()
  to?: string;

  @ApiPropertyOptional({
    enum: KPI_GRANULARITIES,
    default: 'day',
    description:
      'day: the stored rows; week (ISO, Monday first), month and range (the whole [from, to] as one period, as a report’s Summary shows it): counts summed, rates recomputed from the sums (never averaged)',
  })
  @Optional()
  @IsIn(KPI_GRANULARITIES)
  granularity: KpiGranularity = 'day';

  @PageOffset()
  offset: number = 0;

  @PageLimit()
  limit: number = 100;
}

export class KpiPeriodDto {
  @ApiProperty({ example: 'g3' }) equipment!: string;
  @ApiProperty({ example: '2026-11-02', description: 'First day of the period (the day, the ISO week’s Monday, the month’s 1st)' }) period_start!: string;
  @ApiProperty({ example: '2026-11-08', description: 'Last day of the period' }) period_end!: string;
  @ApiProperty({ example: 7, description: 'Days of the period with a KPI row' }) days!: number;
  @ApiProperty({ example: 2880 }) windows_diagnosed!: number;
  @ApiProperty({ example: 2700 }) count_normal!: number;
  @ApiProperty({ example: 180 }) count_unbalance!: number;
  @ApiProperty({ example: 0 }) count_looseness!: number;
  @ApiProperty({ example: 0 }) count_unbalance_looseness!: number;
  @ApiProperty({ example: 0.0625, description: 'Non-normal windows / windows diagnosed, from the period’s sums' }) fault_rate!: number;
  @ApiProperty({ example: 168 }) captures_diagnosed!: number;
  @ApiProperty({ example: 0.94, nullable: true, type: Number, description: 'Mean confidence of the capture-level diagnoses' }) mean_confidence!: number | null;
  @ApiProperty({ example: 1, description: 'Runs of consecutive non-normal capture diagnoses starting in the period' }) fault_episodes!: number;
  @ApiProperty({ example: 212.5, nullable: true, type: Number, description: 'Mean up time before each episode starting in the period, hours' })
  mtbf_hours!: number | null;
  @ApiProperty({ example: 6, nullable: true, type: Number, description: 'Mean length of the episodes repaired in the period, hours' }) mttr_hours!: number | null;
  @ApiProperty({ example: 0 }) anomalies_low!: number;
  @ApiProperty({ example: 2 }) anomalies_medium!: number;
  @ApiProperty({ example: 1 }) anomalies_high!: number;
  @ApiProperty({ example: 0 }) anomalies_critical!: number;
  @ApiProperty({ example: 57.3, nullable: true, type: Number, description: 'Health score 0–100 of the period’s last day with one' }) health_score!: number | null;
}

export class KpiPageDto {
  @ApiProperty({ type: [KpiPeriodDto] }) items!: KpiPeriodDto[];
  @ApiProperty({ example: 90, description: 'Items matching, over all pages' }) total!: number;
}

export class KpiLotSearchDto {
  @ApiPropertyOptional({ example: 'd01_te', description: 'One lot by its code', minLength: 1, maxLength: 64 })
  @Optional()
  @IsString()
  @Length(1, 64)
  lot_code?: string;

  @ApiPropertyOptional({ example: 'tep', description: 'Lots of one process unit, by name', minLength: 1, maxLength: 50 })
  @Optional()
  @IsString()
  @Length(1, 50)
  equipment?: string;

  @PageOffset()
  offset: number = 0;

  @PageLimit()
  limit: number = 100;
}

export class KpiLotDto {
  @ApiProperty({ example: 'd01_te' }) lot_code!: string;
  @ApiProperty({ example: 'tep' }) equipment!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ example: 960, description: 'Observations (distinct sample times) of the lot' }) samples!: number;
  @ApiProperty({ example: 790, description: 'Observations flagged by the detector (several methods or versions on one observation count once)' })
  anomaly_count!: number;
  @ApiProperty({ example: 0.823 }) anomaly_rate!: number;
  @ApiProperty({ example: 0.177, nullable: true, type: Number, description: 'Share of observations without an anomaly' }) yield!: number | null;
  @ApiProperty({ example: 0.71, nullable: true, type: Number, description: 'Mean fault probability the predictor gave over the lot' })
  mean_fault_probability!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The lot’s first anomaly' }) first_alarm_at!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the rollup last wrote this row' }) updated_at!: string;
}

export class KpiLotPageDto {
  @ApiProperty({ type: [KpiLotDto] }) items!: KpiLotDto[];
  @ApiProperty({ example: 44 }) total!: number;
}

export class EquipmentNameParams {
  @ApiProperty({ example: 'g3', description: 'Equipment name (machine_name)', minLength: 1, maxLength: 50 })
  @IsString()
  @Length(1, 50)
  name!: string;
}

export class HealthTrendPointDto {
  @ApiProperty({ example: '2026-11-12' }) day!: string;
  @ApiProperty({ example: 41.5, nullable: true, type: Number }) health_score!: number | null;
}

export class EquipmentHealthDto {
  @ApiProperty({ example: 'g3' }) equipment!: string;
  @ApiProperty({ example: '2026-11-30', nullable: true, type: String, description: 'The latest day rolled up with a score' }) day!: string | null;
  @ApiProperty({ example: 23.4, nullable: true, type: Number, description: 'Health score 0–100 of that day; null before any rollup' }) health_score!: number | null;
  @ApiProperty({ type: [HealthTrendPointDto], description: 'The 30 days up to `day`, oldest first; health_score null on a day without one' }) trend!: HealthTrendPointDto[];
  @ApiProperty({ example: 1, nullable: true, type: Number, description: 'Fault type of the latest capture-level diagnosis (0 normal … 3)' })
  current_fault_type!: number | null;
  @ApiProperty({ example: 'unbalance', nullable: true, type: String }) current_fault_name!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'While faulty: the first diagnosis of the fault episode in progress; while normal: the end of the last episode (or the first diagnosis)',
  })
  since!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The latest capture-level diagnosis' }) last_diagnosed_at!: string | null;
  @ApiProperty({
    example: 'Health 23.4: a weighted fault rate of 51.1 % over the last 7 days costs 76.7 points; a fault rate rising by … costs 0.',
    description: 'What drove the score, biggest cost first',
  })
  explanation!: string;
}
