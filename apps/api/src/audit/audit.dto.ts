import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import type { AuditLog } from '@him/db';
import { Optional, PageLimit } from '../common/validation';

export class AuditSearchDto {
  @PageLimit()
  limit: number = 100;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only entries older than this id (for paging)' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  before_id?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only entries made with this API key' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  api_key_id?: number;
}

export class AuditEntryResponseDto {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ nullable: true, type: Number }) api_key_id!: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'line-2-operator' }) actor!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'operator' }) role!: string | null;
  @ApiProperty({ example: 'POST' }) method!: string;
  @ApiProperty({ example: '/api/v1/jobs/audit-retention', description: 'The request URL as sent' }) path!: string;
  @ApiProperty({ nullable: true, type: String, example: '/api/v1/jobs/audit-retention', description: 'The route it matched' }) route!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 202, description: 'null: the request was running, or its answer was not recorded' })
  status_code!: number | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) request_id!: string | null;
  @ApiProperty({ nullable: true, type: Number }) duration_ms!: number | null;
}

export function mapAuditEntry(e: AuditLog): AuditEntryResponseDto {
  return {
    id: e.id,
    at: e.at.toISOString(),
    api_key_id: e.apiKeyId ?? null,
    actor: e.actor ?? null,
    role: e.role ?? null,
    method: e.method,
    path: e.path,
    route: e.route ?? null,
    status_code: e.statusCode ?? null,
    ip: e.ip ?? null,
    request_id: e.requestId ?? null,
    duration_ms: e.durationMs ?? null,
  };
}
