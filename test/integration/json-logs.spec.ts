// The built API and worker processes log one JSON object per line on stdout: the API a line per request (its id, the
// route pattern, the status, the API key's name), the worker the Temporal SDK's lines with the workflow and activity
// each is about, and both Nest's own messages.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { freePort } from '../support/ports';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

const NAMESPACE = 'json-logs';

/** A request's completion line. */
const completed = (requestId: string) => (r: Record<string, any>) => r.requestId === requestId && r.msg === 'request completed';

/** What a process writes to stdout, line by line (a line is taken once its newline has come). */
class Output {
  readonly lines: string[] = [];
  stderr = '';
  private partial = '';

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** Every line parsed; one that is not JSON fails here, naming it. */
  records(): Record<string, any>[] {
    return this.lines.map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
  }

  find(match: (record: Record<string, any>) => boolean, what: string, timeoutMs = 20_000): Promise<Record<string, any>> {
    return eventually(async () => this.records().find(match), timeoutMs, what);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

describe('JSON logs of the API and worker processes', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let api: Output;
  let worker: Output;
  let apiUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', NAMESPACE);
    // The in-process stack (quiet) issues the keys; the requests under test go to the built API process.
    stack = await TestStack.start({ db, namespace: NAMESPACE, worker: false });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const apiProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js')], {
      env: {
        ...process.env,
        ...db.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: NAMESPACE,
        DATA_DIR: stack.config.dataDir,
        BLOB_DIR: stack.config.blobDir,
        MES_ADMIN_API_KEY: ADMIN_KEY,
        ENSURE_SCHEDULES: 'false',
        LOG_LEVEL: 'log',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api = new Output(apiProcess);
    // At debug the SDK logs each activity's start and completion.
    worker = new Output(spawnWorkerProcess(stack, db, NAMESPACE, { LOG_LEVEL: 'debug' }, 'pipe'));
    await eventually(async () => ((await fetch(`${apiUrl}/api/v1/health`).catch(() => undefined))?.ok ? true : undefined), 60_000, 'the API process to answer');
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stack?.close();
    await db?.drop();
  });

  let workflowId: string;

  it('the API logs each request once, with its id, route pattern, status and the API key’s name (never the key)', async () => {
    const key = await stack.issueKey('admin', 'line-2-supervisor');
    const started = await fetch(`${apiUrl}/api/v1/jobs/audit-retention`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'x-request-id': 'json-logs-0001', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    expect(started.headers.get('x-request-id')).toBe('json-logs-0001');
    workflowId = ((await started.json()) as { workflow_id: string }).workflow_id;

    const line = await api.find(completed('json-logs-0001'), 'the request’s line');
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'api',
      pid: api.child.pid,
      hostname: expect.any(String),
      requestId: 'json-logs-0001',
      method: 'POST',
      route: '/api/v1/jobs/audit-retention',
      status: 202,
      durationMs: expect.any(Number),
      apiKeyName: 'line-2-supervisor',
      msg: 'request completed',
    });

    // What the code logs while it handles the request carries the request's id too.
    expect(await api.find((r) => r.context === 'jobs' && r.requestId === 'json-logs-0001', 'the job service’s line')).toMatchObject({
      msg: `started audit-retention as ${workflowId}`,
    });

    // A request id that is not sane is replaced; the route is the pattern, not the path with the workflow id.
    const status = await fetch(`${apiUrl}/api/v1/jobs/${encodeURIComponent(workflowId)}`, { headers: { 'x-api-key': key, 'x-request-id': 'not a sane id' } });
    const generated = status.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const statusLine = await api.find(completed(generated), 'the status request’s line');
    expect(statusLine).toMatchObject({ method: 'GET', route: '/api/v1/jobs/:workflow_id', status: 200, apiKeyName: 'line-2-supervisor' });

    // Refused before a key is resolved: no name.
    const refused = await fetch(`${apiUrl}/api/v1/jobs`, { headers: { 'x-request-id': 'json-logs-0002' } });
    expect(refused.status).toBe(401);
    const refusedLine = await api.find(completed('json-logs-0002'), 'the refused request’s line');
    expect(refusedLine).toMatchObject({ route: '/api/v1/jobs', status: 401 });
    expect(refusedLine).not.toHaveProperty('apiKeyName');

    // The readiness polls above are probes: debug, below LOG_LEVEL=log.
    expect(api.records().filter((r) => String(r.route).startsWith('/api/v1/health'))).toEqual([]);
    expect(api.lines.join('\n')).not.toContain(key);
  });

  it('the worker logs its activities with the workflow id and activity type', async () => {
    expect((await stack.finishedJob(workflowId, 60_000)).status).toBe('completed');
    const line = await worker.find((r) => r.workflowId === workflowId && r.msg === 'Activity completed', 'an activity’s completion line');
    expect(line).toMatchObject({
      level: 'debug',
      service: 'worker',
      sdkComponent: 'worker',
      workflowId,
      workflowType: 'auditRetention',
      activityType: expect.stringMatching(/^(count|purge)ExpiredAuditEntries$/),
      activityId: expect.any(String),
      taskQueue: 'him-mes-io',
      namespace: NAMESPACE,
      durationMs: expect.any(Number),
    });
    expect(line).not.toHaveProperty('taskToken');
    // Nest's own messages come through the same logger.
    await worker.find((r) => r.context === 'worker' && /^worker polling /.test(r.msg), 'the worker’s start line');
    await api.find((r) => r.context === 'NestApplication' && r.msg === 'Nest application successfully started', 'Nest’s start line');
  });

  it('every line either process writes to stdout, to the last one at shutdown, is a JSON log record', async () => {
    await Promise.all([api.stop(), worker.stop()]);
    for (const output of [api, worker]) {
      const records = output.records();
      expect(records.length).toBeGreaterThan(5);
      for (const record of records) expect(record).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) }));
    }
    expect(worker.records().at(-1)).toMatchObject({ context: 'worker', msg: 'worker stopped' });
  });
});
