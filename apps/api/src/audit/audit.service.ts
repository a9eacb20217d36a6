import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditLog } from '@him/db';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The audit-log entry written before this request ran. */
    auditEntryId?: number;
  }
}

export interface AuditQuery {
  limit: number;
  beforeId?: number;
  apiKeyId?: number;
}

/**
 * A write to a route the router matched, however its path was spelt (`/%61pi/v1/…` matches `/api/v1/…`), so the
 * decision follows the router, not the raw URL. Writes to no route did nothing and are answered 404 unrecorded.
 */
export function isAuditedWrite(req: FastifyRequest): boolean {
  return !READ_METHODS.has(req.method) && req.routeOptions.url !== undefined;
}

/**
 * Every write request is recorded, allowed or refused. A write that runs is recorded before it runs (AuditInterceptor,
 * after authentication) and refused with 503 if that entry cannot be written, so no write goes unaudited; its answer
 * completes the entry before it leaves (Fastify onSend), so a client that got an answer can already find it. A write
 * refused before running (authentication, role) is recorded with its answer; if that fails it is only logged, since
 * nothing happened. Rate-limit refusals (429) are not recorded: a flood must not cost a database write per request.
 */
@Injectable()
export class AuditService {
  constructor(private readonly orm: MikroORM) {}

  /** Records a write about to run; throws 503 (the write must not run) when the audit log cannot be written. */
  async begin(req: FastifyRequest): Promise<void> {
    try {
      const em = this.orm.em.fork();
      const entry = em.create(AuditLog, this.entryOf(req));
      await em.flush();
      req.auditEntryId = entry.id;
    } catch (err) {
      // Through the request's logger: the line carries the request id the client is answered with.
      req.log.error({ context: 'audit', err }, `could not record ${req.method} ${req.url} before running it`);
      throw new ServiceUnavailableException({
        code: 'AUDIT_UNAVAILABLE',
        message: 'The audit log cannot be written, so this write was not performed; try again later',
      });
    }
  }

  /** Completes a write's entry with its answer, or records a write refused before it ran. */
  async finish(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!isAuditedWrite(req) || (reply.statusCode === 429 && !req.auditEntryId)) return;
    const outcome = { statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    try {
      const em = this.orm.em.fork();
      if (req.auditEntryId) {
        await em.nativeUpdate(AuditLog, { id: req.auditEntryId }, outcome);
      } else {
        em.create(AuditLog, { ...this.entryOf(req), ...outcome });
        await em.flush();
      }
    } catch (err) {
      req.log.error({ context: 'audit', err }, `could not record the answer ${reply.statusCode} to ${req.method} ${req.url}`);
    }
  }

  list(q: AuditQuery): Promise<AuditLog[]> {
    return this.orm.em
      .fork()
      .find(AuditLog, { ...(q.beforeId ? { id: { $lt: q.beforeId } } : {}), ...(q.apiKeyId ? { apiKeyId: q.apiKeyId } : {}) }, { orderBy: { id: 'desc' }, limit: q.limit });
  }

  private entryOf(req: FastifyRequest) {
    return {
      at: new Date(),
      apiKeyId: req.principal?.keyId,
      actor: req.principal?.name,
      role: req.principal?.role,
      method: req.method,
      path: req.url.slice(0, 500),
      route: req.routeOptions.url?.slice(0, 200),
      ip: req.ip,
      requestId: String(req.id).slice(0, 64),
    };
  }
}
