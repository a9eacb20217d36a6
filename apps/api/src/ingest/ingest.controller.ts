import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { REJECTED_LINES_STORED } from '@him/contracts';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { IdParams } from '../common/id-params.dto';
import { ApiJobStartedResponse, JOB_LINKS } from '../jobs/job-links';
import { JobStarters } from '../jobs/job-starters';
import { JobStartedResponseDto } from '../jobs/jobs.dto';
import { JobsService } from '../jobs/jobs.service';
import { IngestFilesService } from './ingest-files.service';
import { IngestDetailResponseDto, IngestPathDto, IngestResponseDto, IngestSearchDto, IngestUploadDto, RejectedLinesPageDto, RejectedLinesQueryDto } from './ingest.dto';
import { IngestLedgerService } from './ingest-ledger.service';

@ApiTags('Ingest')
@ApiKeyAuth()
@Controller()
export class IngestController {
  constructor(
    private readonly files: IngestFilesService,
    private readonly ledger: IngestLedgerService,
    private readonly jobs: JobsService,
    private readonly starters: JobStarters,
  ) {}

  @Post('jobs/ingest')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ingest a file exactly once (vibration recording, live capture or TEP run)',
    description:
      'Upload the file as multipart/form-data (`file` plus option fields) or name a file under the data directory with JSON `{"path": …}`. ' +
      'The job id derives from the SHA-256 of the content: concurrent uploads of one file run one ingest, and a file ingested before ' +
      'answers at once with `duplicate_file: true`. Bad lines reject the whole file (the job fails with their line numbers) unless `max_errors` allows them.',
    // Each content type has its own form; @ApiBody would show one schema for both.
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': { schema: { $ref: getSchemaPath(IngestUploadDto) } },
        'application/json': { schema: { $ref: getSchemaPath(IngestPathDto) } },
      },
    },
  })
  @ApiExtraModels(IngestUploadDto, IngestPathDto)
  @ApiJobStartedResponse({
    ...JOB_LINKS,
    ledger: { operationId: 'Ingest_list', parameters: { workflow_id: '$response.body#/workflow_id' }, description: 'The ledger entry the ingest writes' },
  })
  @ApiErrorResponses(
    [400, 'Invalid options; no such file under the data directory; or the file as a whole is refused (empty, binary, UTF-16, kind or names unknown)'],
    [413, 'The file is larger than INGEST_MAX_BYTES'],
    503,
  )
  async start(@Req() req: FastifyRequest): Promise<JobStartedResponseDto> {
    return this.jobs.start(this.starters.ingest(await this.files.fromRequest(req)));
  }

  @Get('ingests')
  @ApiOperation({ summary: 'The ingest ledger, newest first' })
  @ApiOkResponse({ type: [IngestResponseDto] })
  @ApiErrorResponses(400)
  list(@Query() q: IngestSearchDto): Promise<IngestResponseDto[]> {
    return this.ledger.list(q);
  }

  @Get('ingests/:id')
  @ApiOperation({ summary: 'One ledger entry with the first lines refused under an error budget' })
  @ApiOkResponse({ type: IngestDetailResponseDto })
  @ApiErrorResponses(400, 404)
  get(@Param() p: IdParams): Promise<IngestDetailResponseDto> {
    return this.ledger.get(p.id);
  }

  @Get('ingests/:id/rejected-lines')
  @ApiOperation({
    summary: 'The lines an ingest refused under its error budget, a page at a time',
    description:
      `Pages in line order: start with after_line=0, then pass each page's next_after_line until it is null. ` +
      `The first ${REJECTED_LINES_STORED.toLocaleString('en')} rejected lines of a file are stored; rows_rejected counts them all.`,
  })
  @ApiOkResponse({ type: RejectedLinesPageDto })
  @ApiErrorResponses(400, 404)
  rejectedLines(@Param() p: IdParams, @Query() q: RejectedLinesQueryDto): Promise<RejectedLinesPageDto> {
    return this.ledger.rejectedLines(p.id, q);
  }
}
