import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { AuditEntryResponseDto, AuditSearchDto, mapAuditEntry } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('Audit')
@ApiKeyAuth()
@Controller('audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireRole(Role.Admin)
  @ApiOperation({ summary: 'List audit-log entries, newest first (admin)' })
  @ApiOkResponse({ type: [AuditEntryResponseDto] })
  @ApiErrorResponses(400)
  async list(@Query() q: AuditSearchDto): Promise<AuditEntryResponseDto[]> {
    return (await this.audit.list({ limit: q.limit, beforeId: q.before_id, apiKeyId: q.api_key_id })).map(mapAuditEntry);
  }
}
