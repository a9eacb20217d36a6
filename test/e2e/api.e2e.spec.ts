// The HTTP API as a client meets it, on each database kind: auth and roles, the audit log, the one error
// shape, and a job's whole round trip through a real Temporal dev server, a real worker and the database.
import { MikroORM } from '@mikro-orm/core';
import { AuditLog, ormOptions } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, TestStack } from '../support/stack';

const ERROR_KEYS = ['code', 'message', 'path', 'request_id', 'status', 'timestamp'];

function expectErrorShape(body: any, status: number, code: string): void {
  expect(body).toMatchObject({ status, code });
  expect(
    Object.keys(body)
      .filter((k) => k !== 'details')
      .sort(),
  ).toEqual(ERROR_KEYS);
  expect(typeof body.message).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack frames
}

describe.each(DATABASE_KINDS)('HTTP API on %s', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let viewer: string;
  let operator: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind, `e2e_${kind}`);
    stack = await TestStack.start({ db, namespace: kind === 'mysql' ? 'e2e-mysql' : 'e2e-sqlite' });
    viewer = await stack.issueKey('viewer');
    operator = await stack.issueKey('operator');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  describe('health', () => {
    it('answers liveness and readiness without a key', async () => {
      const live = await stack.http('GET', '/api/v1/health');
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'ok', version: expect.any(String) });

      const ready = await stack.http('GET', '/api/v1/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', database_kind: kind, checks: { database: { status: 'up' }, temporal: { status: 'up' } } });
      // The stack's worker polls both queues: workflows and activities on io, activities on cpu.
      expect(ready.body.workers.map((w: { task_queue: string; kind: string }) => `${w.task_queue} ${w.kind}`)).toEqual([
        'him-mes-io workflow',
        'him-mes-io activity',
        'him-mes-cpu activity',
      ]);
      for (const w of ready.body.workers) expect(w.pollers).toBeGreaterThanOrEqual(1);
    });

    it('serves Swagger UI and a typed OpenAPI document', async () => {
      const ui = await stack.http('GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toContain('text/html');
      const spec = await stack.http('GET', '/docs-json');
      expect(spec.status).toBe(200);
      const start = spec.body.paths['/api/v1/jobs/audit-retention'].post;
      expect(start.tags).toEqual(['Jobs']);
      expect(start.summary).toBeTruthy();
      expect(start.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/JobStartedResponseDto');
      expect(spec.body.components.securitySchemes['api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    });
  });

  describe('authentication and roles', () => {
    it('refuses a request without a key with 401', async () => {
      const res = await stack.http('GET', '/api/v1/jobs');
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 401, 'UNAUTHENTICATED');
      expect(res.body.message).toMatch(/X-API-Key/);
    });

    it('refuses an unknown key with 401', async () => {
      const res = await stack.http('GET', '/api/v1/jobs', { key: 'hm_not-a-real-key-at-all-000000000000' });
      expect(res.status).toBe(401);
      expectErrorShape(res.body, 401, 'UNAUTHENTICATED');
    });

    it('lets a viewer read but not write (403), and audits the refused write', async () => {
      const read = await stack.http('GET', '/api/v1/jobs', { key: viewer });
      expect(read.status).toBe(200);

      const write = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: viewer, body: {} });
      expect(write.status).toBe(403);
      expectErrorShape(write.body, 403, 'FORBIDDEN');

      const audit = await stack.http('GET', `/api/v1/audit-log?limit=20`, { key: ADMIN_KEY });
      const entry = audit.body.find((e: any) => e.request_id === write.headers.get('x-request-id'));
      expect(entry).toMatchObject({ method: 'POST', path: '/api/v1/jobs/audit-retention', status_code: 403, role: 'viewer' });
    });

    it('lets an operator write, and records the write in the audit log', async () => {
      const body = {
        machine_name: 'audited',
        sensor_no: 's1',
        collected_at: '2026-11-01T00:00:00.000Z',
        measured_time: 0.5,
        normal: 0.1,
        unbalance: 0.2,
        looseness: 0.3,
        unbalance_looseness: 0.4,
      };
      const res = await stack.http('POST', '/api/v1/vibration-data', { key: operator, body });
      expect(res.status).toBe(201);

      const audit = await stack.http('GET', `/api/v1/audit-log?limit=20`, { key: ADMIN_KEY });
      expect(audit.status).toBe(200);
      const entry = audit.body.find((e: any) => e.request_id === res.headers.get('x-request-id'));
      expect(entry).toMatchObject({ method: 'POST', path: '/api/v1/vibration-data', status_code: 201, role: 'operator' });
      expect(entry.actor).toMatch(/^operator-/);
    });

    it('keeps purging the audit log to admins, and never below the minimum retention', async () => {
      const byOperator = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: operator, body: { older_than_days: 3650 } });
      expect(byOperator.status).toBe(403);
      expectErrorShape(byOperator.body, 403, 'FORBIDDEN');

      for (const days of [1, 29]) {
        const tooShort = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: { older_than_days: days } });
        expect(tooShort.status).toBe(400);
        expectErrorShape(tooShort.body, 400, 'INVALID_INPUT');
        expect(tooShort.body.details).toEqual([{ field: 'older_than_days', message: expect.stringMatching(/at least 30 days \(AUDIT_RETENTION_MIN_DAYS\)/) }]);
      }
      // The OpenAPI document tells clients the configured floor.
      const spec = await stack.http('GET', '/docs-json');
      expect(spec.body.components.schemas.AuditRetentionJobDto.properties.older_than_days.minimum).toBe(30);
    });

    it('keeps key management and the audit log to admins', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/api-keys'],
        ['POST', '/api/v1/api-keys'],
        ['GET', '/api/v1/audit-log'],
      ] as const) {
        const res = await stack.http(method, path, { key: operator, body: method === 'POST' ? { name: 'x', role: 'viewer' } : undefined });
        expect(res.status).toBe(403);
      }
      const list = await stack.http('GET', '/api/v1/api-keys', { key: ADMIN_KEY });
      expect(list.status).toBe(200);
      expect(list.body.map((k: any) => k.role)).toEqual(expect.arrayContaining(['admin', 'viewer', 'operator']));
      expect(JSON.stringify(list.body)).not.toContain(operator); // secrets are never listed
    });

    it('tells any key whose it is and its role (GET /api-keys/me), and nobody without one', async () => {
      const issued = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name: 'night shift', role: 'viewer' } });
      const me = await stack.http('GET', '/api/v1/api-keys/me', { key: issued.body.key });
      expect(me).toMatchObject({ status: 200, body: { name: 'night shift', role: 'viewer', prefix: issued.body.prefix } });
      expect(JSON.stringify(me.body)).not.toContain(issued.body.key);
      expect((await stack.http('GET', '/api/v1/api-keys/me', { key: operator })).body.role).toBe('operator');
      expectErrorShape((await stack.http('GET', '/api/v1/api-keys/me')).body, 401, 'UNAUTHENTICATED');
    });

    it('revokes a key, after which it is refused; the last admin key cannot be revoked', async () => {
      const issued = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name: 'short-lived', role: 'viewer' } });
      expect((await stack.http('GET', '/api/v1/jobs', { key: issued.body.key })).status).toBe(200);
      const revoked = await stack.http('DELETE', `/api/v1/api-keys/${issued.body.id}`, { key: ADMIN_KEY });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).toEqual(expect.any(String));
      expect((await stack.http('GET', '/api/v1/jobs', { key: issued.body.key })).status).toBe(401);

      const admins = (await stack.http('GET', '/api/v1/api-keys', { key: ADMIN_KEY })).body.filter((k: any) => k.role === 'admin' && !k.revoked_at);
      expect(admins).toHaveLength(1);
      const last = await stack.http('DELETE', `/api/v1/api-keys/${admins[0].id}`, { key: ADMIN_KEY });
      expect(last.status).toBe(409);
      expectErrorShape(last.body, 409, 'CONFLICT');
    });
  });

  describe('audit log', () => {
    const auditEntry = async (res: { headers: Headers }) =>
      (await stack.http('GET', '/api/v1/audit-log?limit=50', { key: ADMIN_KEY })).body.find((e: any) => e.request_id === res.headers.get('x-request-id'));

    it('audits a write reached through a percent-encoded path by the route it matched, and keeps the URL as sent', async () => {
      const res = await stack.http('POST', '/%61pi/v1/api-keys', { key: ADMIN_KEY, body: { name: 'encoded-path', role: 'viewer' } });
      expect(res.status).toBe(201);
      expect(await auditEntry(res)).toMatchObject({ method: 'POST', route: '/api/v1/api-keys', path: '/%61pi/v1/api-keys', status_code: 201, role: 'admin' });

      const refused = await stack.http('DELETE', '/api/v1/%61pi-keys/1', { key: operator });
      expect(refused.status).toBe(403);
      expect(await auditEntry(refused)).toMatchObject({ method: 'DELETE', route: '/api/v1/api-keys/:id', path: '/api/v1/%61pi-keys/1', status_code: 403 });
    });

    it('records the connecting address, not an X-Forwarded-For that no trusted proxy set', async () => {
      const res = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: viewer, body: {}, headers: { 'x-forwarded-for': '198.51.100.77' } });
      expect(res.status).toBe(403);
      expect(await auditEntry(res)).toMatchObject({ ip: '127.0.0.1' });
    });

    it('refuses a write with 503 before performing it when the audit log cannot be written', async () => {
      const orm = await MikroORM.init(ormOptions(db.config));
      const connection = orm.em.getConnection();
      await connection.execute('alter table audit_log rename to audit_log_away');
      let res;
      try {
        res = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name: 'unaudited', role: 'admin' } });
      } finally {
        await connection.execute('alter table audit_log_away rename to audit_log');
        await orm.close(true);
      }
      expect(res.status).toBe(503);
      expectErrorShape(res.body, 503, 'AUDIT_UNAVAILABLE');
      const keys = await stack.http('GET', '/api/v1/api-keys', { key: ADMIN_KEY });
      expect(keys.body.map((k: any) => k.name)).not.toContain('unaudited');
    });
  });

  describe('errors', () => {
    it('names the field of every validation error', async () => {
      const res = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: { older_than_days: 0, surprise: true } });
      expect(res.status).toBe(400);
      expectErrorShape(res.body, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'older_than_days', message: expect.stringMatching(/less than 1/) },
          { field: 'surprise', message: expect.stringMatching(/should not exist/) },
        ]),
      );
    });

    it('validates query and path parameters the same way', async () => {
      const q = await stack.http('GET', '/api/v1/jobs?limit=abc&status=sleeping', { key: viewer });
      expect(q.status).toBe(400);
      expect([...new Set(q.body.details.map((d: any) => d.field))].sort()).toEqual(['limit', 'status']);
      const p = await stack.http('DELETE', '/api/v1/api-keys/not-a-number', { key: ADMIN_KEY });
      expect(p.status).toBe(400);
      expect(p.body.details[0].field).toBe('id');
    });

    it('answers malformed JSON, unknown routes and oversize bodies in the same shape, never 500', async () => {
      const malformed = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, rawBody: '{"name": ' });
      expect(malformed.status).toBe(400);
      expectErrorShape(malformed.body, 400, 'BAD_REQUEST');

      const unknown = await stack.http('GET', '/api/v1/no-such-thing', { key: viewer });
      expect(unknown.status).toBe(404);
      expectErrorShape(unknown.body, 404, 'NOT_FOUND');

      const huge = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, rawBody: JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024), role: 'viewer' }) });
      expect(huge.status).toBe(413);
      expectErrorShape(huge.body, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers a method a path does not have with 405 and Allow, also where a broader route would take the path', async () => {
      const options = await stack.http('OPTIONS', '/api/v1/jobs/retrain');
      expect([options.status, options.headers.get('allow')]).toEqual([405, 'POST']);
      expectErrorShape(options.body, 405, 'METHOD_NOT_ALLOWED');
      // Not version "rollback" of the model (GET /models/{name}/{version}, a 400), but the rollback, which is POST only.
      const rollback = await stack.http('GET', '/api/v1/models/vibration-classifier/rollback', { key: viewer });
      expect([rollback.status, rollback.headers.get('allow')]).toEqual([405, 'POST']);
      const health = await stack.http('PUT', '/api/v1/health');
      expect([health.status, health.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
      const version = await stack.http('GET', '/api/v1/models/vibration-classifier/1', { key: viewer });
      expect(version.status).toBe(200);
    });

    it('refuses a null body or a null field with 400 instead of taking it for "not sent"', async () => {
      const nullBody = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, rawBody: 'null' });
      expect(nullBody.status).toBe(400);
      expectErrorShape(nullBody.body, 400, 'VALIDATION_FAILED');
      const nullField = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: { older_than_days: null } });
      expect(nullField.status).toBe(400);
      expect(nullField.body.details).toEqual(expect.arrayContaining([{ field: 'older_than_days', message: expect.any(String) }]));
    });

    it('refuses multipart/form-data without a boundary with 400, never 500', async () => {
      const res = await fetch(`${stack.baseUrl}/api/v1/jobs/ingest`, { method: 'POST', headers: { 'x-api-key': operator, 'content-type': 'multipart/form-data' }, body: 'x' });
      expect(res.status).toBe(400);
      expectErrorShape(await res.json(), 400, 'BAD_REQUEST');
    });
  });

  describe('jobs', () => {
    it('runs a job end to end: 202, progress and result, the database changed, listed by type', async () => {
      // Audit entries from long ago, which the retention job must delete, and a recent one it must keep.
      const orm = await MikroORM.init(ormOptions(db.config));
      const em = orm.em.fork();
      const old = new Date(Date.now() - 500 * 86_400_000);
      for (let i = 0; i < 7; i++) em.create(AuditLog, { at: old, method: 'POST', path: `/api/v1/old/${i}`, statusCode: 200 });
      await em.flush();
      const recentBefore = await em.count(AuditLog, { at: { $gte: new Date(Date.now() - 86_400_000) } });

      const started = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: { older_than_days: 300 } });
      expect(started.status).toBe(202);
      const { workflow_id, run_id, status_url, temporal_ui_url } = started.body;
      expect(workflow_id).toMatch(/^audit-retention-before-\d{4}-\d{2}-\d{2}$/);
      expect(status_url).toBe(`${stack.config.publicUrl}/api/v1/jobs/${workflow_id}`);
      expect(temporal_ui_url).toContain(`/namespaces/e2e-${kind}/workflows/${workflow_id}/${run_id}`);

      const done = await eventually(
        async () => {
          const res = await stack.http('GET', `/api/v1/jobs/${workflow_id}`, { key: viewer });
          return res.body.status === 'completed' ? res.body : undefined;
        },
        30_000,
        'the job to complete',
      );
      expect(done).toMatchObject({
        workflow_id,
        type: 'audit-retention',
        main_entity: 'audit_log',
        progress: { phase: 'done', done: 7, total: 7, unit: 'entries' },
        result: { deleted: 7, batches: 1 },
        error: null,
      });
      expect(done.closed_at).toEqual(expect.any(String));

      const em2 = orm.em.fork();
      expect(await em2.count(AuditLog, { path: { $like: '/api/v1/old/%' } })).toBe(0);
      expect(await em2.count(AuditLog, { at: { $gte: new Date(Date.now() - 86_400_000) } })).toBeGreaterThanOrEqual(recentBefore);
      await orm.close(true);

      // Visibility is eventually consistent: the list catches up within a moment.
      const listed = await eventually(
        async () => {
          const res = await stack.http('GET', '/api/v1/jobs?type=audit-retention&status=completed', { key: viewer });
          return res.body.find((j: any) => j.workflow_id === workflow_id);
        },
        20_000,
        'the job in the list',
      );
      expect(listed).toMatchObject({ type: 'audit-retention', status: 'completed', status_url });

      const cancel = await stack.http('POST', `/api/v1/jobs/${workflow_id}/cancel`, { key: operator });
      expect(cancel.status).toBe(409);
      expectErrorShape(cancel.body, 409, 'CONFLICT');
    });

    it('answers 404 in the error shape for an unknown job', async () => {
      const res = await stack.http('GET', '/api/v1/jobs/no-such-workflow', { key: viewer });
      expect(res.status).toBe(404);
      expectErrorShape(res.body, 404, 'NOT_FOUND');
    });
  });

  // Last: it revokes the key every other test uses.
  describe('bootstrap admin key', () => {
    it('stays revoked across restarts once revoked (MES_ADMIN_API_KEY is created only when absent)', async () => {
      const other = await stack.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name: 'second-admin', role: 'admin' } });
      expect(other.status).toBe(201);
      const bootstrap = (await stack.http('GET', '/api/v1/api-keys', { key: other.body.key })).body.find((k: any) => k.name === 'bootstrap-admin');
      expect((await stack.http('DELETE', `/api/v1/api-keys/${bootstrap.id}`, { key: other.body.key })).status).toBe(200);
      expect((await stack.http('GET', '/api/v1/jobs', { key: ADMIN_KEY })).status).toBe(401);

      // A restart with the same MES_ADMIN_API_KEY on the same database.
      const restarted = await TestStack.start({ db, namespace: kind === 'mysql' ? 'e2e-mysql' : 'e2e-sqlite', worker: false });
      try {
        expect((await restarted.http('GET', '/api/v1/jobs', { key: ADMIN_KEY })).status).toBe(401);
        const keys = (await restarted.http('GET', '/api/v1/api-keys', { key: other.body.key })).body;
        expect(keys.filter((k: any) => k.name === 'bootstrap-admin')).toEqual([expect.objectContaining({ id: bootstrap.id, revoked_at: expect.any(String) })]);
      } finally {
        await restarted.close();
      }
    });
  });
});
