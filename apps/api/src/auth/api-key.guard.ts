import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Role, ROLE_RANK } from '@him/db';
import { ApiKeysService } from './api-keys.service';
import { PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { RateLimiter } from './rate-limiter';

export const API_KEY_HEADER = 'x-api-key';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every route needs a key in `X-API-Key` unless marked @Public(); writes need operator at least. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
    private readonly limits: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key) throw this.refuse(req, 'Missing API key: send it in the X-API-Key header');
    const principal = await this.keys.verify(key);
    if (!principal) throw this.refuse(req, 'Invalid or revoked API key');
    req.principal = principal;

    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (READ_METHODS.has(req.method) ? Role.Viewer : Role.Operator);
    if (ROLE_RANK[principal.role] < ROLE_RANK[required]) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `This action needs the ${required} role; your key has ${principal.role}` });
    }
    return true;
  }

  /** Each failed authentication counts against the client address (see ClientAddressGuard). */
  private refuse(req: FastifyRequest, message: string): UnauthorizedException {
    this.limits.recordAuthFailure(req);
    return new UnauthorizedException({ code: 'UNAUTHENTICATED', message });
  }
}
