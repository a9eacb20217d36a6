// Ingest with dedupe through the real path: HTTP upload → Temporal workflow → worker activities → database.
// Every bad input gets its clear error and stores nothing; duplicates and overlaps are counted exactly.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { Client } from '@temporalio/client';
import { INGEST_JOB, jobStart, type IngestInput } from '@him/contracts';
import { dbDate, ormOptions } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { vibrationCsv, vibrationRow, VIBRATION_HEADER, withLine } from '../support/ingest-files';
import { ADMIN_KEY, TestStack } from '../support/stack';

const TEP_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'tep');

describe.each(DATABASE_KINDS)('ingest on %s', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let orm: MikroORM;
  let machineSeq = 0;
  /** A machine name no other test uses, so row counts belong to one test. */
  const machine = () => `m${kind[0]}${++machineSeq}`;

  const count = async (sql: string, params: unknown[] = []) => Number((await orm.em.fork().getConnection().execute(sql, params))[0].n);
  const rowsOf = (m: string) => count('select count(*) as n from vibration_data where machine_name = ?', [m]);

  /** Uploads and waits for the job; returns the final job status. */
  async function ingest(fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
    const started = await stack.upload(fileName, content, fields);
    expect(started.status).toBe(202);
    return stack.finishedJob(started.body.workflow_id);
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, `ingest_${kind}`);
    stack = await TestStack.start({ db, namespace: kind === 'mysql' ? 'ingest-mysql' : 'ingest-sqlite' });
    orm = await MikroORM.init(ormOptions(db.config));
  });

  afterAll(async () => {
    await orm?.close(true);
    await stack?.close();
    await db?.drop();
  });

  it('loads a recording exactly, and answers the same file again as a duplicate without loading it', async () => {
    const m = machine();
    const csv = vibrationCsv(3000);
    const job = await ingest(`g1_sensor1.csv`, csv, { machine_name: m });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ kind: 'vibration', status: 'succeeded', rows_read: 3000, rows_inserted: 3000, rows_duplicate: 0, rows_rejected: 0, duplicate_file: false });
    expect(job.progress).toMatchObject({ phase: 'done', done: 3000, total: 3000, unit: 'rows', bytes_done: Buffer.byteLength(csv), bytes_total: Buffer.byteLength(csv) });
    expect(await rowsOf(m)).toBe(3000);

    // Values are stored exactly as written, under the undated recording's collected_at and the name's sensor.
    const [row] = await orm.em
      .fork()
      .getConnection()
      .execute('select * from vibration_data where machine_name = ? and measured_time = ?', [m, Number(vibrationRow(1234).split(',')[0])]);
    expect([row.measured_time, row.normal, row.unbalance, row.looseness, row.unbalance_looseness].map((v: number) => v.toFixed(6)).join(',')).toBe(vibrationRow(1234));
    expect(row.sensor_no).toBe('1');

    const again = await ingest(`g1_sensor1.csv`, csv, { machine_name: m });
    expect(again.result).toMatchObject({ ingest_id: job.result.ingest_id, rows_inserted: 3000, duplicate_file: true });
    expect(await rowsOf(m)).toBe(3000);

    const ledger = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}`, { key: ADMIN_KEY });
    expect(ledger.body).toMatchObject({ status: 'succeeded', rows_read: 3000, rows_inserted: 3000, file_name: 'g1_sensor1.csv', rejected_lines: [] });
    // JSON columns read back as objects on MySQL, MariaDB (LONGTEXT underneath) and SQLite alike.
    expect(ledger.body.params).toEqual({ kind: 'vibration', machine_name: m, max_errors: 0 });
  });

  it('loads only the new half of a file that overlaps an ingested one', async () => {
    const m = machine();
    await ingest('g2_sensor1.csv', vibrationCsv(2000), { machine_name: m });
    const overlap = await ingest('g2_sensor1.csv', vibrationCsv(2000, { from: 1000 }), { machine_name: m });
    expect(overlap.result).toMatchObject({ rows_read: 2000, rows_inserted: 1000, rows_duplicate: 1000, rows_rejected: 0, duplicate_file: false });
    expect(await rowsOf(m)).toBe(3000);
  });

  it('accepts a header row, a UTF-8 BOM and CRLF line ends without changing a value', async () => {
    const m = machine();
    const job = await ingest('g3_sensor2.csv', vibrationCsv(500, { header: true, bom: true, crlf: true }), { machine_name: m });
    expect(job.result).toMatchObject({ rows_read: 500, rows_inserted: 500 });
    const rows = await orm.em.fork().getConnection().execute('select * from vibration_data where machine_name = ? order by measured_time', [m]);
    expect(rows.map((r: any) => [r.measured_time, r.normal, r.unbalance, r.looseness, r.unbalance_looseness].map((v: number) => v.toFixed(6)).join(','))).toEqual(
      Array.from({ length: 500 }, (_, i) => vibrationRow(i)),
    );
  });

  describe('bad content rejects the whole file with line numbers and reasons, storing nothing', () => {
    const good = vibrationCsv(200);
    const cases: [string, string, RegExp][] = [
      ['header repeated mid-file', withLine(good, 50, VIBRATION_HEADER), /line 50: header row repeated/],
      ['NaN', withLine(good, 7, '0.1,NaN,0.2,0.3,0.4'), /line 7: column 'Normal' is NaN, not a finite number/],
      ['Infinity', withLine(good, 8, '0.1,0.2,Infinity,0.3,0.4'), /line 8: column 'Type 1' is Infinity/],
      ['text in a numeric column', withLine(good, 9, '0.1,0.2,0.3,abc,0.4'), /line 9: column 'Type 2' is not a number \('abc'\)/],
      ['an empty field', withLine(good, 10, '0.1,0.2,0.3,0.4,'), /line 10: column 'Type 3' is empty/],
      ['missing columns', withLine(good, 11, '0.1,0.2,0.3'), /line 11: expected 5 columns .*found 3/],
      ['extra columns', withLine(good, 12, '0.1,0.2,0.3,0.4,0.5,0.6'), /line 12: expected 5 columns .*found 6/],
      ['a truncated last line', good + '0.148889,0.12', /line 201: expected 5 columns .*found 2/],
      ['hexadecimal', withLine(good, 13, '0.1,0x1f,0.3,0.4,0.5'), /line 13: column 'Normal' is not a number/],
      ['several bad lines', withLine(withLine(good, 3, 'x,1,2,3,4'), 5, '1,2'), /2 bad line\(s\).*line 3: .*; line 5: /],
    ];

    it.each(cases)('%s', async (_name, content, reason) => {
      const m = machine();
      const job = await ingest('g4_sensor1.csv', content, { machine_name: m });
      expect(job.status).toBe('failed');
      expect(job.error.type).toBe('FileRejected');
      expect(job.error.message).toMatch(reason);
      expect(job.error.message).toMatch(/nothing was stored/);
      expect(job.error.details.errors[0]).toEqual({ line: expect.any(Number), reason: expect.any(String) });
      expect(await rowsOf(m)).toBe(0);
      // The job's own ledger row, found by its workflow id (a rejected file's job has no result naming it).
      const ledger = await stack.http('GET', `/api/v1/ingests?status=rejected&workflow_id=${encodeURIComponent(job.workflow_id)}`, { key: ADMIN_KEY });
      expect(ledger.body).toHaveLength(1);
      expect(ledger.body[0]).toMatchObject({ workflow_id: job.workflow_id, status: 'rejected', rows_inserted: 0, error: expect.stringMatching(reason) });
    });

    it('text that is not UTF-8 (wrong encoding)', async () => {
      const m = machine();
      const latin1 = Buffer.from(withLine(good, 20, '0.1,0.2,0.3,0.4,caf\xe9'), 'latin1');
      const job = await ingest('g4_sensor1.csv', latin1, { machine_name: m });
      expect(job.error).toMatchObject({ type: 'FileRejected', message: expect.stringMatching(/line 20 is not valid UTF-8: wrong encoding/) });
      expect(await rowsOf(m)).toBe(0);
    });
  });

  describe('refused before any workflow starts', () => {
    const expect400 = async (res: { status: number; body: any }, field: string, message: RegExp) => {
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
      expect(res.body.details.map((d: any) => d.field)).toContain(field);
    };

    it('an empty file', async () => {
      await expect400(await stack.upload('g1_sensor1.csv', ''), 'file', /empty/);
    });

    it('binary garbage', async () => {
      await expect400(await stack.upload('g1_sensor1.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0xff, 0x10])), 'file', /binary/);
    });

    it('UTF-16 text', async () => {
      await expect400(await stack.upload('g1_sensor1.csv', Buffer.from('\ufeff' + vibrationCsv(3), 'utf16le')), 'file', /UTF-16/);
    });

    it('unsafe file names', async () => {
      await expect400(await stack.upload('../../etc/g1_sensor1.csv', vibrationCsv(3)), 'file', /unsafe file name/);
      await expect400(await stack.upload('..', vibrationCsv(3)), 'file', /unsafe file name/);
    });

    it('a path outside the data directory, or to nothing', async () => {
      const outside = await stack.http('POST', '/api/v1/jobs/ingest', { key: ADMIN_KEY, body: { path: '../../../etc/passwd' } });
      await expect400(outside, 'path', /inside the data directory|no such file/);
      const missing = await stack.http('POST', '/api/v1/jobs/ingest', { key: ADMIN_KEY, body: { path: 'nope/g1_sensor1.csv' } });
      await expect400(missing, 'path', /no such file/);
    });

    it('an unknown kind, or a file whose kind cannot be told', async () => {
      await expect400(await stack.upload('g1_sensor1.csv', vibrationCsv(3), { kind: 'spectrum' }), 'kind', /validation failed/i);
      await expect400(await stack.upload('readings.csv', '1,2,3\n4,5,6\n'), 'kind', /cannot tell the kind/);
      await expect400(await stack.upload('readings.csv', vibrationCsv(3), { kind: 'vibration' }), 'machine_name', /machine_name is required/);
    });

    it('stores no upload that was refused', async () => {
      const uploads = path.join(stack.config.blobDir, 'uploads');
      const left = fs.existsSync(uploads) ? fs.readdirSync(uploads).filter((f) => !f.startsWith('.')) : [];
      // Refused uploads are deleted at once; accepted ones when their ingest ends. Nothing is in flight now.
      expect(left).toEqual([]);
    });
  });

  it('with max_errors, loads the good rows and records every rejected line', async () => {
    const m = machine();
    const content = withLine(withLine(withLine(vibrationCsv(1000), 10, '1,2,3'), 20, '0.1,NaN,0.2,0.3,0.4'), 30, 'abc,1,2,3,4');
    const job = await ingest('g5_sensor3.csv', content, { machine_name: m, max_errors: '5' });
    expect(job.result).toMatchObject({ rows_read: 1000, rows_inserted: 997, rows_duplicate: 0, rows_rejected: 3 });
    expect(await rowsOf(m)).toBe(997);
    const detail = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}`, { key: ADMIN_KEY });
    expect(detail.body.rejected_lines).toEqual([
      { line: 10, reason: expect.stringMatching(/expected 5 columns/) },
      { line: 20, reason: "column 'Normal' is NaN, not a finite number" },
      { line: 30, reason: "column 'Time' is not a number ('abc')" },
    ]);

    const over = await ingest('g5_sensor3.csv', content + '1,2\n', { machine_name: machine(), max_errors: '3' });
    expect(over.error.message).toMatch(/4 bad line\(s\), more than max_errors=3/);
  });

  it('with a large max_errors, counts every rejected line but stores the first 10,000, and pages through them', async () => {
    const m = machine();
    // 12,500 of 20,000 lines are bad: every 8th line is good.
    const csv = Array.from({ length: 20_000 }, (_, i) => (i % 8 === 0 ? vibrationRow(i) : `${i},broken`)).join('\n') + '\n';
    const job = await ingest('g5_sensor4.csv', csv, { machine_name: m, max_errors: '1000000' });
    expect(job.result).toMatchObject({ rows_read: 20_000, rows_inserted: 2_500, rows_rejected: 17_500 });
    expect(await count('select count(*) as n from ingest_rejection where ingest_id = ?', [job.result.ingest_id])).toBe(10_000);

    const detail = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}`, { key: ADMIN_KEY });
    expect(detail.body.rejected_lines).toHaveLength(100);
    expect(detail.body.rejected_lines[0]).toEqual({ line: 2, reason: expect.stringMatching(/expected 5 columns/) });
    expect(detail.body.more_rejected_lines).toBe(true);

    const lines: number[] = [];
    let after = 0;
    for (let page = 0; page < 20 && after !== null; page++) {
      const res = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}/rejected-lines?after_line=${after}&limit=1000`, { key: ADMIN_KEY });
      expect(res.status).toBe(200);
      lines.push(...res.body.rejected_lines.map((r: { line: number }) => r.line));
      after = res.body.next_after_line;
    }
    expect(after).toBeNull();
    expect(lines).toHaveLength(10_000);
    expect(lines.slice(0, 8)).toEqual([2, 3, 4, 5, 6, 7, 8, 10]);
    expect(lines.every((line, i) => i === 0 || line > lines[i - 1])).toBe(true);

    const bad = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}/rejected-lines?limit=5000`, { key: ADMIN_KEY });
    expect(bad.status).toBe(400);
    expect((await stack.http('GET', '/api/v1/ingests/999999/rejected-lines', { key: ADMIN_KEY })).status).toBe(404);
  });

  it('runs one ingest for five concurrent uploads of the same file', async () => {
    const m = machine();
    const csv = vibrationCsv(20_000);
    const starts = await Promise.all(Array.from({ length: 5 }, () => stack.upload('g6_sensor1.csv', csv, { machine_name: m })));
    expect(starts.map((s) => s.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(starts.map((s) => s.body.workflow_id)).size).toBe(1);
    const job = await stack.finishedJob(starts[0].body.workflow_id);
    expect(job.result).toMatchObject({ rows_inserted: 20_000 });
    expect(await rowsOf(m)).toBe(20_000);
    expect(await count('select count(*) as n from ingest where checksum = ?', [job.result.checksum])).toBe(1);
  });

  it('stores an upload once: the same file sent again while its ingest waits, or sent with refused options, leaves it as it is', async () => {
    const m = machine();
    const csv = vibrationCsv(1000, { from: kind === 'mysql' ? 11 : 12 });
    // An API without a worker (its own namespace): the ingest waits in the queue and its file stays in the store.
    const apiOnly = await TestStack.start({ db, namespace: 'ingest-queued', worker: false });
    const blob = path.join(apiOnly.config.blobDir, 'uploads', createHash('sha256').update(csv).digest('hex'));
    let workflowId: string;
    try {
      const first = await apiOnly.upload('g8_sensor1.csv', csv, { machine_name: m });
      expect(first.status).toBe(202);
      workflowId = first.body.workflow_id;
      const stored = fs.statSync(blob);
      expect((await apiOnly.upload('g8_sensor1.csv', csv, { machine_name: m })).body.workflow_id).toBe(workflowId);
      expect((await apiOnly.upload('g8_sensor1.csv', csv, { machine_name: m, kind: 'capture' })).status).toBe(400);
      const after = fs.statSync(blob);
      expect({ ino: after.ino, size: after.size }).toEqual({ ino: stored.ino, size: stored.size });
    } finally {
      await apiOnly.close();
    }
    // A worker then runs the waiting ingest on the file as it was sent.
    const withWorker = await TestStack.start({ db, namespace: 'ingest-queued' });
    try {
      const job = await withWorker.finishedJob(workflowId);
      expect(job.result).toMatchObject({ rows_read: 1000, rows_inserted: 1000 });
      expect(await rowsOf(m)).toBe(1000);
      expect(fs.existsSync(blob)).toBe(false);
    } finally {
      await withWorker.close();
    }
  });

  describe('a workflow started without the API (e.g. from the Temporal UI) is held to the same files', () => {
    let outside: string;
    const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

    /** Starts the ingest workflow as the API would, but with any input, and waits for it. */
    async function startDirectly(file: string, content: string, m: string, deleteWhenDone: boolean) {
      const input: IngestInput = {
        checksum: sha256(content),
        bytes: Buffer.byteLength(content),
        fileName: path.basename(file),
        path: file,
        deleteWhenDone,
        kind: 'vibration',
        machineName: m,
        sensorNo: '1',
        maxErrors: 0,
      };
      const job = jobStart({ type: INGEST_JOB, input });
      await stack.app.get(Client).workflow.start(job.workflowType, { taskQueue: job.taskQueue, workflowId: job.workflowId, args: [input] });
      return stack.finishedJob(job.workflowId);
    }

    beforeAll(() => {
      outside = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, `outside-${kind}-`));
    });

    it('refuses a file outside the upload store and the data directory, and leaves it alone', async () => {
      const m = machine();
      const content = vibrationCsv(50, { from: 1 });
      const file = path.join(outside, 'g1_sensor1.csv');
      fs.writeFileSync(file, content);
      const job = await startDirectly(file, content, m, true);
      expect(job.error).toMatchObject({ type: 'FileNotAllowed', message: expect.stringMatching(/outside the upload store and the data directory/) });
      expect(fs.existsSync(file)).toBe(true);
      expect(await rowsOf(m)).toBe(0);
    });

    it('refuses a link in the upload store that leads outside it', async () => {
      const m = machine();
      const content = vibrationCsv(50, { from: 2 });
      const target = path.join(outside, 'g2_sensor1.csv');
      fs.writeFileSync(target, content);
      const uploads = path.join(stack.config.blobDir, 'uploads');
      fs.mkdirSync(uploads, { recursive: true });
      const link = path.join(uploads, sha256(content));
      fs.symlinkSync(target, link);
      const job = await startDirectly(link, content, m, true);
      expect(job.error).toMatchObject({ type: 'FileNotAllowed' });
      expect(fs.existsSync(target)).toBe(true);
      fs.rmSync(link);
    });

    it('loads a file of the data directory but never deletes it', async () => {
      const m = machine();
      const content = vibrationCsv(50, { from: 3 });
      const file = path.join(stack.config.dataDir, `g3_sensor1-${kind}.csv`);
      fs.writeFileSync(file, content);
      const job = await startDirectly(file, content, m, true);
      expect(job.error).toMatchObject({ type: 'FileNotAllowed', message: expect.stringMatching(/only uploads are deleted/) });
      expect(fs.existsSync(file)).toBe(true);
      expect((await startDirectly(file, content, m, false)).result).toMatchObject({ rows_inserted: 50 });
      expect(fs.existsSync(file)).toBe(true);
    });

    it('refuses a file whose content is not the checksum the job names', async () => {
      const m = machine();
      const file = path.join(stack.config.dataDir, `g4_sensor1-${kind}.csv`);
      fs.writeFileSync(file, vibrationCsv(50, { from: 4 }));
      const job = await startDirectly(file, vibrationCsv(50, { from: 5 }), m, false);
      expect(job.error).toMatchObject({ type: 'FileChanged' });
      expect(await rowsOf(m)).toBe(0);
    });
  });

  it('loads a live capture under its machine, sensor and capture time from the file name', async () => {
    const samples = Array.from({ length: 2700 }, (_, i) => `${(i / 1350).toFixed(6)},${Math.sin(i / 9).toFixed(6)}`);
    const job = await ingest(`g7_sensor2_20261101T030000Z.csv`, `Time,Value\n${samples.join('\n')}\n`);
    expect(job.result).toMatchObject({ kind: 'capture', rows_read: 2700, rows_inserted: 2700 });
    const [capture] = await orm.em.fork().getConnection().execute("select * from capture where machine_name = 'g7' and sensor_no = '2'");
    expect(capture.sample_count).toBe(2700);
    expect(Math.round(capture.sampling_rate_hz)).toBe(1350);
    expect(await count('select count(*) as n from capture_sample where capture_id = ?', [capture.id])).toBe(2700);
  });

  it('streams a long TEP run in chunks of whole observations, each committed with its ledger row, every observation at its time', async () => {
    // 2,500 observations of 52 values (Braatz layout); observation i has XMEAS_1 = i, and line 1001 is broken.
    const observation = (i: number) => Array.from({ length: 52 }, (_, k) => (i + k / 100).toExponential(7)).join('   ');
    const lines = Array.from({ length: 2500 }, (_, i) => `   ${observation(i)}`);
    lines[1000] = lines[1000].replace(/\S+$/, 'NaN');
    const job = await ingest(`long-run-${kind}.dat`, lines.join('\n') + '\n', { start_time: '2026-03-01T00:00:00Z', max_errors: '1' });
    expect(job.result).toMatchObject({ kind: 'tep', rows_read: 2500 * 52, rows_inserted: 2499 * 52, rows_rejected: 52 });
    expect(await count('select count(*) as n from ingest_chunk where ingest_id = ?', [job.result.ingest_id])).toBe(3);
    const detail = await stack.http('GET', `/api/v1/ingests/${job.result.ingest_id}`, { key: ADMIN_KEY });
    expect(detail.body.rejected_lines).toEqual([{ line: 1001, reason: "column 'XMV_11' is NaN, not a finite number" }]);

    const [lot] = await orm.em
      .fork()
      .getConnection()
      .execute('select id from lot where code = ?', [`long-run-${kind}`]);
    const xmeas1 = await orm.em.fork().getConnection().execute("select measured_at, value from process_value where lot_id = ? and tag = 'XMEAS_1' order by measured_at", [lot.id]);
    expect(xmeas1).toHaveLength(2499);
    const start = Date.parse('2026-03-01T00:00:00Z');
    const at = (i: number) => dbDate(xmeas1.find((r: any) => r.value === i).measured_at).getTime();
    expect([at(0), at(999), at(1001), at(2499)]).toEqual([0, 999, 1001, 2499].map((i) => start + i * 180_000));
  });

  const tepFile = path.join(TEP_DIR, 'd01.dat');
  (fs.existsSync(tepFile) ? it : it.skip)('loads a real TEP run (d01.dat) as one lot, 52 tags every 3 minutes, and the transposed d00.dat', async () => {
    const job = await ingest('d01.dat', fs.readFileSync(tepFile), { start_time: '2026-01-01T00:00:00Z' });
    expect(job.result).toMatchObject({ kind: 'tep', rows_read: 480 * 52, rows_inserted: 480 * 52, rows_rejected: 0 });
    const [lot] = await orm.em.fork().getConnection().execute("select * from lot where code = 'd01'");
    expect(lot.fault_label).toBe(1);
    expect(await count('select count(*) as n from process_value where lot_id = ?', [lot.id])).toBe(480 * 52);
    expect(await count('select count(distinct tag) as n from process_value where lot_id = ?', [lot.id])).toBe(52);

    const normal = await ingest('d00.dat', fs.readFileSync(path.join(TEP_DIR, 'd00.dat')), { start_time: '2026-01-02T00:00:00Z' });
    expect(normal.result).toMatchObject({ rows_read: 500 * 52, rows_inserted: 500 * 52 });
    // d00.dat is stored transposed: its first observation is the first value of every line.
    const first = fs
      .readFileSync(path.join(TEP_DIR, 'd00.dat'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    const [lot0] = await orm.em.fork().getConnection().execute("select * from lot where code = 'd00'");
    const stored = await orm.em
      .fork()
      .getConnection()
      .execute("select tag, value from process_value where lot_id = ? and tag in ('XMEAS_1', 'XMV_11') order by measured_at, tag limit 2", [lot0.id]);
    expect(stored.map((r: any) => [r.tag, r.value])).toEqual([
      ['XMEAS_1', first[0]],
      ['XMV_11', first[51]],
    ]);
  });
});
