import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';
import {
  EPOCH_TRAINED_MODELS,
  JOB_STATUSES,
  JOB_TYPES,
  PROMOTION_MARGIN,
  PROMOTION_POLICIES,
  RETRAINABLE_MODELS,
  SWEEP_DEFAULT_CONCURRENCY,
  SWEEP_MAX_CONCURRENCY,
  type JobStatus,
  type PromotionPolicy,
  type RetrainableModel,
} from '@him/contracts';
import { Optional, IsDay } from '../common/validation';

export class JobStartedResponseDto {
  @ApiProperty({ example: 'audit-retention-before-2025-11-22' }) workflow_id!: string;
  @ApiProperty({ example: '0193a5f1-8d1c-7b3e-9a0e-4f2d5c6b7a81' }) run_id!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/jobs/audit-retention-before-2025-11-22' }) status_url!: string;
  @ApiProperty({ example: 'http://localhost:8233/namespaces/default/workflows/audit-retention-before-2025-11-22/0193a5f1-.../history' })
  temporal_ui_url!: string;
}

export class JobProgressDto {
  @ApiProperty({ example: 'deleting' }) phase!: string;
  @ApiProperty({ example: 1200 }) done!: number;
  @ApiProperty({ example: 5000, nullable: true, type: Number }) total!: number | null;
  @ApiProperty({ example: 'entries' }) unit!: string;
  @ApiPropertyOptional() message?: string;
}

export class JobErrorDto {
  @ApiProperty({
    example: "file rejected: 1 bad line(s); nothing was stored. line 7: column 'Type 2' is NaN, not a finite number",
    description:
      "The root cause. A domain failure's own message; for an internal error (database, file system, a bug) only a generic text naming its type — the full text is in the worker log.",
  })
  message!: string;
  @ApiProperty({
    example: 'FileRejected',
    description: 'Failure type: a domain failure (FileRejected, NotEnoughData, InvalidInput…), Timeout, Cancelled, Terminated, or the internal error’s name',
  })
  type!: string;
  @ApiPropertyOptional({
    // An object for some failures (a file's rejected lines), a list of { field, message } for invalid input.
    oneOf: [{ type: 'object' }, { type: 'array', items: {} }],
    description: 'Structured reasons of a domain failure, e.g. the rejected lines of a file',
    example: { errors: [{ line: 7, reason: "column 'Type 2' is NaN, not a finite number" }], rejected_lines: 1 },
  })
  details?: unknown;
}

export class JobResponseDto {
  @ApiProperty() workflow_id!: string;
  @ApiProperty() run_id!: string;
  @ApiProperty({ example: 'audit-retention', nullable: true, type: String }) type!: string | null;
  @ApiProperty({ example: 'audit_log', nullable: true, type: String }) main_entity!: string | null;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closed_at!: string | null;
  @ApiProperty({ type: JobProgressDto, nullable: true }) progress!: JobProgressDto | null;
  @ApiProperty({ nullable: true, description: 'Workflow result once completed', type: Object }) result!: unknown;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error!: JobErrorDto | null;
  @ApiProperty() temporal_ui_url!: string;
}

export class JobSummaryDto {
  @ApiProperty() workflow_id!: string;
  @ApiProperty() run_id!: string;
  @ApiProperty({ nullable: true, type: String }) type!: string | null;
  @ApiProperty({ nullable: true, type: String }) main_entity!: string | null;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closed_at!: string | null;
  @ApiProperty() status_url!: string;
  @ApiProperty() temporal_ui_url!: string;
}

export class JobSearchDto {
  @ApiPropertyOptional({ enum: JOB_TYPES })
  @Optional()
  @IsIn(JOB_TYPES)
  type?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @Optional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;
}

export class WorkflowIdParams {
  @ApiProperty({ example: 'audit-retention-before-2025-11-22', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  workflow_id!: string;
}

export class AuditRetentionJobDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'Delete audit entries older than this many days (default AUDIT_RETENTION_DAYS); never fewer than AUDIT_RETENTION_MIN_DAYS (default 30), else 400',
    minimum: 1,
    maximum: 3650,
    example: 365,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(3650)
  older_than_days?: number;
}

export class RetrainJobDto {
  @ApiProperty({ enum: RETRAINABLE_MODELS, example: 'vibration-classifier' })
  @IsIn(RETRAINABLE_MODELS)
  model!: RetrainableModel;

  @ApiPropertyOptional({
    enum: PROMOTION_POLICIES,
    default: 'auto',
    description: `auto: promote only if the challenger beats the active version on the same held-out set by ${PROMOTION_MARGIN * 100} percentage points of accuracy; never: register as a candidate; force (admin): promote regardless`,
  })
  @Optional()
  @IsIn(PROMOTION_POLICIES)
  promote: PromotionPolicy = 'auto';

  @ApiPropertyOptional({
    type: 'integer',
    description: `Training epochs (default: the shipped model’s); only for ${EPOCH_TRAINED_MODELS.join(' and ')}`,
    minimum: 1,
    maximum: 500,
    example: 60,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(500)
  epochs?: number;
}

export class SweepJobDto {
  @ApiPropertyOptional({
    description:
      'The day the sweep is for, in the plant’s timezone (PLANT_TIMEZONE, default Asia/Seoul); today there by default. It names the job (`diagnosis-sweep-<day>`: a second request while it runs joins it); which data is diagnosed is decided by the watermarks, not by the day.',
    example: '2026-11-02',
    format: 'date',
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  })
  @Optional()
  @IsString()
  @IsDay()
  day?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: `Series (capture streams, lots) the sweep diagnoses at once (default ${SWEEP_DEFAULT_CONCURRENCY}); each worker process runs at most WORKER_CPU_CONCURRENCY of them`,
    minimum: 1,
    maximum: SWEEP_MAX_CONCURRENCY,
    example: 2,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(SWEEP_MAX_CONCURRENCY)
  concurrency?: number;
}

export class KpiRollupJobDto {
  @ApiProperty({ example: '2026-11-01', description: 'First UTC day to roll up (YYYY-MM-DD), inclusive', format: 'date' })
  @IsString()
  @IsDay()
  from!: string;

  @ApiProperty({
    example: '2026-11-30',
    description: 'Last UTC day to roll up (YYYY-MM-DD), inclusive; at most KPI_MAX_RANGE_DAYS (default 400) days after `from`',
    format: 'date',
  })
  @IsString()
  @IsDay()
  to!: string;
}
