import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC_ROUTE } from './auth.decorators';
import { RateLimiter } from './rate-limiter';

const isPublic = (reflector: Reflector, context: ExecutionContext) => reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === true;

/**
 * Runs before ApiKeyGuard: an address that failed authentication too often is refused without a database lookup,
 * so guessing keys stays slow and cheap to refuse, and a right guess from that address is refused too.
 */
@Injectable()
export class ClientAddressGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublic(this.reflector, context)) return true;
    const http = context.switchToHttp();
    this.limits.checkAuthFailures(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return true;
  }
}

/** Runs after ApiKeyGuard: one budget per API key, whatever routes it calls. Health probes (public) are never limited. */
@Injectable()
export class KeyRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (isPublic(this.reflector, context)) return true;
    const http = context.switchToHttp();
    const principal = http.getRequest<FastifyRequest>().principal;
    if (principal) this.limits.spendKeyBudget(principal.keyId, http.getResponse<FastifyReply>());
    return true;
  }
}
