import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { BulkInsertResponseDto, BulkRowsPipe } from './bulk-rows.pipe';
import {
  MAX_DIAGNOSIS_BULK_ROWS,
  VibrationDiagnosisBulkDto,
  VibrationDiagnosisBulkRowDto,
  VibrationDiagnosisCreateDto,
  VibrationDiagnosisCreatedResponseDto,
  VibrationDiagnosisGroupedRecentDto,
  VibrationDiagnosisResponseDto,
  VibrationDiagnosisSearchDto,
} from './vibration-diagnosis.dto';
import { VibrationDiagnosisService } from './vibration-diagnosis.service';

@ApiTags('Vibration diagnosis')
@ApiKeyAuth()
@ApiErrorResponses([400, 'Validation failed; details name each field'])
@Controller('vibration-diagnosis')
export class VibrationDiagnosisController {
  constructor(private readonly diagnoses: VibrationDiagnosisService) {}

  @Get()
  @ApiOperation({
    summary: 'Newest fault diagnoses, filtered by machine, fault type and detection time',
    description: 'Newest detected_at first. Each machine is read from its index.',
  })
  @ApiOkResponse({ type: [VibrationDiagnosisResponseDto] })
  list(@Query() q: VibrationDiagnosisSearchDto): Promise<VibrationDiagnosisResponseDto[]> {
    return this.diagnoses.list(q);
  }

  @Post()
  @ApiOperation({ summary: 'Store one diagnosis; idempotent on (machine_name, detected_at, sensor_no)' })
  @ApiCreatedResponse({ type: VibrationDiagnosisCreatedResponseDto, description: 'Stored (created: true)' })
  @ApiOkResponse({ type: VibrationDiagnosisCreatedResponseDto, description: 'Already stored: the existing row (created: false)' })
  @ApiErrorResponses([413, 'A body over 10 MB'])
  async create(@Body() body: VibrationDiagnosisCreateDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VibrationDiagnosisCreatedResponseDto> {
    const result = await this.diagnoses.create(body);
    void reply.status(result.created ? 201 : 200);
    return result;
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({
    summary: `Store up to ${MAX_DIAGNOSIS_BULK_ROWS} diagnoses; ones already stored are counted as duplicates`,
    description: 'The body is a JSON array of diagnoses or { "rows": [...] }; each needs detected_at. One invalid row refuses the whole request; nothing is stored.',
  })
  @ApiExtraModels(VibrationDiagnosisBulkRowDto, VibrationDiagnosisBulkDto)
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'array', items: { $ref: getSchemaPath(VibrationDiagnosisBulkRowDto) }, maxItems: MAX_DIAGNOSIS_BULK_ROWS },
        { $ref: getSchemaPath(VibrationDiagnosisBulkDto) },
      ],
    },
  })
  @ApiOkResponse({ type: BulkInsertResponseDto })
  @ApiErrorResponses([413, `More than ${MAX_DIAGNOSIS_BULK_ROWS} rows, or a body over 10 MB`])
  createMany(@Body(new BulkRowsPipe(VibrationDiagnosisBulkRowDto, MAX_DIAGNOSIS_BULK_ROWS)) rows: VibrationDiagnosisBulkRowDto[]): Promise<BulkInsertResponseDto> {
    return this.diagnoses.createMany(rows);
  }

  @Get('grouped-recent')
  @ApiOperation({
    summary: 'The `limit` newest diagnoses of each machine',
    description: 'Ordered by machine_name, then newest first. Each machine is read from its index, so the cost does not grow with the table.',
  })
  @ApiOkResponse({ type: [VibrationDiagnosisResponseDto] })
  groupedRecent(@Query() q: VibrationDiagnosisGroupedRecentDto): Promise<VibrationDiagnosisResponseDto[]> {
    return this.diagnoses.groupedRecent(q);
  }
}
