import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { BulkInsertResponseDto, BulkRowsPipe } from './bulk-rows.pipe';
import {
  MAX_DATA_BULK_ROWS,
  VibrationDataBulkDto,
  VibrationDataCreateDto,
  VibrationDataCreatedResponseDto,
  VibrationDataGroupedRangeDto,
  VibrationDataResponseDto,
  VibrationDataSearchDto,
} from './vibration-data.dto';
import { VibrationDataService } from './vibration-data.service';

@ApiTags('Vibration data')
@ApiKeyAuth()
@ApiErrorResponses([400, 'Validation failed; details name each field'])
@Controller('vibration-data')
export class VibrationDataController {
  constructor(private readonly data: VibrationDataService) {}

  @Get()
  @ApiOperation({
    summary: 'Newest vibration samples, optionally of one machine, sensor or recording',
    description: 'Latest recording (collected_at) first, then latest measured_time. Each series is read from its index.',
  })
  @ApiOkResponse({ type: [VibrationDataResponseDto] })
  list(@Query() q: VibrationDataSearchDto): Promise<VibrationDataResponseDto[]> {
    return this.data.list(q);
  }

  @Post()
  @ApiOperation({ summary: 'Store one sample; idempotent on (machine_name, sensor_no, collected_at, measured_time)' })
  @ApiCreatedResponse({ type: VibrationDataCreatedResponseDto, description: 'Stored (created: true)' })
  @ApiOkResponse({ type: VibrationDataCreatedResponseDto, description: 'Already stored: the existing row (created: false)' })
  @ApiErrorResponses([413, 'A body over 10 MB'])
  async create(@Body() body: VibrationDataCreateDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VibrationDataCreatedResponseDto> {
    const result = await this.data.create(body);
    void reply.status(result.created ? 201 : 200);
    return result;
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({
    summary: `Store up to ${MAX_DATA_BULK_ROWS} samples; rows already stored are counted as duplicates`,
    description: 'The body is a JSON array of samples or { "rows": [...] }. One invalid row refuses the whole request; nothing is stored.',
  })
  @ApiExtraModels(VibrationDataCreateDto, VibrationDataBulkDto)
  @ApiBody({
    schema: {
      oneOf: [{ type: 'array', items: { $ref: getSchemaPath(VibrationDataCreateDto) }, maxItems: MAX_DATA_BULK_ROWS }, { $ref: getSchemaPath(VibrationDataBulkDto) }],
    },
  })
  @ApiOkResponse({ type: BulkInsertResponseDto })
  @ApiErrorResponses([413, `More than ${MAX_DATA_BULK_ROWS} rows, or a body over 10 MB`])
  createMany(@Body(new BulkRowsPipe(VibrationDataCreateDto, MAX_DATA_BULK_ROWS)) rows: VibrationDataCreateDto[]): Promise<BulkInsertResponseDto> {
    return this.data.createMany(rows);
  }

  @Get('grouped-range')
  @ApiOperation({
    summary: 'Per (machine_name, sensor_no) series, the first `limit` samples with measured_time in [start, end]',
    description: 'Ordered by machine_name, sensor_no, measured_time. Each series is read from its index, so the cost does not grow with the table.',
  })
  @ApiOkResponse({ type: [VibrationDataResponseDto] })
  groupedRange(@Query() q: VibrationDataGroupedRangeDto): Promise<VibrationDataResponseDto[]> {
    return this.data.groupedRange(q);
  }
}
