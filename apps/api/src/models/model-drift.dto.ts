import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DRIFT_DECISIONS, DRIFT_POLICIES, type DriftDecisionName, type DriftPolicy } from '@him/contracts';
import { SeriesKind } from '@him/db';
import { IsDay, Optional } from '../common/validation';

export class DriftQuery {
  @ApiPropertyOptional({ example: '2026-11-01', description: 'First UTC day of the data, inclusive (default: 29 days before `to`)', format: 'date' })
  @Optional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', description: 'Last UTC day of the data, inclusive (default: today); at most KPI_MAX_RANGE_DAYS days after `from`', format: 'date' })
  @Optional()
  @IsDay()
  to?: string;
}

export class FeaturePsiDto {
  @ApiProperty({ example: 'running_speed_hz' }) feature!: string;
  @ApiProperty({ example: 0.41, description: 'Population stability index of the feature against its training distribution' }) psi!: number;
}

export class DriftDayDto {
  @ApiProperty({ example: '2026-11-30', format: 'date', description: 'UTC day of the data' }) day!: string;
  @ApiProperty({ example: 'vibration-classifier@1', description: 'The version whose training distribution it was compared with' }) model_version!: string;
  @ApiProperty({ example: 20, description: 'Series pooled' }) series!: number;
  @ApiProperty({ example: 480, description: 'Rows counted: windows (vibration) or observations the detector did not alarm on (TEP)' }) samples!: number;
  @ApiProperty({ example: 0.08, description: 'Median over features of their PSI' }) psi!: number;
  @ApiProperty({ example: 0.25 }) threshold!: number;
  @ApiProperty({ type: [FeaturePsiDto], description: 'The features that drifted most' }) top_features!: FeaturePsiDto[];
  @ApiProperty({ enum: DRIFT_DECISIONS }) decision!: DriftDecisionName;
  @ApiProperty({ example: 'median PSI 0.080 over 43 features of 480 samples from 20 series: at or below the threshold 0.250' }) reason!: string;
  @ApiProperty({ nullable: true, type: String, example: 'retrain-vibration-classifier', description: 'The retrain it started (or found running)' })
  retrain_workflow_id!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'diagnosis-sweep-2026-12-01' }) sweep!: string | null;
  @ApiProperty({ format: 'date-time' }) checked_at!: string;
}

export class DriftSeriesDto {
  @ApiProperty({ example: '2026-11-30', format: 'date' }) day!: string;
  @ApiProperty({ example: 'vibration-classifier@1' }) model_version!: string;
  @ApiProperty({ enum: SeriesKind }) series_kind!: SeriesKind;
  @ApiProperty({ example: 'g3/1', description: 'machine/sensor of a capture stream, or a lot code' }) series_key!: string;
  @ApiProperty({ example: 24 }) samples!: number;
  @ApiProperty({
    example: 3.2,
    description: 'Median PSI of this series alone. One machine and sensor against the pooled training population is far from it by nature; the day decides over all series.',
  })
  psi!: number;
  @ApiProperty({ type: [FeaturePsiDto] }) top_features!: FeaturePsiDto[];
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class ModelDriftDto {
  @ApiProperty({ example: 'vibration-classifier' }) model!: string;
  @ApiProperty({ description: 'Whether the sweep measures this model’s drift (its training distribution is in the active version)' }) monitored!: boolean;
  @ApiProperty({ example: '2026-11-01', format: 'date' }) from!: string;
  @ApiProperty({ example: '2026-11-30', format: 'date' }) to!: string;
  @ApiProperty({ example: 0.25, description: 'DRIFT_PSI_THRESHOLD' }) threshold!: number;
  @ApiProperty({ example: 200, description: 'DRIFT_MIN_SAMPLES: fewer rows on a day are not judged' }) min_samples!: number;
  @ApiProperty({ enum: DRIFT_POLICIES, description: 'DRIFT_RETRAIN_POLICY: auto starts a retrain, notify records only, off neither' }) policy!: DriftPolicy;
  @ApiProperty({ type: [DriftDayDto], description: 'Per day, the model over all its series, and what the sweep did' }) days!: DriftDayDto[];
  @ApiProperty({ type: [DriftSeriesDto], description: 'Per day and series' }) series!: DriftSeriesDto[];
}
