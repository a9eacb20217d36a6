import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AuditService, isAuditedWrite } from './audit.service';

/** Records each write after the guards let it through and before validation and the handler run (see AuditService). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (isAuditedWrite(req)) await this.audit.begin(req);
    return next.handle();
  }
}
