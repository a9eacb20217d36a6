// Reliability: a worker SIGKILLed while it writes a report's xlsx leaves no file marked ready and nothing served (the
// half-written file has a temporary name, the report stays running: download answers 409); the worker started again
// retries the render from the start and publishes the whole file.
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { DiagnosisLevel, EquipmentKind, EquipmentRepository, VibrationDiagnosisRepository, type DiagnosisDraft } from '@him/db';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

const describeMysql = process.env.TEST_MYSQL_URL ? describe : describe.skip;
const DAY = '2026-11-18';
const ROWS = 150_000;

describeMysql('report rendering survives a killed worker (MariaDB)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let worker: ChildProcess | undefined;

  const startWorker = (): ChildProcess => spawnWorkerProcess(stack, db, 'report-kill');

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'report_kill');
    stack = await TestStack.start({ db, namespace: 'report-kill', worker: false });
    await stack.app.get(EquipmentRepository).ensureEquipment({ code: 'g1', name: 'g1', kind: EquipmentKind.RotatingMachine });
    // Enough window diagnoses that the xlsx takes seconds to write: time to kill the worker in the middle of it.
    const start = Date.parse(`${DAY}T00:00:00Z`);
    const drafts: DiagnosisDraft[] = Array.from({ length: ROWS }, (_, i) => ({
      machineName: 'g1',
      sensorNo: String(1 + (i % 4)),
      detectedAt: new Date(start + Math.floor(i / 4) * 500),
      faultType: 0,
      confidence: 0.9,
      modelVersion: 'vibration-classifier@1',
      level: DiagnosisLevel.Window,
    }));
    await stack.app.get(VibrationDiagnosisRepository).insertIgnore(drafts);
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await stack?.close();
    await db?.drop();
  });

  it('publishes no half file: 409 while it is retried, then the whole file', async () => {
    worker = startWorker();
    const started = await stack.http('POST', '/api/v1/reports', { key: ADMIN_KEY, body: { type: 'daily', from: DAY, to: DAY, formats: ['xlsx'] } });
    expect(started.status).toBe(202);
    const id = started.body.report_id;
    const folder = path.join(stack.config.blobDir, 'reports', String(id));
    // Kill it once the xlsx is being written (its temporary file has grown past 200 kB).
    const growing = () => {
      const name = fs.existsSync(folder) ? fs.readdirSync(folder).find((f) => f.startsWith('.incoming-report-')) : undefined;
      return name && (fs.statSync(path.join(folder, name), { throwIfNoEntry: false })?.size ?? 0) > 200_000 ? name : undefined;
    };
    const temp = await eventually(async () => growing(), 120_000, 'the xlsx being written');
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));

    expect(fs.existsSync(path.join(folder, `report-${id}.xlsx`))).toBe(false);
    expect(fs.existsSync(path.join(folder, temp))).toBe(true);
    const meanwhile = await stack.http('GET', `/api/v1/reports/${id}`, { key: ADMIN_KEY });
    expect(meanwhile.body).toMatchObject({ status: 'running', files: [] });
    expect((await stack.http('GET', `/api/v1/reports/${id}/download?format=xlsx`, { key: ADMIN_KEY })).status).toBe(409);

    worker = startWorker();
    const job = await stack.finishedJob(started.body.workflow_id, 180_000);
    expect(job.status).toBe('completed');
    const report = (await stack.http('GET', `/api/v1/reports/${id}`, { key: ADMIN_KEY })).body;
    expect(report.status).toBe('ready');
    // Only the published file is left: the killed attempt's temporary file was removed by the retry.
    expect(fs.readdirSync(folder).sort()).toEqual(['document.json', `report-${id}.xlsx`]);
    const res = await fetch(`${stack.baseUrl}/api/v1/reports/${id}/download?format=xlsx`, { headers: { 'x-api-key': ADMIN_KEY } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(report.files[0].sha256);
    // Read back with exceljs's streaming reader: every diagnosis is in the file, plus the header.
    const rows: Record<string, number> = {};
    for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(path.join(folder, `report-${id}.xlsx`), {})) {
      const name = (sheet as unknown as { name: string }).name;
      for await (const _row of sheet) rows[name] = (rows[name] ?? 0) + 1;
    }
    expect(rows.Diagnoses).toBe(ROWS + 1);
  }, 300_000);
});
