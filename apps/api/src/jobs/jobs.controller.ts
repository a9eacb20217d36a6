import { Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Role, ROLE_RANK } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ErrorBody } from '../common/error-body';
import { AuditRetentionJobDto, JobResponseDto, RetrainJobDto, JobSearchDto, JobStartedResponseDto, JobSummaryDto, WorkflowIdParams } from './jobs.dto';
import { JobsService } from './jobs.service';
import { JobStarters } from './job-starters';

@ApiTags('Jobs')
@ApiSecurity('api-key')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly starters: JobStarters,
  ) {}

  @Post('audit-retention')
  @HttpCode(202)
  // Purging the audit log erases the evidence of writes: as much power as managing keys.
  @RequireRole(Role.Admin)
  @ApiOperation({ summary: 'Start an audit-log retention job (deletes entries older than N days; admin)' })
  @ApiAcceptedResponse({ type: JobStartedResponseDto })
  @ApiBadRequestResponse({ type: ErrorBody, description: '`older_than_days` below AUDIT_RETENTION_MIN_DAYS' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Needs the admin role' })
  startAuditRetention(@Body() body: AuditRetentionJobDto): Promise<JobStartedResponseDto> {
    return this.jobs.start(this.starters.auditRetention(body));
  }

  @Post('retrain')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retrain a model from the database (champion/challenger)',
    description:
      'Builds the training set from the database (held-out recordings never trained on), trains a challenger, scores it and the active version on the same held-out set, registers it as a candidate and promotes it by the policy. The result names both scores and the decision.',
  })
  @ApiAcceptedResponse({ type: JobStartedResponseDto })
  @ApiForbiddenResponse({ type: ErrorBody, description: '`promote: force` needs the admin role' })
  startRetrain(@Body() body: RetrainJobDto, @Req() req: FastifyRequest): Promise<JobStartedResponseDto> {
    // Forcing bypasses the champion/challenger gate: as much power as promoting by hand, which is admin-only.
    if (body.promote === 'force' && ROLE_RANK[req.principal!.role] < ROLE_RANK[Role.Admin]) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `promote: force needs the admin role; your key has ${req.principal!.role}` });
    }
    return this.jobs.start(this.starters.retrain(body, req.principal?.name));
  }

  @Get()
  @ApiOperation({ summary: 'List recent jobs from Temporal visibility, filtered by type and status' })
  @ApiOkResponse({ type: [JobSummaryDto] })
  list(@Query() q: JobSearchDto): Promise<JobSummaryDto[]> {
    return this.jobs.list(q);
  }

  @Get(':workflow_id')
  @ApiOperation({ summary: 'Status of one job: progress while running, then its result or error' })
  @ApiOkResponse({ type: JobResponseDto })
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@Param() p: WorkflowIdParams): Promise<JobResponseDto> {
    return this.jobs.get(p.workflow_id);
  }

  @Post(':workflow_id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Request cancellation of a running job' })
  @ApiAcceptedResponse({ type: JobResponseDto })
  @ApiConflictResponse({ type: ErrorBody, description: 'The job is not running' })
  cancel(@Param() p: WorkflowIdParams): Promise<JobResponseDto> {
    return this.jobs.cancel(p.workflow_id);
  }
}
