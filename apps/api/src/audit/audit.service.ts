import { Injectable, Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditLog } from '@him/db';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuditQuery {
  limit: number;
  beforeId?: number;
  apiKeyId?: number;
}

@Injectable()
export class AuditService {
  private readonly log = new Logger('audit');

  constructor(private readonly orm: MikroORM) {}

  /**
   * Records a write request, allowed or refused, before its answer leaves (Fastify onSend), so a client
   * that got an answer can already find its entry. Audit failures are logged, never turned into errors.
   */
  async recordWrite(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (READ_METHODS.has(req.method) || !req.url.startsWith('/api/')) return;
    try {
      const em = this.orm.em.fork();
      em.create(AuditLog, {
        at: new Date(),
        apiKeyId: req.principal?.keyId,
        actor: req.principal?.name,
        role: req.principal?.role,
        method: req.method,
        path: req.url.slice(0, 500),
        statusCode: reply.statusCode,
        ip: req.ip,
        requestId: String(req.id).slice(0, 64),
        durationMs: Math.round(reply.elapsedTime),
      });
      await em.flush();
    } catch (err) {
      this.log.error(`could not record ${req.method} ${req.url}: ${(err as Error).message}`);
    }
  }

  list(q: AuditQuery): Promise<AuditLog[]> {
    return this.orm.em.fork().find(
      AuditLog,
      { ...(q.beforeId ? { id: { $lt: q.beforeId } } : {}), ...(q.apiKeyId ? { apiKeyId: q.apiKeyId } : {}) },
      { orderBy: { id: 'desc' }, limit: q.limit },
    );
  }
}
