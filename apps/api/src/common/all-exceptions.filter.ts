import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { ConnectionException, DeadlockException, DriverException, LockWaitTimeoutException } from '@mikro-orm/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, DependencyUnavailableError, DomainError, InvalidInputError, NotFoundError, type ErrorDetail } from '@him/contracts';
import { defaultCode, errorBody } from './error-body';

/** Socket errors of a database connection that was refused, dropped or timed out: the server is down or restarting. */
const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED']);

/** The database cannot be reached (down, restarting, or every pooled connection busy past the pool's wait). */
function databaseUnreachable(exception: unknown): boolean {
  if (exception instanceof ConnectionException) return true;
  if (exception instanceof DriverException) return CONNECTION_LOST.has(String(exception.code));
  return exception instanceof Error && exception.name === 'KnexTimeoutError';
}

const STATUS_BY_DOMAIN_ERROR = new Map<abstract new (...args: never[]) => DomainError, number>([
  [InvalidInputError, 400],
  [NotFoundError, 404],
  [ConflictError, 409],
  [DependencyUnavailableError, 503],
]);

/**
 * Maps every error to the one JSON error shape. Unexpected errors are logged with their stack, never sent; through the
 * request's logger, so the line carries the request id the client was answered with.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, code, message, details } = this.describe(exception);
    const where = { context: 'http', method: req.method, url: req.url };
    if (status === 500) req.log.error({ ...where, err: exception }, `${req.method} ${req.url}: ${exception instanceof Error ? exception.message : String(exception)}`);
    else if (status > 500) req.log.warn(where, `${req.method} ${req.url}: ${message}`);
    void reply
      .status(status)
      .type('application/json; charset=utf-8')
      .send(errorBody(status, code, message, req, details));
  }

  private describe(exception: unknown): { status: number; code: string; message: string; details?: ErrorDetail[] } {
    if (exception instanceof DomainError) {
      const status = [...STATUS_BY_DOMAIN_ERROR].find(([cls]) => exception instanceof cls)?.[1] ?? 400;
      return { status, code: exception.code, message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const body = typeof res === 'object' && res !== null ? (res as Record<string, unknown>) : {};
      const message = typeof res === 'string' ? res : typeof body.message === 'string' ? body.message : exception.message;
      return {
        status,
        code: typeof body.code === 'string' ? body.code : defaultCode(status),
        message,
        details: Array.isArray(body.details) ? (body.details as ErrorDetail[]) : undefined,
      };
    }
    // A write that waited for another one longer than the database allows (or was picked as a deadlock's victim)
    // changed nothing: the client may send it again.
    if (exception instanceof LockWaitTimeoutException || exception instanceof DeadlockException) {
      return { status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'The database was busy with a concurrent write and nothing was changed; retry the request' };
    }
    // A database that is down or restarting (a crash, a failover) is not the server's fault either: retry later.
    if (databaseUnreachable(exception)) {
      return { status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'The database is not answering; retry the request in a few seconds' };
    }
    // Fastify's own errors (body parsing, size limits) carry a 4xx statusCode.
    const fst = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fst?.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
      return { status: fst.statusCode, code: defaultCode(fst.statusCode), message: fst.message ?? 'Bad request' };
    }
    return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
}
