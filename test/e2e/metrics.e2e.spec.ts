// GET /metrics as Prometheus scrapes it: no key, the text format, request latency per route pattern (not per path),
// the model versions served, and the process' own figures.
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';

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
});
