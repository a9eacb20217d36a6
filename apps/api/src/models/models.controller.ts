import { Controller, Get, HttpCode, Param, PayloadTooLargeException, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '@him/contracts';
import { Role } from '@him/db';
import { MAX_MODEL_BYTES } from '@him/ml';
import { ModelRegistry } from '@him/registry';
import { RequireRole } from '../auth/auth.decorators';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { DriftQuery, ModelDriftDto } from './model-drift.dto';
import { ModelDriftService } from './model-drift.service';
import { mapModelVersion, ModelListQuery, ModelNameParams, ModelVersionParams, ModelVersionResponseDto } from './models.dto';

/** Links from a response that is one model version to the operations on that version (checked by test/unit/openapi-document.spec.ts). */
const VERSION = { name: '$response.body#/name', version: '$response.body#/version' };
const VERSION_LINK = { operationId: 'Models_get', parameters: VERSION, description: 'This model version' };
const PROMOTE_LINK = { operationId: 'Models_promote', parameters: VERSION, description: 'Make this version the active one (admin)' };

@ApiTags('Models')
@ApiKeyAuth()
@Controller('models')
export class ModelsController {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly drift: ModelDriftService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every registered model version, with its status and metrics' })
  @ApiOkResponse({ type: [ModelVersionResponseDto] })
  @ApiErrorResponses(400)
  async list(@Query() q: ModelListQuery): Promise<ModelVersionResponseDto[]> {
    return (await this.registry.list(q.name)).map(mapModelVersion);
  }

  @Get(':name/drift')
  @ApiOperation({
    summary: 'Feature drift of a model as the nightly sweeps measured it',
    description:
      'Per UTC day of the data: the population stability index (median over features) of everything the active version diagnosed, against its training distribution, and what the sweep did about it (DRIFT_RETRAIN_POLICY); per day and series as well. Days no sweep measured are absent. `from` must not be after `to`, and the range spans at most KPI_MAX_RANGE_DAYS days (400 naming the field).',
  })
  @ApiOkResponse({ type: ModelDriftDto })
  @ApiErrorResponses(400)
  driftOf(@Param() p: ModelNameParams, @Query() q: DriftQuery): Promise<ModelDriftDto> {
    return this.drift.get(p.name, q);
  }

  @Get(':name/:version')
  @ApiOperation({ summary: 'One model version' })
  @ApiOkResponse({ type: ModelVersionResponseDto, links: { promote: PROMOTE_LINK } })
  @ApiErrorResponses(400, [404, 'This version of the model is not registered'])
  async get(@Param() p: ModelVersionParams): Promise<ModelVersionResponseDto> {
    return mapModelVersion(await this.registry.get(p.name, p.version));
  }

  @Post(':name/:version/promote')
  @HttpCode(200)
  @RequireRole(Role.Admin)
  @ApiOperation({ summary: 'Make this version the active one (admin); the one active before is retired' })
  @ApiOkResponse({ type: ModelVersionResponseDto, links: { version: VERSION_LINK } })
  @ApiErrorResponses(400, [404, 'This version of the model is not registered'], [409, 'This version is already active'])
  async promote(@Param() p: ModelVersionParams): Promise<ModelVersionResponseDto> {
    return mapModelVersion(await this.registry.promote(p.name, p.version));
  }

  @Post(':name/rollback')
  @HttpCode(200)
  @RequireRole(Role.Admin)
  @ApiOperation({ summary: 'Put back the version that was active before the current one (admin)' })
  @ApiOkResponse({ type: ModelVersionResponseDto, links: { version: VERSION_LINK } })
  @ApiErrorResponses(400, [409, 'There is no earlier active version to put back'])
  async rollback(@Param() p: ModelNameParams): Promise<ModelVersionResponseDto> {
    return mapModelVersion(await this.registry.rollback(p.name));
  }

  @Post(':name')
  @ApiOperation({
    summary: 'Upload an externally trained ONNX model as a candidate version',
    description: `multipart/form-data with the file in \`file\` (at most ${MAX_MODEL_BYTES} bytes). Refused: files that are not ONNX, use external data files, have other inputs/outputs than the platform feeds and reads, or that ONNX Runtime cannot load.`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ApiCreatedResponse({ type: ModelVersionResponseDto, links: { version: VERSION_LINK, promote: PROMOTE_LINK } })
  @ApiErrorResponses(
    [400, 'No file in the field `file`, or the model is refused (not ONNX, external data, wrong inputs or outputs, ONNX Runtime cannot load it)'],
    [409, 'The same file is already registered'],
    [413, `The model is larger than ${MAX_MODEL_BYTES} bytes`],
  )
  async upload(@Param() p: ModelNameParams, @Req() req: FastifyRequest): Promise<ModelVersionResponseDto> {
    if (!req.isMultipart()) throw new InvalidInputError('upload the model as multipart/form-data', [{ field: 'file', message: 'required' }]);
    const file = await req.file({ limits: { fileSize: MAX_MODEL_BYTES, files: 1 } });
    if (!file || file.fieldname !== 'file') throw new InvalidInputError('no model in the upload', [{ field: 'file', message: 'upload the model in the field `file`' }]);
    const bytes = await file.toBuffer();
    if (file.file.truncated) throw new PayloadTooLargeException({ code: 'PAYLOAD_TOO_LARGE', message: `the model is larger than ${MAX_MODEL_BYTES} bytes` });
    return mapModelVersion(await this.registry.upload(p.name, bytes, req.principal?.name));
  }
}
