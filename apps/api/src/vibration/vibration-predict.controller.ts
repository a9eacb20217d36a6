import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { VibrationPredictDto, VibrationPredictionResponseDto } from './vibration-predict.dto';
import { VibrationPredictService } from './vibration-predict.service';

@ApiTags('Vibration diagnosis')
@ApiKeyAuth()
@Controller('vibration-diagnosis')
export class VibrationPredictController {
  constructor(private readonly predictor: VibrationPredictService) {}

  @Post('predict')
  @HttpCode(200)
  // Reads a signal and stores nothing: viewers may call it.
  @RequireRole(Role.Viewer)
  @ApiOperation({
    summary: 'Diagnose one vibration signal now with the active classifier (stores nothing)',
    description: 'The signal is cut into 1 s windows; each is classified, and the answer is the mean of their probabilities.',
  })
  @ApiOkResponse({ type: VibrationPredictionResponseDto })
  @ApiErrorResponses(
    [400, 'Too few samples for one window, non-numbers, mismatched time/value lengths, neither sampling_rate_hz nor time'],
    [413, 'A body over 10 MB'],
    [503, 'No active version of the classifier'],
  )
  predict(@Body() body: VibrationPredictDto): Promise<VibrationPredictionResponseDto> {
    return this.predictor.predict(body);
  }
}
