import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { ApiErrorResponses } from '../common/api-errors';
import { LivenessResponseDto, ReadinessResponseDto } from './health.dto';
import { HealthService } from './health.service';

@ApiTags('Health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the API process answers' })
  @ApiOkResponse({ type: LivenessResponseDto })
  live(): LivenessResponseDto {
    return this.health.liveness();
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database and Temporal answer (503 naming what is down)' })
  @ApiOkResponse({ type: ReadinessResponseDto })
  @ApiErrorResponses([503, 'The database or Temporal is down; details name which'])
  ready(): Promise<ReadinessResponseDto> {
    return this.health.readiness();
  }
}
