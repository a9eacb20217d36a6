import type { FastifyInstance } from 'fastify';
import { logWithin } from '@him/config';

/**
 * One line per request once its answer is sent (Fastify's own two lines are off), through the request's logger, which
 * carries its id as `requestId`. It names the route pattern (`/api/v1/jobs/:workflow_id`), not the path with its ids
 * and query, and the API key by its name once the guard has resolved it — never the key.
 * `quietRoutes` (probes, scrapes) log at debug, so a load balancer's health checks do not drown the log.
 */
export function logRequests(fastify: FastifyInstance, quietRoutes: readonly string[]): void {
  const quiet = new Set(quietRoutes);
  // What the code logs while it handles a request (`new Logger(...)` calls) carries the request id too.
  fastify.addHook('onRequest', (req, _reply, done) => logWithin(req.log, done));
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    const level = route !== undefined && quiet.has(route) ? 'debug' : 'info';
    req.log[level](
      {
        method: req.method,
        // A path no route matched is named by its path (without the query string, cut short).
        ...(route !== undefined ? { route } : { path: req.url.split('?')[0].slice(0, 256) }),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        apiKeyName: req.principal?.name,
      },
      'request completed',
    );
  });
}
