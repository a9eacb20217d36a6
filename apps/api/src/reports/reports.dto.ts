import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Length, Min } from 'class-validator';
import { REPORT_FORMATS, REPORT_LANGUAGES, REPORT_STATUSES, REPORT_TYPES, type ReportFormat, type ReportLanguage, type ReportStatusName, type ReportType } from '@him/contracts';
import { IsDay, Optional, PageLimit, PageOffset } from '../common/validation';

export class ReportCreateDto {
  @ApiProperty({ enum: REPORT_TYPES, example: 'weekly', description: 'daily: one day (from = to); weekly: one ISO week, Monday to Sunday; equipment and lot: any range' })
  @IsIn(REPORT_TYPES)
  type!: ReportType;

  @ApiProperty({ example: '2026-11-16', format: 'date', description: 'First UTC day, inclusive' })
  @IsString()
  @IsDay()
  from!: string;

  @ApiProperty({ example: '2026-11-22', format: 'date', description: 'Last UTC day, inclusive; at most KPI_MAX_RANGE_DAYS days after `from`' })
  @IsString()
  @IsDay()
  to!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 50 },
    example: ['g1', 'g3'],
    description: 'Equipment names (machine_name); all equipment when left out or empty',
    maxItems: 200,
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  equipment?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: 64 },
    example: ['d01_te'],
    description: 'Lot codes; a lot report needs at least one. All lots of the range when left out',
    maxItems: 200,
  })
  @Optional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  lots?: string[];

  @ApiPropertyOptional({ enum: REPORT_FORMATS, isArray: true, minItems: 1, uniqueItems: true, default: ['xlsx', 'pdf'], description: 'Files to make' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(REPORT_FORMATS, { each: true })
  formats?: ReportFormat[];

  @ApiPropertyOptional({ enum: REPORT_LANGUAGES, default: 'en', description: 'Language of the labels (machine and lot names print as stored, in any script)' })
  @Optional()
  @IsIn(REPORT_LANGUAGES)
  lang?: ReportLanguage;

  @ApiPropertyOptional({
    default: false,
    description: 'Render again even when this request’s report is ready (same report id; its files are replaced when the new ones are complete)',
  })
  @Optional()
  @IsBoolean()
  force?: boolean;
}

export class ReportSearchDto {
  @ApiPropertyOptional({ enum: REPORT_TYPES })
  @Optional()
  @IsIn(REPORT_TYPES)
  type?: ReportType;

  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @Optional()
  @IsIn(REPORT_STATUSES)
  status?: ReportStatusName;

  @ApiPropertyOptional({ example: '2026-11-01', format: 'date', description: 'Created on or after this UTC day' })
  @Optional()
  @IsDay()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', format: 'date', description: 'Created on or before this UTC day' })
  @Optional()
  @IsDay()
  to?: string;

  @PageOffset()
  offset: number = 0;

  @PageLimit()
  limit: number = 100;
}

export class ReportIdParams {
  @ApiProperty({ example: 12, type: 'integer', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  id!: number;
}

export class ReportDownloadDto {
  @ApiProperty({ enum: REPORT_FORMATS, example: 'xlsx' })
  @IsIn(REPORT_FORMATS)
  format!: ReportFormat;
}

export class ReportParamsDto {
  @ApiProperty({ enum: REPORT_TYPES }) type!: ReportType;
  @ApiProperty({ example: '2026-11-16' }) from!: string;
  @ApiProperty({ example: '2026-11-22' }) to!: string;
  @ApiProperty({ type: [String], example: [] }) equipment!: string[];
  @ApiProperty({ type: [String], example: [] }) lots!: string[];
  @ApiProperty({ enum: REPORT_FORMATS, isArray: true }) formats!: ReportFormat[];
  @ApiProperty({ enum: REPORT_LANGUAGES }) lang!: ReportLanguage;
}

export class ReportFileDto {
  @ApiProperty({ enum: REPORT_FORMATS }) format!: ReportFormat;
  @ApiProperty({ example: 48213 }) bytes!: number;
  @ApiProperty({ example: '9f2c…', description: 'SHA-256 of the file, hex; also its ETag' }) sha256!: string;
  @ApiProperty({ example: 'him-mes_weekly_2026-W47.xlsx' }) file_name!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/reports/12/download?format=xlsx' }) download_url!: string;
}

export class ReportDataWindowDto {
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) to!: string | null;
}

export class ReportResponseDto {
  @ApiProperty({ example: 12 }) report_id!: number;
  @ApiProperty({ example: 'Weekly report 2026-W47' }) title!: string;
  @ApiProperty({ enum: REPORT_TYPES }) type!: ReportType;
  @ApiProperty({ enum: REPORT_STATUSES, description: 'pending → running → ready (or failed); purged once its files are deleted' }) status!: ReportStatusName;
  @ApiProperty({ type: ReportParamsDto }) params!: ReportParamsDto;
  @ApiProperty({ type: [ReportFileDto], description: 'The published files (empty until ready)' }) files!: ReportFileDto[];
  @ApiProperty({ type: ReportDataWindowDto, nullable: true, description: 'First and last timestamp of the data the report covers' }) data_window!: ReportDataWindowDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true, example: { 'vibration-classifier': '3' } })
  model_versions!: Record<string, string> | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true, example: { diagnoses: 100000, anomalies: 20000 } })
  row_counts!: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the report’s data (window, counts, versions, KPI figures), printed in its files' })
  data_checksum!: string | null;
  @ApiProperty({ nullable: true, type: String }) workflow_id!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The job in the Temporal Web UI' }) temporal_ui_url!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String }) created_by!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finished_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) purged_at!: string | null;
}

export class ReportPageDto {
  @ApiProperty({ type: [ReportResponseDto] }) items!: ReportResponseDto[];
  @ApiProperty({ example: 3 }) total!: number;
}

export class ReportCreatedDto {
  @ApiProperty({ example: 12 }) report_id!: number;
  @ApiProperty({ example: 'report-12' }) workflow_id!: string;
  @ApiProperty({ example: 'http://localhost:3000/api/v1/reports/12' }) status_url!: string;
  @ApiProperty({ example: 'http://localhost:8233/namespaces/default/workflows/report-12' }) temporal_ui_url!: string;
  @ApiProperty({ enum: REPORT_STATUSES, description: 'ready when an identical request’s report was ready already (nothing is rendered again)' })
  status!: ReportStatusName;
  @ApiProperty({ description: 'false when the request joined an identical earlier one' }) created!: boolean;
}
