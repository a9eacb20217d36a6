// Prometheus metrics of the API at GET /metrics (prom-client): request latency per route, the model versions it
// serves, the jobs by type and status, and the process' own figures. Outside /api/v1 and without a key, as Prometheus
// scrapes; it names routes, model versions and job types, nothing a client sent.
import { Logger, type INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { MODEL_SIGNATURES } from '@him/ml';
import { ModelRegistry } from '@him/registry';
import { JobsService } from '../jobs/jobs.service';

export const METRICS_PATH = '/metrics';

/** Latency buckets (seconds) around the query bars (p95 < 25 ms) and the bulk routes' seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** How long a scrape waits for Temporal's job counts before it answers without them. */
const JOB_COUNT_TIMEOUT_MS = 2000;

export function serveMetrics(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const registry = app.get(ModelRegistry);
  const jobs = app.get(JobsService);
  const log = new Logger('metrics');
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

  let jobCountsFailing = false;
  new Gauge({
    name: 'him_jobs',
    help: 'Jobs by type and status in Temporal (running, and finished until the namespace retention drops them); absent while Temporal does not answer',
    labelNames: ['job_type', 'status'],
    registers: [register],
    // Counted in Temporal's visibility at each scrape: the cluster's jobs, whichever instance started or ran them. A
    // Temporal that is down or slow leaves these series out; the rest of the scrape still answers.
    async collect() {
      this.reset();
      try {
        for (const { type, status, count } of await jobs.countByStatus(JOB_COUNT_TIMEOUT_MS)) this.set({ job_type: type, status }, count);
        jobCountsFailing = false;
      } catch (err) {
        if (!jobCountsFailing) log.warn(`job counts left out of /metrics until Temporal answers: ${(err as Error).message}`);
        jobCountsFailing = true;
      }
    },
  });

  // The route's pattern, not its path: a label per capture id would grow without bound.
  fastify.addHook('onResponse', async (req, reply) => {
    latency.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  fastify.get(METRICS_PATH, async (_req, reply) => reply.type(register.contentType).send(await register.metrics()));
}
