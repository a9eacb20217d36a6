import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { EquipmentDetailDto, EquipmentNameParams, EquipmentPageDto, EquipmentSearchDto } from './equipment.dto';
import { EquipmentService } from './equipment.service';

@ApiTags('Equipment')
@ApiKeyAuth()
@ApiErrorResponses([400, 'Validation failed; details name each field'])
@Controller('equipment')
export class EquipmentController {
  constructor(private readonly equipment: EquipmentService) {}

  @Get()
  @ApiOperation({
    summary: 'Machines and process units, in name order',
    description: 'Rotating machines (g1…g5) with their vibration sensors, process units (TEP) with their number of lots. Paged by limit/offset; total counts all pages.',
  })
  @ApiOkResponse({ type: EquipmentPageDto })
  list(@Query() q: EquipmentSearchDto): Promise<EquipmentPageDto> {
    return this.equipment.list(q);
  }

  @Get(':name')
  @ApiOperation({
    summary: 'One machine or process unit: sensors with their captures, and the latest capture-level diagnosis',
    description: 'By name as everywhere in the API (e.g. g3). latest_diagnosis is the newest capture-level diagnosis of any of its sensors, null before the first sweep.',
  })
  @ApiOkResponse({ type: EquipmentDetailDto })
  @ApiErrorResponses([404, 'No equipment of this name'])
  get(@Param() p: EquipmentNameParams): Promise<EquipmentDetailDto> {
    return this.equipment.get(p.name);
  }
}
