// Reports end to end: a week of diagnoses of four machines (one named like a spreadsheet formula, one in Hangul), a
// process lot's anomalies and forecasts, rolled up by the real KPI job; then POST /reports runs the report workflow on
// the worker, and the files are checked with readers that did not write them (exceljs's reader, openpyxl, pdfinfo,
// pdftotext): sheets, headers, frozen rows, Summary's KPI cells against GET /kpi, every machine's health score in the
// PDF, inert formula text, Hangul, identical re-renders, downloads and their answers, deletion and retention.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { jobStart, utcDayStart, type JobWorkflow } from '@him/contracts';
import {
  AnomalyMethod,
  AnomalyRepository,
  AuditLog,
  DiagnosisLevel,
  EquipmentKind,
  EquipmentRepository,
  LotRepository,
  PredictionRepository,
  Report,
  ReportRepository,
  Severity,
  VibrationDiagnosisRepository,
  type DiagnosisDraft,
  type FaultType,
} from '@him/db';
import { seededRandom } from '@him/ml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, TestStack } from '../support/stack';

const HOUR_MS = 3_600_000;
const MONDAY = '2026-11-16';
const SUNDAY = '2026-11-22';
const FORMULA_NAME = '=HYPERLINK("http://x","y")';
const HANGUL_NAME = '압축기-1';
const MACHINES = ['g1', 'g2', FORMULA_NAME, HANGUL_NAME];

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const PDF_TOOLS = has('pdftotext') && has('pdfinfo');
const OPENPYXL = spawnSync('python3', ['-c', 'import openpyxl']).status === 0;
// CI installs both (.ci/run); elsewhere the checks that need them say they are skipped.
if (!PDF_TOOLS) console.warn('reports e2e: pdftotext/pdfinfo not installed (apt poppler-utils): PDF checks skipped');
if (!OPENPYXL) console.warn('reports e2e: openpyxl not installed (pip install openpyxl): its checks skipped');

/** Four windows and one capture verdict per capture, each machine every hour of the week; g2 turns unbalanced on Thursday. */
function week(): DiagnosisDraft[] {
  const next = seededRandom(7);
  const drafts: DiagnosisDraft[] = [];
  for (const [m, machineName] of MACHINES.entries()) {
    for (let h = 0; h < 7 * 24; h++) {
      const at = utcDayStart(MONDAY) + h * HOUR_MS + m * 60_000;
      const faulty = (machineName === 'g2' && h >= 3 * 24) || (machineName === HANGUL_NAME && h % 24 === 5);
      const windows = [0, 1, 2, 3].map(() => (faulty && next() < 0.9 ? 1 : next() < 0.02 ? 2 : 0) as FaultType);
      windows.forEach((faultType, w) =>
        drafts.push({
          machineName,
          sensorNo: '1',
          detectedAt: new Date(at + w * 1000),
          windowStart: new Date(at + w * 1000),
          windowEnd: new Date(at + (w + 1) * 1000),
          faultType,
          confidence: 0.8 + 0.2 * next(),
          modelVersion: 'vibration-classifier@1',
          level: DiagnosisLevel.Window,
          jobId: w === 0 ? '-job-with-a-leading-minus' : undefined,
        }),
      );
      drafts.push({
        machineName,
        sensorNo: '1',
        detectedAt: new Date(at),
        faultType: faulty ? 1 : 0,
        confidence: 0.9,
        modelVersion: 'vibration-classifier@1',
        level: DiagnosisLevel.Capture,
      });
    }
  }
  return drafts;
}

