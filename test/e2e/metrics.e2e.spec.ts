// GET /metrics as Prometheus scrapes it: no key, the text format, request latency per route pattern (not per path),
// the model versions served, the jobs by type and status (from Temporal; left out while it is down), and the
// process' own figures.
import { JOB_STATUSES, JOB_TYPES } from '@him/contracts';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { freePort } from '../support/ports';
import { ADMIN_KEY, eventually, TestStack } from '../support/stack';

describe('Prometheus metrics of the API', () => {
  let db: TestDatabase;
  let stack: TestStack;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'metrics');
    stack = await TestStack.start({ db, namespace: 'metrics', worker: false });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  /** The value of one series in the text format, or undefined when it is absent. */
  const series = (text: string, name: string, labels: Record<string, string>) => {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('counts requests per route pattern and status, names the served model versions, and needs no key', async () => {
    for (let i = 0; i < 3; i++) expect((await stack.http('GET', '/api/v1/health')).status).toBe(200);
    expect((await stack.http('GET', '/api/v1/models/tep-detector/1', { key: ADMIN_KEY })).status).toBe(200);
    expect((await stack.http('GET', '/api/v1/models/tep-detector/99', { key: ADMIN_KEY })).status).toBe(404);
    expect((await stack.http('GET', '/api/v1/models')).status).toBe(401);

    const res = await fetch(`${stack.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const count = (route: string, status: string) => series(text, 'him_http_request_duration_seconds_count', { method: 'GET', route, status_code: status });
    expect(count('/api/v1/health', '200')).toBe(3);
    // One series for both versions asked: the pattern, with its status.
    expect(count('/api/v1/models/:name/:version', '200')).toBe(1);
    expect(count('/api/v1/models/:name/:version', '404')).toBe(1);
    expect(count('/api/v1/models', '401')).toBe(1);
    expect(text).not.toContain('/api/v1/models/tep-detector/99');
    expect(series(text, 'him_http_request_duration_seconds_bucket', { route: '/api/v1/health', le: '+Inf' })).toBe(3);
    for (const model of ['vibration-classifier', 'tep-detector', 'tep-identifier', 'tep-lstm']) expect(series(text, 'him_model_version_served', { model, version: '1' })).toBe(1);
    expect(text).toMatch(/^him_api_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^him_api_nodejs_heap_size_used_bytes \d/m);
  });

  it('counts the jobs by type and status from Temporal, a zero for each status a type has none in', async () => {
    // No worker here: the two jobs (different cutoffs, so two workflows) stay running.
    for (const older_than_days of [365, 400]) {
      expect((await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: { older_than_days } })).status).toBe(202);
    }
    // Visibility catches up with a start within moments.
    const text = await eventually(
      async () => {
        const scraped = await (await fetch(`${stack.baseUrl}/metrics`)).text();
        return series(scraped, 'him_jobs', { job_type: 'audit-retention', status: 'running' }) === 2 ? scraped : undefined;
      },
      20_000,
      'both jobs to be counted as running',
    );
    expect(text).toMatch(/^# TYPE him_jobs gauge$/m);
    for (const job_type of JOB_TYPES)
      for (const status of JOB_STATUSES) expect(series(text, 'him_jobs', { job_type, status })).toBe(job_type === 'audit-retention' && status === 'running' ? 2 : 0);
  });

  it('answers without the job counts, and promptly, while Temporal is unreachable', async () => {
    const downDb = await createTestDatabase('sqlite', 'metrics_temporal_down');
    const down = await TestStack.start({ db: downDb, namespace: 'metrics-temporal-down', worker: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` } });
    try {
      const began = performance.now();
      const res = await fetch(`${down.baseUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(performance.now() - began).toBeLessThan(5000);
      const text = await res.text();
      expect(text).not.toMatch(/^him_jobs\{/m);
      expect(series(text, 'him_model_version_served', { model: 'tep-detector', version: '1' })).toBe(1);
    } finally {
      await down.close();
      await downDb.drop();
    }
  }, 60_000);
});
