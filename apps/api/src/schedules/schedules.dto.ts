import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Optional } from '../common/validation';
import { IsUtcDateTime } from '../vibration/vibration.validation';

export class ScheduleRunDto {
  @ApiProperty({ example: 'diagnosis-sweep-scheduled-2026-11-02T17:00:00Z', description: 'The workflow the action started (see GET /api/v1/jobs/{workflow_id})' })
  workflow_id!: string;
  @ApiProperty({ example: '0193a5f1-8d1c-7b3e-9a0e-4f2d5c6b7a81' }) run_id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-02T17:00:00.000Z', description: 'The time the run was due (for a backfill, the past time it stands for)' })
  scheduled_at!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-02T17:00:00.412Z', description: 'When Temporal actually started it' })
  started_at!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/jobs/diagnosis-sweep-scheduled-2026-11-02T17:00:00Z' }) status_url!: string;
  @ApiProperty({ example: 'http://localhost:8233/namespaces/default/workflows/diagnosis-sweep-scheduled-2026-11-02T17:00:00Z/0193a5f1-.../history' })
  temporal_ui_url!: string;
}

export class ScheduleCountsDto {
  @ApiProperty({ example: 31, description: 'Runs started so far (scheduled, triggered and backfilled)' }) actions_taken!: number;
  @ApiProperty({ example: 1, description: 'Runs not started because the previous one was still running (overlap policy skip)' }) skipped_overlap!: number;
  @ApiProperty({ example: 0, description: 'Runs missed during an outage longer than the catch-up window' }) missed_catchup_window!: number;
}

export class ScheduleResponseDto {
  @ApiProperty({ example: 'nightly-diagnosis-sweep' }) id!: string;
  @ApiProperty({ example: 'diagnosis-sweep', description: 'The job type each run starts (POST /api/v1/jobs/{type} starts one by hand)' }) job_type!: string;
  @ApiProperty({
    example: '0 2 * * *',
    nullable: true,
    type: String,
    description: 'Cron in the schedule’s timezone; null if the schedule was edited in the Web UI into something else',
  })
  cron!: string | null;
  @ApiProperty({ example: 'Asia/Seoul', description: 'IANA timezone the cron is read in' }) timezone!: string;
  @ApiProperty({ example: false }) paused!: boolean;
  @ApiProperty({ example: 'paused for the MariaDB upgrade (operator-1)', nullable: true, type: String, description: 'The last pause/unpause note, or what the schedule is for' })
  note!: string | null;
  @ApiProperty({
    example: 'skip',
    enum: ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'],
    description: 'What happens when a run is due while the last one still runs',
  })
  overlap_policy!: string;
  @ApiProperty({ example: 86400, description: 'Runs missed during an outage are taken (once) when the server is back within this many seconds; older ones are skipped' })
  catchup_window_s!: number;
  @ApiProperty({ type: [String], format: 'date-time', example: ['2026-11-03T17:00:00.000Z', '2026-11-04T17:00:00.000Z'], description: 'The next five due times (UTC)' })
  next_runs!: string[];
  @ApiProperty({ type: [ScheduleRunDto], description: 'The most recent runs (up to ten), oldest first' }) recent_runs!: ScheduleRunDto[];
  @ApiProperty({ type: [String], example: ['diagnosis-sweep-scheduled-2026-11-02T17:00:00Z'], description: 'Workflow ids of runs still going' })
  running!: string[];
  @ApiProperty({ type: ScheduleCountsDto }) counts!: ScheduleCountsDto;
  @ApiProperty({ example: 'http://localhost:8233/namespaces/default/schedules/nightly-diagnosis-sweep' }) temporal_ui_url!: string;
}

export class ScheduleIdParams {
  @ApiProperty({ example: 'nightly-diagnosis-sweep', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  id!: string;
}

export class ScheduleNoteDto {
  @ApiPropertyOptional({ example: 'paused for the MariaDB upgrade', minLength: 1, maxLength: 500, description: 'Why; kept as the schedule’s note with the key’s name' })
  @Optional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class ScheduleBackfillDto {
  @ApiProperty({ format: 'date-time', example: '2026-10-30T00:00:00+09:00', description: 'Start of the range (inclusive); UTC unless it carries an offset' })
  @IsUtcDateTime()
  from!: Date;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-02T00:00:00+09:00',
    description: 'End of the range (inclusive): after `from`, not in the future, at most MAX_BACKFILL_DAYS (92) days after `from`',
  })
  @IsUtcDateTime()
  to!: Date;
}

export class ScheduleBackfillResponseDto {
  @ApiProperty({ example: 'nightly-diagnosis-sweep' }) id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-29T15:00:00.000Z' }) from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-01T15:00:00.000Z' }) to!: string;
  @ApiProperty({
    example: 'buffer_all',
    description: 'Backfilled runs start one after another, each once the previous has finished, so past nights never run at once',
  })
  overlap_policy!: string;
  @ApiProperty({ type: ScheduleResponseDto }) schedule!: ScheduleResponseDto;
}