function run(cmd: string, args: string[], input?: string): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  return res.stdout;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(DATABASE_KINDS)('reports (%s)', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let viewer: string;
  let operator: string;
  let tmp: string;

  const create = (body: Record<string, unknown>, key = operator) => stack.http('POST', '/api/v1/reports', { key, body });
  async function ready(reportId: number) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await stack.http('GET', `/api/v1/reports/${reportId}`, { key: viewer });
      if (res.body.status === 'ready' || res.body.status === 'failed') return res.body;
      if (Date.now() > deadline) throw new Error(`report ${reportId} still ${res.body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async function download(reportId: number, format: string) {
    const res = await fetch(`${stack.baseUrl}/api/v1/reports/${reportId}/download?format=${format}`, { headers: { 'x-api-key': viewer } });
    const bytes = Buffer.from(await res.arrayBuffer());
    const file = path.join(tmp, `report-${reportId}-${Date.now()}.${format}`);
    fs.writeFileSync(file, bytes);
    return { res, bytes, file };
  }
  const pdfText = (file: string) => run('pdftotext', ['-layout', file, '-']);

  beforeAll(async () => {
    db = await createTestDatabase(kind, `reports_${kind}`);
    stack = await TestStack.start({ db, namespace: kind === 'mysql' ? 'reports-mysql' : 'reports-sqlite' });
    viewer = await stack.issueKey('viewer');
    operator = await stack.issueKey('operator');
    tmp = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'reports-'));

    const equipment = stack.app.get(EquipmentRepository);
    for (const code of MACHINES) await equipment.ensureEquipment({ code, name: code, kind: EquipmentKind.RotatingMachine });
    const tep = await equipment.ensureEquipment({ code: 'tep', name: 'Tennessee Eastman', kind: EquipmentKind.Process });
    await stack.app.get(VibrationDiagnosisRepository).insertIgnore(week());
    const lot = await stack.app.get(LotRepository).ensureLot({ code: '+lot-1', equipmentId: tep.id, startedAt: new Date(`${MONDAY}T06:00:00Z`) });
    const at = (k: number) => new Date(utcDayStart(MONDAY) + 6 * HOUR_MS + k * 180_000);
    await stack.app.get(AnomalyRepository).insertIgnore(
      [...Array(30).keys()].map((k) => ({
        equipmentId: tep.id,
        lotId: lot.id,
        detectedAt: at(k),
        method: AnomalyMethod.Ensemble,
        score: 1 + k / 10,
        severity: [Severity.Low, Severity.Medium, Severity.High, Severity.Critical][k % 4],
        topTags: [{ tag: '@XMEAS_9', contribution: 0.4 }],
        windowStart: at(k),
        windowEnd: at(k),
        modelVersion: 'tep-detector@2',
      })),
    );
    await stack.app.get(PredictionRepository).insertIgnore(
      [0.2, 0.4, 0.9].map((probability, k) => ({
        equipmentId: tep.id,
        lotId: lot.id,
        tag: 'fault',
        predictedAt: at(k),
        horizonMinutes: 30,
        probability,
        modelVersion: 'tep-lstm@1',
      })),
    );
    const rollup = await stack.http('POST', '/api/v1/jobs/kpi-rollup', { key: operator, body: { from: MONDAY, to: SUNDAY } });
    expect((await stack.finishedJob(rollup.body.workflow_id, 120_000)).status).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('refuses bad requests with a clear error: ranges that do not fit the type, unknown machines, bad formats, viewers', async () => {
    const bad = async (body: Record<string, unknown>, status: number, key = operator) => expect((await create(body, key)).status).toBe(status);
    await bad({ type: 'weekly', from: '2026-11-17', to: '2026-11-23' }, 400);
    await bad({ type: 'daily', from: MONDAY, to: SUNDAY }, 400);
    await bad({ type: 'lot', from: MONDAY, to: SUNDAY }, 400);
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY, formats: ['docx'] }, 400);
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY, formats: [] }, 400);
    await bad({ type: 'equipment', from: '2026-02-30', to: SUNDAY }, 400);
    await bad({ type: 'equipment', from: MONDAY, to: SUNDAY, equipment: ['g9'] }, 404);
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY, lang: 'fr' }, 400);
    // Names no database column holds (an unpaired surrogate, a control character) are refused before any lookup.
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY, lots: ['\udb39x'] }, 400);
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY, equipment: ['g1\u0016'] }, 400);
    await bad({ type: 'weekly', from: MONDAY, to: SUNDAY }, 403, viewer);
    expect((await stack.http('GET', '/api/v1/reports/999999', { key: viewer })).status).toBe(404);
    expect((await stack.http('GET', '/api/v1/reports/999999/download?format=pdf', { key: viewer })).status).toBe(404);
    expect((await stack.http('GET', '/api/v1/reports/abc', { key: viewer })).status).toBe(400);
  });

  it('answers 409 while a report is being made and 400 for an unknown format', async () => {
    const reports = stack.app.get(ReportRepository);
    const params = { type: 'daily' as const, from: '2026-01-01', to: '2026-01-01', equipment: [], lots: [], formats: ['pdf' as const], lang: 'en' as const };
    const { report } = await reports.open({ requestKey: 'f'.repeat(64), title: 'in the making', params });
    await reports.markRunning(report.id, 'report-test');
    const busy = await stack.http('GET', `/api/v1/reports/${report.id}/download?format=pdf`, { key: viewer });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('running') });
    const unknown = await stack.http('GET', `/api/v1/reports/${report.id}/download?format=docx`, { key: viewer });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('format');
  });

  it('makes the weekly xlsx and pdf: sheets, frozen headers, Summary = GET /kpi, every health score in the PDF, inert formula text', async () => {
    const started = await create({ type: 'weekly', from: MONDAY, to: SUNDAY });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ created: true, workflow_id: `report-${started.body.report_id}` });
    const report = await ready(started.body.report_id);
    expect(report).toMatchObject({ status: 'ready', title: 'Weekly report 2026-W47', data_checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(report.row_counts).toEqual({ diagnoses: MACHINES.length * 7 * 24 * 5, anomalies: 30, predictions: 3, ingests: 0 });
    expect(report.model_versions).toEqual({ 'tep-detector': '2', 'tep-lstm': '1', 'vibration-classifier': '1' });
    expect(report.files.map((f: any) => f.file_name).sort()).toEqual(['him-mes_weekly_2026-W47.pdf', 'him-mes_weekly_2026-W47.xlsx']);

    const kpi = await stack.http('GET', `/api/v1/kpi?from=${MONDAY}&to=${SUNDAY}&granularity=range`, { key: viewer });
    // The process unit has a row too: its anomalies.
    expect(kpi.body.items.map((k: any) => k.equipment).sort()).toEqual([...MACHINES, 'tep'].sort());

    // The xlsx: headers as downloaded, bytes as published.
    const xlsx = await download(report.report_id, 'xlsx');
    expect(xlsx.res.status).toBe(200);
    expect(xlsx.res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.res.headers.get('content-disposition')).toBe('attachment; filename="him-mes_weekly_2026-W47.xlsx"');
    const published = report.files.find((f: any) => f.format === 'xlsx');
    expect(Number(xlsx.res.headers.get('content-length'))).toBe(published.bytes);
    expect(xlsx.res.headers.get('etag')).toBe(`"${published.sha256}"`);
    expect(sha256(xlsx.bytes)).toBe(published.sha256);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsx.file);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Summary', 'Diagnoses', 'Anomalies', 'Predictions', 'Ingest ledger']);
    const summary = book.getWorksheet('Summary')!;
    expect(summary.views[0]).toMatchObject({ state: 'frozen' });
    const headerRow = (summary.views[0] as { ySplit: number }).ySplit;
    const header = (summary.getRow(headerRow).values as unknown[]).slice(1);
    expect(header[0]).toBe('Equipment');
    const column = (label: string) => header.indexOf(label) + 1;
    // Text that a spreadsheet would take for a formula is written with the OWASP guard, a leading apostrophe.
    const written = (name: string) => (name === FORMULA_NAME ? `'${name}` : name);
    for (const item of kpi.body.items) {
      const row = [...Array(kpi.body.items.length).keys()].map((i) => summary.getRow(headerRow + 1 + i)).find((r) => r.getCell(1).value === written(item.equipment));
      expect(row).toBeDefined();
      expect(row!.getCell(column('Windows diagnosed')).value).toBe(item.windows_diagnosed);
      expect(row!.getCell(column('Fault rate')).value).toBe(item.fault_rate);
      expect(row!.getCell(column('Fault episodes')).value).toBe(item.fault_episodes);
      expect(row!.getCell(column('Health score')).value ?? null).toBe(item.health_score);
      expect(row!.getCell(column('Mean confidence')).value ?? null).toBe(item.mean_confidence);
    }
    const diagnoses = book.getWorksheet('Diagnoses')!;
    expect(diagnoses.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(diagnoses.rowCount - 1).toBe(report.row_counts.diagnoses);
    // No cell anywhere is a formula: the machine named like one is text.
    for (const sheet of book.worksheets) sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));

    if (OPENPYXL) {
      const script = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "freeze": {ws.title: ws.freeze_panes for ws in wb.worksheets}, "formulas": 0, "names": []}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f": out["formulas"] += 1
ws = wb["Summary"]
for row in ws.iter_rows(values_only=True):
    if row and isinstance(row[0], str) and "HYPERLINK" in row[0]: out["names"].append(row[0])
print(json.dumps(out))`;
      const seen = JSON.parse(run('python3', ['-c', script, xlsx.file]));
      expect(seen.sheets).toEqual(['Summary', 'Diagnoses', 'Anomalies', 'Predictions', 'Ingest ledger']);
      expect(seen.freeze.Diagnoses).toBe('A2');
      expect(seen.formulas).toBe(0);
      expect(seen.names.length).toBeGreaterThan(0);
      for (const name of seen.names) expect(name).toBe(`'${FORMULA_NAME}`);
    }

    if (PDF_TOOLS) {
      const pdf = await download(report.report_id, 'pdf');
      expect(pdf.res.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.res.headers.get('content-disposition')).toBe('attachment; filename="him-mes_weekly_2026-W47.pdf"');
      expect(run('pdfinfo', [pdf.file])).toMatch(/Pages:\s+[2-9]/);
      const text = pdfText(pdf.file);
      for (const item of kpi.body.items) {
        expect(text).toContain(item.equipment);
        // Its row in the KPI table: the name (a long one wraps in its cell) and, further along, its score as the API gives it.
        const row = text.slice(text.indexOf(item.equipment.slice(0, 12), text.indexOf('KPIs per equipment')));
        expect(row.slice(0, 300)).toMatch(new RegExp(`\\s${item.health_score === null ? '–' : String(item.health_score).replace('.', '\\.')}\\s`));
      }
      expect(text).toContain(`${report.report_id}`);
      expect(text).toContain(report.data_checksum.slice(0, 16));
    }
  });

  it('joins an identical request, and a forced re-render is identical: same xlsx checksum, same PDF text', async () => {
    const first = await create({ type: 'weekly', from: MONDAY, to: SUNDAY, formats: ['pdf', 'xlsx'] });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ created: false, status: 'ready' });
    const before = await ready(first.body.report_id);
    const beforePdf = PDF_TOOLS ? pdfText((await download(first.body.report_id, 'pdf')).file) : '';
    // Zip entries carry 2-second times: a re-render must not differ by the clock.
    await new Promise((r) => setTimeout(r, 2100));
    const forced = await create({ type: 'weekly', from: MONDAY, to: SUNDAY, force: true });
    expect(forced.body).toMatchObject({ report_id: first.body.report_id, created: false, status: 'pending' });
    await eventuallyFinished(forced.body.workflow_id);
    const after = await ready(first.body.report_id);
    expect(after.finished_at > before.finished_at).toBe(true);
    const sums = (r: any) => Object.fromEntries(r.files.map((f: any) => [f.format, f.sha256]));
    expect(sums(after).xlsx).toBe(sums(before).xlsx);
    expect(after.data_checksum).toBe(before.data_checksum);
    if (PDF_TOOLS) expect(pdfText((await download(first.body.report_id, 'pdf')).file)).toBe(beforePdf);
  });

  it('renders Korean labels with an embedded Hangul font', async () => {
    const started = await create({ type: 'equipment', from: MONDAY, to: SUNDAY, equipment: [HANGUL_NAME, 'g2'], lang: 'ko', formats: ['pdf', 'xlsx'] });
    const report = await ready(started.body.report_id);
    expect(report.status).toBe('ready');
    expect(report.title).toBe(`설비 보고서 ${MONDAY} – ${SUNDAY}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await download(report.report_id, 'xlsx')).file);
    const summaryText = JSON.stringify(book.getWorksheet('Summary')!.getSheetValues());
    expect(summaryText).toContain('건강 점수');
    expect(summaryText).toContain(HANGUL_NAME);
    if (PDF_TOOLS) {
      const pdf = await download(report.report_id, 'pdf');
      expect(run('pdffonts', [pdf.file])).toMatch(/NotoSansKR/);
      const text = pdfText(pdf.file);
      expect(text).toContain('설비 보고서');
      expect(text).toContain('건강 점수');
      expect(text).toContain(HANGUL_NAME);
      expect(text).not.toContain(FORMULA_NAME);
    }
  });

  it('lists reports, lets only admins delete one (410 after), and purges old ones through the audited retention job', async () => {
    const list = await stack.http('GET', '/api/v1/reports?type=weekly', { key: viewer });
    expect(list.status).toBe(200);
    expect(list.body.items.every((r: any) => r.type === 'weekly')).toBe(true);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    expect((await stack.http('GET', '/api/v1/reports?status=ready&from=2000-01-01&to=2000-01-02', { key: viewer })).body.total).toBe(0);

    const daily = await create({ type: 'daily', from: MONDAY, to: MONDAY, formats: ['pdf'] });
    const report = await ready(daily.body.report_id);
    expect((await stack.http('DELETE', `/api/v1/reports/${report.report_id}`, { key: operator })).status).toBe(403);
    const deleted = await stack.http('DELETE', `/api/v1/reports/${report.report_id}`, { key: ADMIN_KEY });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ status: 'purged', files: [{ format: 'pdf' }] });
    const gone = await stack.http('GET', `/api/v1/reports/${report.report_id}/download?format=pdf`, { key: viewer });
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('GONE');

    // The retention job: a report made "400 days ago" loses its files; a fresh one keeps them.
    const old = await ready((await create({ type: 'daily', from: SUNDAY, to: SUNDAY, formats: ['xlsx'] })).body.report_id);
    const fresh = await ready((await create({ type: 'daily', from: '2026-11-18', to: '2026-11-18', formats: ['xlsx'] })).body.report_id);
    const orm = stack.app.get(MikroORM);
    await orm.em.fork().nativeUpdate(Report, { id: old.report_id }, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
    const client = stack.app.get(Client);
    const job = jobStart({ type: 'report-retention', input: { olderThanDays: 365, batchSize: 1 } });
    const result = await client.workflow.execute<JobWorkflow<'report-retention'>>(job.workflowType, {
      taskQueue: job.taskQueue,
      workflowId: `${job.workflowId}-${kind}`,
      args: [{ olderThanDays: 365, batchSize: 1 }],
    });
    expect(result.purged).toBe(1);
    expect(result.bytes).toBeGreaterThan(0);
    expect((await stack.http('GET', `/api/v1/reports/${old.report_id}/download?format=xlsx`, { key: viewer })).status).toBe(410);
    expect((await stack.http('GET', `/api/v1/reports/${fresh.report_id}/download?format=xlsx`, { key: viewer })).status).toBe(200);
    const audit = await orm.em.fork().find(AuditLog, { method: 'PURGE' }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.path, a.actor, a.role ?? null])).toEqual([
      [`/api/v1/reports/${report.report_id}`, expect.any(String), 'admin'],
      [`/api/v1/reports/${old.report_id}`, 'report-retention', null],
    ]);
  });

  it('the weekly schedule’s workflow makes the previous ISO week’s report once', async () => {
    const client = stack.app.get(Client);
    const job = jobStart({ type: 'weekly-report', input: { timezone: 'UTC', formats: ['pdf'], lang: 'en' } });
    const run = () =>
      client.workflow.execute<JobWorkflow<'weekly-report'>>(job.workflowType, {
        taskQueue: job.taskQueue,
        workflowId: `${job.workflowId}-${kind}-${Date.now()}`,
        args: [{ timezone: 'UTC', formats: ['pdf'], lang: 'en' }],
      });
    const first = await run();
    expect(first.status).toBe('ready');
    const report = (await stack.http('GET', `/api/v1/reports/${first.report_id}`, { key: viewer })).body;
    const today = new Date().toISOString().slice(0, 10);
    const monday = new Date(utcDayStart(today) - (((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 7) * 86_400_000).toISOString().slice(0, 10);
    expect(report.params).toMatchObject({ type: 'weekly', from: monday, formats: ['pdf'] });
    expect(report.created_by).toBe('schedule:weekly-report');
    // Asked for by hand, it is the same report, and the answer names the job that made it (its `job` link reads it).
    const asked = await create({ type: 'weekly', from: monday, to: report.params.to, formats: ['pdf'], lang: 'en' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ report_id: first.report_id, status: 'ready', created: false, workflow_id: report.workflow_id });
    expect((await stack.http('GET', `/api/v1/jobs/${encodeURIComponent(asked.body.workflow_id)}`, { key: viewer })).status).toBe(200);
    const again = await run();
    expect(again).toMatchObject({ report_id: first.report_id, status: 'ready', files: first.files });
  });

  async function eventuallyFinished(workflowId: string) {
    const job = await stack.finishedJob(workflowId, 120_000);
    expect(job.status).toBe('completed');
  }
});
