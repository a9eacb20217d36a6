// Each API key has one budget of requests per minute, whatever routes it calls; each client address has a budget of
// failed authentications, checked before any key is looked up. Going over either answers 429 in the error shape with
// Retry-After. The client address is the connecting one unless the connection comes from a configured proxy.
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack, type HttpResult } from '../support/stack';

const READS = ['/api/v1/jobs?limit=1', '/api/v1/ingests?limit=1', '/api/v1/vibration-data?limit=1', '/api/v1/vibration-diagnosis?limit=1'];

function expectRateLimited(res: HttpResult): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: expect.any(String) });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('rate limits', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'rate_limit');
  });

  afterAll(async () => {
    await db?.drop();
  });

  describe('without a trusted proxy', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ db, namespace: 'rate-limit', worker: false, env: { RATE_LIMIT_PER_MINUTE: '5', AUTH_FAILURES_PER_MINUTE: '3' } });
    });

    afterAll(async () => {
      await stack?.close();
    });

    it('counts a key across all routes: 429 once its budget is used, while another key still gets through', async () => {
      // Issuing the two keys uses two of the admin key's five requests.
      const first = await stack.issueKey('viewer', 'first');
      const second = await stack.issueKey('viewer', 'second');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await stack.http('GET', READS[i % READS.length], { key: first })).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expectRateLimited(await stack.http('GET', READS[3], { key: first }));

      expect((await stack.http('GET', READS[0], { key: second })).status).toBe(200);
      // Health probes are never limited.
      for (let i = 0; i < 8; i++) expect((await stack.http('GET', '/api/v1/health')).status).toBe(200);
    });

    it('limits failed authentication per client address, however X-Forwarded-For varies, before looking up any key', async () => {
      const valid = await stack.issueKey('viewer', 'valid');
      for (let i = 0; i < 3; i++) {
        const res = await stack.http('GET', READS[i], { key: `hm_guess-${i}-0000000000000000000000000000`, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        expect(res.status).toBe(401);
      }
      expectRateLimited(await stack.http('GET', READS[0], { key: 'hm_guess-3-0000000000000000000000000000', headers: { 'x-forwarded-for': '198.51.100.3' } }));
      expectRateLimited(await stack.http('POST', '/api/v1/api-keys', { body: { name: 'x', role: 'admin' } }));
      // Refused before the key is looked up: otherwise a guess that happened to be right would still get through.
      expectRateLimited(await stack.http('GET', READS[0], { key: valid }));
      expect((await stack.http('GET', '/api/v1/health')).status).toBe(200);
    });
  });

  describe('behind a trusted proxy', () => {
    let stack: TestStack;

    beforeAll(async () => {
      stack = await TestStack.start({ db, namespace: 'rate-limit', worker: false, env: { AUTH_FAILURES_PER_MINUTE: '3', TRUSTED_PROXIES: '127.0.0.1' } });
    });

    afterAll(async () => {
      await stack?.close();
    });

    it("takes the client address from the proxy's X-Forwarded-For, so one client's failures do not lock out another", async () => {
      const viewer = await stack.issueKey('viewer', 'behind-proxy');
      const from = (address: string) => ({ 'x-forwarded-for': address });
      for (let i = 0; i < 3; i++) expect((await stack.http('GET', READS[0], { key: 'hm_wrong-0000000000000000000000000000', headers: from('203.0.113.5') })).status).toBe(401);
      expectRateLimited(await stack.http('GET', READS[0], { key: viewer, headers: from('203.0.113.5') }));
      expect((await stack.http('GET', READS[0], { key: viewer, headers: from('203.0.113.6') })).status).toBe(200);

      const write = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name: 'via-proxy', role: 'viewer' }, headers: from('203.0.113.6') });
      expect(write.status).toBe(201);
      const audit = await stack.http('GET', '/api/v1/audit-log?limit=5', { key: ADMIN_KEY });
      expect(audit.body.find((e: any) => e.request_id === write.headers.get('x-request-id'))).toMatchObject({ ip: '203.0.113.6' });
    });
  });
});
