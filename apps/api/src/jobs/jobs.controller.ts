import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/error-body';
import { AuditRetentionJobDto, JobResponseDto, JobSearchDto, JobStartedResponseDto, JobSummaryDto, WorkflowIdParams } from './jobs.dto';
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
  @ApiOperation({ summary: 'Start an audit-log retention job (deletes entries older than N days)' })
  @ApiAcceptedResponse({ type: JobStartedResponseDto })
  startAuditRetention(@Body() body: AuditRetentionJobDto): Promise<JobStartedResponseDto> {
    return this.jobs.start(this.starters.auditRetention(body));
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
