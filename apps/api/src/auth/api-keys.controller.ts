import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Role } from '@him/db';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { IdParams } from '../common/id-params.dto';
import { ApiKeyCreateDto, ApiKeyIssuedResponseDto, ApiKeyResponseDto, ApiKeySelfDto, mapApiKey } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';
import { RequireRole } from './auth.decorators';

@ApiTags('API keys')
@ApiKeyAuth()
@RequireRole(Role.Admin)
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  async list(): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.list()).map(mapApiKey);
  }

  @Get('me')
  @RequireRole(Role.Viewer)
  @ApiOperation({ summary: 'The key this request is made with: its name and role (any role may ask; the dashboard shows only what the role may do)' })
  @ApiOkResponse({ type: ApiKeySelfDto })
  me(@Req() req: FastifyRequest): ApiKeySelfDto {
    const { name, role, prefix } = req.principal!;
    return { name, role, prefix };
  }

  @Post()
  @ApiOperation({ summary: 'Issue a new API key; the key is returned once' })
  @ApiCreatedResponse({
    type: ApiKeyIssuedResponseDto,
    links: { revoke: { operationId: 'ApiKeys_revoke', parameters: { id: '$response.body#/id' }, description: 'Revoke the key just issued' } },
  })
  @ApiErrorResponses(400, 413)
  async create(@Body() body: ApiKeyCreateDto): Promise<ApiKeyIssuedResponseDto> {
    const { entity, key } = await this.keys.issue(body.name, body.role);
    return { ...mapApiKey(entity), key };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (the last active admin key cannot be revoked)' })
  @ApiOkResponse({ type: ApiKeyResponseDto, description: 'Revoked (or already revoked)' })
  @ApiErrorResponses(400, 404, [409, 'The last active admin key cannot be revoked'])
  async revoke(@Param() params: IdParams): Promise<ApiKeyResponseDto> {
    return mapApiKey(await this.keys.revoke(params.id));
  }
}
