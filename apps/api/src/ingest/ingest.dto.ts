import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmpty, IsIn, IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { INGEST_KINDS, REJECTED_LINES_STORED, type IngestKindName, type IngestResult } from '@him/contracts';
import type { IngestRejection } from '@him/db';
import { Optional, PageLimit } from '../common/validation';
import { IsUtcDateTime } from '../vibration/vibration.validation';

/** Options of an ingest; with multipart they come as form fields beside `file`, with JSON beside `path`. */
export class IngestJobDto {
  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'multipart/form-data: the file to ingest' })
  @IsEmpty({ message: 'file must be uploaded as multipart/form-data, not sent as a field' })
  file?: unknown;

  @ApiPropertyOptional({
    example: 'generated/recordings/g1_sensor1.csv',
    minLength: 1,
    maxLength: 1000,
    description: 'application/json: a file under the data directory (DATA_DIR), instead of an upload',
  })
  @Optional()
  @IsString()
  @Length(1, 1000)
  path?: string;

  @ApiPropertyOptional({ enum: INGEST_KINDS, description: 'Detected from the file name or content when omitted' })
  @Optional()
  @IsIn(INGEST_KINDS)
  kind?: IngestKindName;

  @ApiPropertyOptional({ example: 'g1', pattern: '^[A-Za-z0-9_.-]{1,50}$', description: 'Defaults to the file name (g1_sensor1.csv → g1)' })
  @Optional()
  @IsString()
  @Matches(/^[\w.-]{1,50}$/, { message: 'machine_name must be 1–50 letters, digits, _ . -' })
  machine_name?: string;

  @ApiPropertyOptional({ example: '1', pattern: '^[A-Za-z0-9_.-]{1,20}$', description: 'Defaults to the file name (g1_sensor1.csv → 1)' })
  @Optional()
  @IsString()
  @Matches(/^[\w.-]{1,20}$/, { message: 'sensor_no must be 1–20 letters, digits, _ . -' })
  sensor_no?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T03:00:00Z',
    description: "Recording: when it was collected (part of each row's key; omitted = undated, 1970-01-01). Capture: the capture time (default from the file name).",
  })
  @Optional()
  @IsUtcDateTime()
  collected_at?: Date;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'TEP run: time of the first observation (default: an earlier ingest of the same lot, else this hour)' })
  @Optional()
  @IsUtcDateTime()
  start_time?: Date;

  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 1_000_000,
    description: `Bad lines tolerated: within it good rows load and bad lines are counted (rows_rejected) and recorded, the first ${REJECTED_LINES_STORED.toLocaleString('en')} of them; beyond it the file is rejected`,
  })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  max_errors: number = 0;
}

/** How the OpenAPI document shows the multipart form (IngestJobDto validates it). */
export class IngestUploadDto extends OmitType(IngestJobDto, ['file', 'path']) {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file to ingest (CSV or TEP .dat)' })
  file!: unknown;
}

/** How the OpenAPI document shows the JSON form (IngestJobDto validates it). */
export class IngestPathDto extends OmitType(IngestJobDto, ['file', 'path']) {
  @ApiProperty({ example: 'generated/recordings/g1_sensor1.csv', minLength: 1, maxLength: 1000, description: 'A file under the data directory (DATA_DIR)' })
  path!: string;
}

export class IngestSearchDto {
  @ApiPropertyOptional({ enum: ['running', 'succeeded', 'rejected', 'failed'] })
  @Optional()
  @IsIn(['running', 'succeeded', 'rejected', 'failed'])
  status?: string;

  @ApiPropertyOptional({ enum: INGEST_KINDS })
  @Optional()
  @IsIn(INGEST_KINDS)
  kind?: IngestKindName;

  @ApiPropertyOptional({ example: 'ingest-3f2a…', minLength: 1, maxLength: 255, description: 'The ingest a job ran (a rejected file’s job has no result to name it)' })
  @Optional()
  @IsString()
  @Length(1, 255)
  workflow_id?: string;

  @PageLimit()
  limit: number = 100;
}

export class IngestResponseDto implements Omit<IngestResult, 'duplicate_file'> {
  @ApiProperty() ingest_id!: number;
  @ApiProperty({ example: '3f2a…', description: 'SHA-256 of the content' }) checksum!: string;
  @ApiProperty({ example: 'g1_sensor1.csv' }) file_name!: string;
  @ApiProperty({ enum: INGEST_KINDS }) kind!: IngestKindName;
  @ApiProperty({ enum: ['running', 'succeeded', 'rejected', 'failed'] }) status!: string;
  @ApiProperty({ example: 190_000 }) rows_read!: number;
  @ApiProperty({ example: 189_000 }) rows_inserted!: number;
  @ApiProperty({ example: 1_000 }) rows_duplicate!: number;
  @ApiProperty({ example: 0 }) rows_rejected!: number;
  @ApiProperty() workflow_id!: string;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the file was rejected or the ingest failed' }) error?: string | null;
  @ApiPropertyOptional({ description: 'Options the file was ingested with' }) params?: Record<string, unknown> | null;
}

export class IngestRejectionDto {
  @ApiProperty({ example: 7 }) line!: number;
  @ApiProperty({ example: "column 'Type 2' is NaN, not a finite number" }) reason!: string;
}

/** Rejected lines shown with a ledger entry; the rest are paged through `GET /ingests/{id}/rejected-lines`. */
export const REJECTED_LINES_SHOWN = 100;

export class IngestDetailResponseDto extends IngestResponseDto {
  @ApiProperty({ type: [IngestRejectionDto], description: `The first ${REJECTED_LINES_SHOWN} lines refused under an error budget, in line order` })
  rejected_lines!: IngestRejectionDto[];

  @ApiProperty({ example: false, description: 'More rejected lines are stored than shown here: page through them with GET /ingests/{id}/rejected-lines' })
  more_rejected_lines!: boolean;
}

export class RejectedLinesQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    description: "Return lines after this line number: 0 for the first page, then the previous page's next_after_line",
  })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after_line: number = 0;

  @PageLimit()
  limit: number = 100;
}

export class RejectedLinesPageDto {
  @ApiProperty({ example: 42 }) ingest_id!: number;
  @ApiProperty({ type: [IngestRejectionDto], description: 'Rejected lines in line order' }) rejected_lines!: IngestRejectionDto[];
  @ApiProperty({ type: Number, nullable: true, example: 7, description: 'after_line of the next page; null on the last page' }) next_after_line!: number | null;
  @ApiProperty({
    example: REJECTED_LINES_STORED,
    description: `At most this many rejected lines are stored per ingest (the first ones); rows_rejected counts them all`,
  })
  stored_at_most!: number;
}

export const mapRejection = (r: IngestRejection): IngestRejectionDto => ({ line: r.lineNo, reason: r.reason });
