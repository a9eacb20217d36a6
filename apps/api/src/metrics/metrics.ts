// Prometheus metrics of the API at GET /metrics (prom-client): request latency per route, the model versions it
// serves, and the process' own figures. Outside /api/v1 and without a key, as Prometheus scrapes; it names routes and
// model versions, nothing a client sent.
import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { MODEL_SIGNATURES } from '@him/ml';
import { ModelRegistry } from '@him/registry';

export const METRICS_PATH = '/metrics';

/** Latency buckets (seconds) around the query bars (p95 < 25 ms) and the bulk routes' seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function serveMetrics(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const registry = app.get(ModelRegistry);
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'him_api_' });

  const latency = new Histogram({
    name: 'him_http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  new Gauge({
    name: 'him_model_version_served',
    help: 'The active version of each registered model (1 per model and version)',
    labelNames: ['model', 'version'],
    registers: [register],
    // Read at each scrape: a promotion on another instance shows at the next one.
    async collect() {
      this.reset();
      for (const model of Object.keys(MODEL_SIGNATURES)) {
        const active = await registry.active(model);
        if (active) this.set({ model, version: String(active.version) }, 1);
      }
    },
  });

  // The route's pattern, not its path: a label per capture id would grow without bound.
  fastify.addHook('onResponse', async (req, reply) => {
    latency.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  fastify.get(METRICS_PATH, async (_req, reply) => reply.type(register.contentType).send(await register.metrics()));
}
