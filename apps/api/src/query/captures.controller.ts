import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { IdParams } from '../common/id-params.dto';
import { CaptureDetailDto, CaptureDetailQueryDto, CapturePageDto, CaptureSearchDto } from './captures.dto';
import { CapturesService } from './captures.service';

@ApiTags('Captures')
@ApiKeyAuth()
@ApiErrorResponses([400, 'Validation failed; details name each field'])
@Controller('captures')
export class CapturesController {
  constructor(private readonly captures: CapturesService) {}

  @Get()
  @ApiOperation({
    summary: 'Live vibration captures, newest first, each with its capture-level diagnosis',
    description:
      'Filter by machine, sensor and capture time; paged by limit/offset (total counts all pages). diagnosis is the capture-level diagnosis of the newest model version that diagnosed the capture, or null before a sweep has.',
  })
  @ApiOkResponse({ type: CapturePageDto })
  @ApiErrorResponses([404, 'No machine named machine_name'])
  list(@Query() q: CaptureSearchDto): Promise<CapturePageDto> {
    return this.captures.list(q);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One capture: its waveform and amplitude spectrum cut to `points`, running-speed harmonics marked, and its window diagnoses',
    description:
      'A capture of no more than `points` samples comes whole. A longer waveform is a min/max envelope: points/2 buckets of equal duration, each giving its minimum and maximum value (so no peak is lost) at its first and last sample time, the minimum first where the bucket rises, the maximum first where it falls. The spectrum (Hann window, mean removed; of the middle 16,384 samples of a longer capture, ≈12 s) keeps the largest amplitude of each of `points` buckets; the running speed is estimated as the classifier’s features do, and harmonics 1×…10× carry their frequency and amplitude.',
  })
  @ApiOkResponse({ type: CaptureDetailDto })
  @ApiErrorResponses([404, 'No capture with this id'])
  get(@Param() p: IdParams, @Query() q: CaptureDetailQueryDto): Promise<CaptureDetailDto> {
    return this.captures.get(p.id, q.points);
  }
}
