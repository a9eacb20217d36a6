import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Role } from '@him/db';
import { RequireRole } from '../auth/auth.decorators';
import { ErrorBody } from '../common/error-body';
import { VibrationPredictDto, VibrationPredictionResponseDto } from './vibration-predict.dto';
import { VibrationPredictService } from './vibration-predict.service';

@ApiTags('Vibration diagnosis')
@ApiSecurity('api-key')
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
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Too few samples, non-numbers, mismatched time/value lengths' })
  @ApiPayloadTooLargeResponse({ type: ErrorBody })
  predict(@Body() body: VibrationPredictDto): Promise<VibrationPredictionResponseDto> {
    return this.predictor.predict(body);
  }
}
