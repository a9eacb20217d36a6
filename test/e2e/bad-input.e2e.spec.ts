/** @jest-environment ./test/support/onnx-environment.ts */
// The bad-input corpus (test/fixtures/bad/cases.json and its files) against the live API and worker: every case gets
// its expected status and error code — a refusal names the problem, a file whose rows are bad is taken (202) and its
// ingest job fails — nothing answers 5xx, and no case stores a row of data. One file that is merely unusual (a UTF-8
// byte-order mark, CRLF line ends) is accepted whole, so the corpus cannot pass by refusing everything.
// Bodies that must be sent byte for byte (a byte-order mark, bytes that are not UTF-8) are files too; the hostile
// ONNX files are written by test/support/onnx-models.ts (WRITE_BAD_ONNX=1 rewrites them), big inputs are made here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, selectRows } from '@him/db';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { hostileModelFiles } from '../support/onnx-models';
import { ADMIN_KEY, TestStack } from '../support/stack';

const DIR = path.join(__dirname, '..', 'fixtures', 'bad');

interface Case {
  name: string;
  upload?: { file: string; as: string; fields?: Record<string, string> };
  /** `file`: the body is that file's bytes. */
  request?: { method: string; path: string; json?: unknown; raw?: string; file?: string; contentType?: string };
  model?: { file: string; name: string };
  generate?: 'deep-json' | 'huge-name' | 'too-many-rows' | 'huge-body' | 'long-line';
  /**
   * `rows`: capture samples stored (and one capture); `stored`: rows added to other tables; every other table stays
   * as it was. `message`: words the refusal or the failed job's error must contain (any case).
   */
  expect: { status: number; code?: string; job?: 'failed' | 'completed'; rows?: number; stored?: Record<string, number>; message?: string };
}

const cases = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as Case[];
/** Where data lands: a rejected case must leave every one of these as it was. */
const DATA_TABLES = ['vibration_data', 'capture', 'capture_sample', 'lot', 'process_value', 'vibration_diagnosis', 'model_version', 'api_key', 'report'];
const ROW = { machine_name: 'g1', sensor_no: 'sensor1', measured_time: 1.5, normal: 0.1, unbalance: 0.2, looseness: 0.3, unbalance_looseness: 0.4 };

describe('the bad-input corpus against the live API', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'bad-input');
    stack = await TestStack.start({ db, namespace: 'bad-input' });
    orm = await MikroORM.init(ormOptions(db.config));
  }, 120_000);

  afterAll(async () => {
    await orm?.close();
    await stack?.close();
    await db?.drop();
  });

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of DATA_TABLES) out[table] = Number((await selectRows<{ n: number }>(orm.em.fork(), `SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return out;
  };

  /** Sends one case as a client would, and answers with what came back. */
  async function send(c: Case): Promise<{ status: number; body: any }> {
    if (c.upload) return stack.upload(c.upload.as, fs.readFileSync(path.join(DIR, c.upload.file)), c.upload.fields);
    // 5 MB of one line that never ends: the scanner gives up at 1 MiB rather than buffer it.
    if (c.generate === 'long-line') return stack.upload('g1_sensor1_20261101T000000Z.csv', `0.000000,${'1'.repeat(5 * 1024 * 1024)}`);
    if (c.model) {
      const form = new FormData();
      form.append('file', new Blob([fs.readFileSync(path.join(DIR, c.model.file))]), c.model.file);
      const res = await fetch(`${stack.baseUrl}/api/v1/models/${c.model.name}`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: form });
      return { status: res.status, body: await res.json() };
    }
    // Made only when asked for: some are megabytes.
    const generated: Record<string, () => NonNullable<Case['request']>> = {
      'deep-json': () => ({ method: 'POST', path: '/api/v1/vibration-data', raw: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }),
      'huge-name': () => ({ method: 'POST', path: '/api/v1/vibration-data', json: { ...ROW, machine_name: 'g'.repeat(2 * 1024 * 1024) } }),
      'too-many-rows': () => ({ method: 'POST', path: '/api/v1/vibration-data/bulk', json: Array.from({ length: 10_001 }, (_, i) => ({ ...ROW, measured_time: i })) }),
      'huge-body': () => ({ method: 'POST', path: '/api/v1/vibration-data', raw: JSON.stringify({ ...ROW, padding: 'x'.repeat(11 * 1024 * 1024) }) }),
    };
    const request = c.request ?? generated[c.generate!]();
    const body = request.file ? fs.readFileSync(path.join(DIR, request.file)) : (request.raw ?? (request.json !== undefined ? JSON.stringify(request.json) : undefined));
    const res = await fetch(`${stack.baseUrl}${request.path}`, {
      method: request.method,
      headers: { 'x-api-key': ADMIN_KEY, ...(body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}) },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  it('holds at least 40 cases, each file of the folder used', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const used = new Set(cases.flatMap((c) => [c.upload?.file, c.model?.file, c.request?.file]).filter(Boolean));
    expect(
      fs
        .readdirSync(DIR)
        .filter((f) => f !== 'cases.json')
        .sort(),
    ).toEqual([...used].sort());
  });

  it('holds the hostile models that test/support/onnx-models.ts builds', () => {
    for (const [file, bytes] of Object.entries(hostileModelFiles())) {
      if (process.env.WRITE_BAD_ONNX) fs.writeFileSync(path.join(DIR, file), bytes);
      expect([file, Buffer.from(fs.readFileSync(path.join(DIR, file))).equals(Buffer.from(bytes))]).toEqual([file, true]);
    }
  });

  it.each(cases.map((c) => [c.name, c]))('%s', async (_name, c) => {
    const before = await counts();
    const res = await send(c);
    expect(res.status).toBeLessThan(500);
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: c.expect.status, code: c.expect.code });
    if (res.status >= 400) {
      // One error shape, with a message a person can act on.
      expect(res.body).toMatchObject({ status: res.status, code: expect.any(String), message: expect.any(String) });
      expect(res.body.message.length).toBeGreaterThan(5);
    }
    let said = JSON.stringify(res.body);
    if (c.expect.job) {
      const job = await stack.finishedJob(res.body.workflow_id, 120_000);
      expect(job.status).toBe(c.expect.job);
      if (c.expect.job === 'failed') {
        expect(job.error).toMatchObject({ type: 'FileRejected', message: expect.any(String) });
        said = job.error.message;
      }
    }
    if (c.expect.message) expect(said.toLowerCase()).toContain(c.expect.message.toLowerCase());
    const after = await counts();
    const expected = { ...before };
    if (c.expect.rows) {
      expected.capture_sample += c.expect.rows;
      expected.capture += 1;
    }
    for (const [table, rows] of Object.entries(c.expect.stored ?? {})) expected[table] += rows;
    expect(after).toEqual(expected);
  });
});
