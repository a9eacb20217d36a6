import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { PredictionPageDto, PredictionSearchDto } from './predictions.dto';
import { PredictionsService } from './predictions.service';

@ApiTags('Predictions')
@ApiKeyAuth()
@Controller('predictions')
export class PredictionsController {
  constructor(private readonly predictions: PredictionsService) {}

  @Get()
  @ApiOperation({
    summary: 'LSTM forecasts of a lot, oldest first, filtered by lot, job, tag and time',
    description:
      'The nightly sweep writes one forecast per observation of a lot that ends a full input sequence of the active TEP LSTM: the probability that the ' +
      'process is in a fault, and its target tag (reactor pressure) horizon_minutes ahead. Paged with limit/offset; total counts every match.',
  })
  @ApiOkResponse({ type: PredictionPageDto })
  @ApiErrorResponses([400, 'Validation failed (details name each field), e.g. from after to'], [404, 'No lot by that code'])
  list(@Query() q: PredictionSearchDto): Promise<PredictionPageDto> {
    return this.predictions.list(q);
  }
}
