// Readiness must say which dependency is down. The database is reached through a TCP proxy this test can
// cut, so MariaDB really becomes unreachable for the API; Temporal is pointed at a port nobody listens on.
import * as net from 'node:net';
import { Client } from '@temporalio/client';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { freePort } from '../support/ports';
import { TestStack } from '../support/stack';

class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private server?: net.Server;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server?.listening) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

const mysql = process.env.TEST_MYSQL_URL ? new URL(process.env.TEST_MYSQL_URL) : undefined;
const describeMysql = mysql ? describe : describe.skip;

describeMysql('readiness', () => {
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let stack: TestStack | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'readiness');
    proxy = new CuttableProxy({ host: mysql!.hostname, port: Number(mysql!.port || 3306) });
    await proxy.open();
  });

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  afterAll(async () => {
    await proxy?.cut();
    await db?.drop();
  });

  it('is ready with both up, answers 503 naming the database while it is unreachable, and recovers', async () => {
    const viaProxy = db.env.DATABASE_URL.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`);
    stack = await TestStack.start({ db, namespace: 'readiness', worker: false, env: { DATABASE_URL: viaProxy } });
    expect((await stack.http('GET', '/api/v1/health/ready')).status).toBe(200);

    const port = proxy.port;
    await proxy.cut();
    const down = await stack.http('GET', '/api/v1/health/ready');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 503, code: 'NOT_READY', message: 'Not ready: database is down' });
    expect(down.body.details).toEqual([{ component: 'database', message: expect.any(String) }]);
    // Liveness is about the process, not its dependencies.
    expect((await stack.http('GET', '/api/v1/health')).status).toBe(200);

    await proxy.open(port);
    const back = await stack.http('GET', '/api/v1/health/ready');
    expect(back.status).toBe(200);
  });

  it('is degraded, not down, while no worker polls the task queues', async () => {
    stack = await TestStack.start({ db, namespace: 'readiness', worker: false });
    const res = await stack.http('GET', '/api/v1/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'degraded',
      reason: 'no worker polls him-mes-io (workflow tasks); no worker polls him-mes-io (activity tasks); no worker polls him-mes-cpu (activity tasks)',
      checks: { database: { status: 'up' }, temporal: { status: 'up' } },
    });
    expect(res.body.workers).toEqual([
      { task_queue: 'him-mes-io', kind: 'workflow', pollers: 0 },
      { task_queue: 'him-mes-io', kind: 'activity', pollers: 0 },
      { task_queue: 'him-mes-cpu', kind: 'activity', pollers: 0 },
    ]);
  });

  it('answers 503 naming Temporal when it is unreachable, and a job start gets 503, not 500', async () => {
    const deadPort = await freePort();

    stack = await TestStack.start({ db, namespace: 'readiness', worker: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}` } });
    const res = await stack.http('GET', '/api/v1/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.message).toBe('Not ready: temporal is down');
    expect(res.body.details.map((d: any) => d.component)).toEqual(['temporal']);

    const key = await stack.issueKey('admin');
    const start = await stack.http('POST', '/api/v1/jobs/audit-retention', { key, body: {} });
    expect(start.status).toBe(503);
    expect(start.body.code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('closes while a call to an unreachable Temporal is still being retried, and that call ends with the connection', async () => {
    const deadPort = await freePort();

    stack = await TestStack.start({ db, namespace: 'readiness', worker: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}` } });
    // No deadline, as the start-up schedule bootstrap calls it: gRPC retries it for about 20 s.
    let ended = false;
    const call = stack.app.get(Client).connection.operatorService.listSearchAttributes({ namespace: 'readiness' });
    call.catch(() => undefined).finally(() => (ended = true));
    await new Promise((r) => setTimeout(r, 300));
    const closing = stack;
    stack = undefined;
    await closing.close();
    await new Promise((r) => setImmediate(r));
    // It used to go on retrying, past the end of this suite, into whichever ran next in this process.
    expect(ended).toBe(true);
    await expect(call).rejects.toThrow(/UNAVAILABLE|No connection/);
  });

  it('answers a job start 503 naming Temporal, not 500, when Temporal goes away after the API has used it', async () => {
    const [host, port] = process.env.TEST_TEMPORAL_ADDRESS!.split(':');
    const temporal = new CuttableProxy({ host, port: Number(port) });
    await temporal.open();
    try {
      stack = await TestStack.start({ db, namespace: 'readiness', worker: false, env: { TEMPORAL_ADDRESS: `127.0.0.1:${temporal.port}` } });
      const key = await stack.issueKey('admin');
      expect((await stack.http('POST', '/api/v1/jobs/audit-retention', { key, body: { older_than_days: 3650 } })).status).toBe(202);

      await temporal.cut();
      const start = await stack.http('POST', '/api/v1/jobs/audit-retention', { key, body: { older_than_days: 3000 } });
      expect(start.status).toBe(503);
      expect(start.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', message: expect.stringMatching(/Temporal/) });
    } finally {
      await temporal.cut();
    }
  });
});
