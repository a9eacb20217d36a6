import { Body, Controller, ForbiddenException, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Role, ROLE_RANK } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import {
  AuditRetentionJobDto,
  JobResponseDto,
  KpiRollupJobDto,
  RetrainJobDto,
  JobSearchDto,
  JobStartedResponseDto,
  JobSummaryDto,
  SweepJobDto,
  WorkflowIdParams,
} from './jobs.dto';
import { JobsService } from './jobs.service';
import { JobStarters } from './job-starters';
import { ApiJobStartedResponse, JOB_LINKS } from './job-links';

@ApiTags('Jobs')
@ApiKeyAuth()
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
  // Every field has a default, so the body may be left out.
  @ApiBody({ type: AuditRetentionJobDto, required: false })
  @ApiJobStartedResponse()
  @ApiErrorResponses([400, 'Invalid body, or `older_than_days` below AUDIT_RETENTION_MIN_DAYS'], [403, 'Needs the admin role'], 413, 503)
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
  @ApiJobStartedResponse()
  @ApiErrorResponses(400, [403, 'The key’s role is below operator, or `promote: force` without the admin role'], 413, 503)
  startRetrain(@Body() body: RetrainJobDto, @Req() req: FastifyRequest): Promise<JobStartedResponseDto> {
    // Forcing bypasses the champion/challenger gate: as much power as promoting by hand, which is admin-only.
    if (body.promote === 'force' && ROLE_RANK[req.principal!.role] < ROLE_RANK[Role.Admin]) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `promote: force needs the admin role; your key has ${req.principal!.role}` });
    }
    return this.jobs.start(this.starters.retrain(body, req.principal?.name));
  }

  @Post('diagnosis-sweep')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a diagnosis sweep: diagnose every series with data past its watermark, then roll up the KPIs of the days it touched',
    description:
      'Finds each capture stream (machine/sensor) and lot with data past its watermark and diagnoses them a few at a time: per capture, 1 s windows through the active vibration classifier, one diagnosis per window and one per capture (window probabilities averaged); the watermark advances with the writes, so a re-run writes nothing new. Then starts the KPI rollup over the days touched as a child job. Progress (series done/total, windows) and the result (totals, failures, days, kpi_rollup) through GET /api/v1/jobs/{workflow_id}. The scheduled nightly run is the same job.',
  })
  // Every field has a default, so the body may be left out.
  @ApiBody({ type: SweepJobDto, required: false })
  @ApiJobStartedResponse()
  @ApiErrorResponses([400, 'Invalid body: day not YYYY-MM-DD, concurrency outside 1–8'], [403, 'Needs the operator role'], 413, 503)
  startDiagnosisSweep(@Body() body: SweepJobDto, @Req() req: FastifyRequest): Promise<JobStartedResponseDto> {
    return this.jobs.start(this.starters.diagnosisSweep(body, req.principal?.name));
  }

  @Post('kpi-rollup')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Roll up the KPIs of every equipment per UTC day, and of the lots, over a range of days (backfill)',
    description:
      'Recomputes windows diagnosed, counts per fault type, fault rate, fault episodes, MTBF/MTTR, anomalies by severity and the health score ' +
      'of each equipment and day from the stored diagnoses and anomalies, then the KPIs of the lots the range touches; upserts, so re-running ' +
      'any range yields identical rows. Runs one activity per 7 days (progress in days) and continues as new on long backfills. ' +
      'The same range is one job: a second request while it runs joins it. The nightly sweep starts it for the days it touched.',
  })
  @ApiJobStartedResponse()
  @ApiErrorResponses([400, 'A day that is not YYYY-MM-DD or not a calendar day, `from` after `to`, or a range longer than KPI_MAX_RANGE_DAYS'], 503)
  startKpiRollup(@Body() body: KpiRollupJobDto, @Req() req: FastifyRequest): Promise<JobStartedResponseDto> {
    return this.jobs.start(this.starters.kpiRollup(body, req.principal?.name));
  }

  @Get()
  @ApiOperation({ summary: 'List recent jobs from Temporal visibility, filtered by type and status' })
  @ApiOkResponse({ type: [JobSummaryDto] })
  @ApiErrorResponses(400, 503)
  list(@Query() q: JobSearchDto): Promise<JobSummaryDto[]> {
    return this.jobs.list(q);
  }

  @Get(':workflow_id')
  @ApiOperation({ summary: 'Status of one job: progress while running, then its result or error' })
  @ApiOkResponse({ type: JobResponseDto, links: { cancelJob: JOB_LINKS.cancelJob } })
  @ApiErrorResponses(400, [404, 'No job with this workflow id'], 503)
  get(@Param() p: WorkflowIdParams): Promise<JobResponseDto> {
    return this.jobs.get(p.workflow_id);
  }

  @Post(':workflow_id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Request cancellation of a running job' })
  @ApiAcceptedResponse({ type: JobResponseDto, links: { job: JOB_LINKS.job } })
  @ApiErrorResponses(400, [404, 'No job with this workflow id'], [409, 'The job is not running'], 503)
  cancel(@Param() p: WorkflowIdParams): Promise<JobResponseDto> {
    return this.jobs.cancel(p.workflow_id);
  }
}
