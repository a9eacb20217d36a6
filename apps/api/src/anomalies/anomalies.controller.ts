import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SEVERITY_RULE } from '@him/contracts';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { IdParams } from '../common/id-params.dto';
import { AnomalyAcknowledgeDto, AnomalyPageDto, AnomalyResponseDto, AnomalySearchDto } from './anomalies.dto';
import { AnomaliesService } from './anomalies.service';

@ApiTags('Anomalies')
@ApiKeyAuth()
@Controller('anomalies')
export class AnomaliesController {
  constructor(private readonly anomalies: AnomaliesService) {}

  @Get()
  @ApiOperation({
    summary: 'Process anomalies, newest first, filtered by equipment, lot, time, severity and acknowledgement',
    description:
      'The nightly sweep writes one anomaly per observation of a lot on which the active TEP detector alarms (score above the threshold in its metadata, ' +
      `as \`npm run eval:models\` counts alarms), with the three tags contributing most. ${SEVERITY_RULE}. Paged with limit/offset; total counts every match.`,
  })
  @ApiOkResponse({ type: AnomalyPageDto })
  @ApiErrorResponses([400, 'Validation failed (details name each field), e.g. from after to'], [404, 'No equipment or lot by that name'])
  list(@Query() q: AnomalySearchDto): Promise<AnomalyPageDto> {
    return this.anomalies.list(q);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Acknowledge an anomaly with a note (operator; audited)',
    description: 'Records the caller’s API key name and the time. The first acknowledgement stands: acknowledging an acknowledged anomaly is a 409 naming who did it.',
  })
  @ApiOkResponse({ type: AnomalyResponseDto, description: 'The acknowledged anomaly' })
  @ApiErrorResponses([400, 'Validation failed (details name each field)'], [404, 'No anomaly with this id'], [409, 'Already acknowledged; the first acknowledgement stands'])
  acknowledge(@Param() p: IdParams, @Body() body: AnomalyAcknowledgeDto, @Req() req: FastifyRequest): Promise<AnomalyResponseDto> {
    return this.anomalies.acknowledge(p.id, body, req.principal!.name);
  }
}
