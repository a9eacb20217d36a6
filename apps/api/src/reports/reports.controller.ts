import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Role } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { JOB_LINKS } from '../jobs/job-links';
import { ReportCreateDto, ReportCreatedDto, ReportDownloadDto, ReportIdParams, ReportPageDto, ReportResponseDto, ReportSearchDto } from './reports.dto';
import { REPORT_CONTENT_TYPES, ReportsService } from './reports.service';

// The file's media types for 200 only: the errors are JSON, as everywhere.
const BINARY = { schema: { type: 'string', format: 'binary' } };

@ApiTags('Reports')
@ApiKeyAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create a report (xlsx and/or pdf) of KPIs, diagnoses, anomalies, predictions and ingests over a range of days',
    description:
      'Starts the `report` job: it gathers the data through the repositories, renders each format on the CPU queue and publishes the files with their SHA-256. ' +
      'The same request (type, days, equipment, lots, formats, language) is the same report: asking again joins the one being made, or returns the ready one, unless `force`. ' +
      'Follow it at status_url (or in the Temporal UI) and download it from GET /api/v1/reports/{id}/download when status is ready.',
  })
  @ApiAcceptedResponse({
    type: ReportCreatedDto,
    links: {
      report: { operationId: 'Reports_get', parameters: { id: '$response.body#/report_id' }, description: 'The report: status, then its files' },
      download: { operationId: 'Reports_download', parameters: { id: '$response.body#/report_id' }, description: 'A file of the report once it is ready' },
      job: JOB_LINKS.job,
    },
  })
  @ApiErrorResponses(
    [
      400,
      'Invalid body: a day that is not YYYY-MM-DD, a daily report over several days, a weekly one not Monday–Sunday, a lot report without lots, a range longer than KPI_MAX_RANGE_DAYS',
    ],
    [404, 'An equipment name or lot code that does not exist'],
    413,
    503,
  )
  create(@Body() body: ReportCreateDto, @Req() req: FastifyRequest): Promise<ReportCreatedDto> {
    return this.reports.create(body, req.principal?.name);
  }

  @Get()
  @ApiOperation({ summary: 'List reports, newest first, filtered by type, status and creation day' })
  @ApiOkResponse({ type: ReportPageDto })
  @ApiErrorResponses(400)
  list(@Query() q: ReportSearchDto): Promise<ReportPageDto> {
    return this.reports.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One report: status, parameters, data window, model versions, row counts and its files with their checksums' })
  @ApiOkResponse({
    type: ReportResponseDto,
    links: {
      download: {
        operationId: 'Reports_download',
        parameters: { id: '$response.body#/report_id', format: '$response.body#/params/formats/0' },
        description: 'The report’s file (in its first format) once it is ready',
      },
    },
  })
  @ApiErrorResponses(400, [404, 'No report with this id'])
  get(@Param() p: ReportIdParams): Promise<ReportResponseDto> {
    return this.reports.get(p.id);
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a ready report’s file (streamed, with Content-Disposition, Content-Length and its SHA-256 as ETag)' })
  @ApiOkResponse({ description: 'The file', content: { [REPORT_CONTENT_TYPES.xlsx]: BINARY, [REPORT_CONTENT_TYPES.pdf]: BINARY } })
  @ApiErrorResponses(
    [400, 'format missing or not xlsx or pdf'],
    [404, 'No report with this id, or the report was not made in this format'],
    [409, 'The report is still being made, or failed'],
    [410, 'The report’s files were deleted (retention or an admin)'],
  )
  async download(@Param() p: ReportIdParams, @Query() q: ReportDownloadDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const { file, etag } = await this.reports.download(p.id, q.format);
    void reply.header('ETag', etag);
    return file;
  }

  @Delete(':id')
  // Deleting a report's files loses what was reported: as much power as managing keys.
  @RequireRole(Role.Admin)
  @ApiOperation({ summary: 'Delete a finished report’s files (admin); the report stays listed as purged, with its checksums' })
  @ApiOkResponse({ type: ReportResponseDto })
  @ApiErrorResponses(400, [403, 'Needs the admin role'], [404, 'No report with this id'], [409, 'The report is still being made'])
  remove(@Param() p: ReportIdParams, @Req() req: FastifyRequest): Promise<ReportResponseDto> {
    const principal = req.principal!;
    return this.reports.remove(p.id, { actor: principal.name, role: principal.role, apiKeyId: principal.keyId, requestId: String(req.id) });
  }
}
