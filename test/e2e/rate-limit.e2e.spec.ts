// Each API key has its own budget of requests per minute; going over it answers 429 in the error shape.
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

describe('rate limit per API key', () => {
  let db: TestDatabase;
  let stack: TestStack;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'rate_limit');
    stack = await TestStack.start({ db, namespace: 'rate-limit', worker: false, env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('answers 429 once a key has used its budget, while another key still gets through', async () => {
    // Issuing the two keys uses two of the admin key's five requests.
    const first = await stack.issueKey('viewer', 'first');
    const second = await stack.issueKey('viewer', 'second');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await stack.http('GET', '/api/v1/jobs?limit=1', { key: first })).status);
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);

    const limited = await stack.http('GET', '/api/v1/jobs?limit=1', { key: first });
    expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    expect((await stack.http('GET', '/api/v1/jobs?limit=1', { key: second })).status).not.toBe(429);
    // Health probes are never limited.
    for (let i = 0; i < 8; i++) expect((await stack.http('GET', '/api/v1/health')).status).toBe(200);
  });
});
