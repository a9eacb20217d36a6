import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { LotCodeParams, LotDetailDto, LotPageDto, LotSearchDto, TimeseriesDto, TimeseriesQueryDto } from './lots.dto';
import { LotsService } from './lots.service';

@ApiTags('Lots and process time series')
@ApiKeyAuth()
@Controller()
export class LotsController {
  constructor(private readonly lots: LotsService) {}

  @Get('lots')
  @ApiOperation({
    summary: 'Lots (production runs) of process units, in code order',
    description: 'Filter by process unit and status; paged by limit/offset (total counts all pages).',
  })
  @ApiOkResponse({ type: LotPageDto })
  @ApiErrorResponses([400, 'Validation failed; details name each field'], [404, 'No equipment named equipment'])
  list(@Query() q: LotSearchDto): Promise<LotPageDto> {
    return this.lots.list(q);
  }

  @Get('lots/:code')
  @ApiOperation({ summary: 'One lot, with the tags it has values for' })
  @ApiOkResponse({ type: LotDetailDto })
  @ApiErrorResponses([400, 'Validation failed; details name each field'], [404, 'No lot with this code'])
  get(@Param() p: LotCodeParams): Promise<LotDetailDto> {
    return this.lots.get(p.code);
  }

  @Get('timeseries')
  @ApiOperation({
    summary: 'One tag of one lot over a time range, cut to `points` keeping its peaks',
    description:
      'from and to default to the tag’s first and last values. The range may span at most QUERY_MAX_RANGE_DAYS (default 31) days. A range of no more than points values comes whole; a longer one is a min/max envelope: points/2 buckets of equal duration, each giving its minimum and maximum value (so no peak is lost) at its first and last measurement time, the minimum first where the bucket rises, the maximum first where it falls. source_points counts every value in the range.',
  })
  @ApiOkResponse({ type: TimeseriesDto })
  @ApiErrorResponses(
    [400, 'Validation failed (from after to, among others), or a range longer than QUERY_MAX_RANGE_DAYS'],
    [404, 'No lot with this code, or no values of this tag in it'],
  )
  timeseries(@Query() q: TimeseriesQueryDto): Promise<TimeseriesDto> {
    return this.lots.timeseries(q);
  }
}
