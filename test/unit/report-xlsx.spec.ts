// The report workbook (libs/reports/src/xlsx): written by exceljs's streaming writer, read back by exceljs's reader
// and by openpyxl, then by its raw zip parts. Machine, lot and file names that look like formulas stay text; long
// tables continue on numbered sheets; two renders of one report are the same bytes.
import type { KpiPeriodFigures, ReportLanguage } from '@him/contracts';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateRawSync } from 'node:zlib';
import * as ExcelJS from 'exceljs';
import { KPI_COLUMNS } from '../../libs/reports/src/labels';
import type { AnomalyLine, DiagnosisLine, IngestLine, PredictionLine, ReportDocument, ReportRowSources } from '../../libs/reports/src/report-document';
import { inertText, writeReportWorkbook, type WorkbookOptions } from '../../libs/reports/src/xlsx/report-workbook';

const HYPERLINK = '=HYPERLINK("http://x","y")';
const HANGUL = '압축기-1';
const MACHINES = [HYPERLINK, HANGUL, 'Pump-07', 'Fan-03'];
const PLUS_LOT = '+LOT-0042';
const AT_FILE = '@evil.csv';
const REQUESTED_AT = '2026-11-23T06:00:00.000Z';
const T0 = Date.parse('2026-11-16T00:00:00.000Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);

function kpi(equipment: string, i: number): KpiPeriodFigures {
  const windows = 2016 - i * 17;
  return {
    equipment,
    period_start: '2026-11-16',
    period_end: '2026-11-22',
    days: 7,
    windows_diagnosed: windows,
    count_normal: windows - 40 * i,
    count_unbalance: 25 * i,
    count_looseness: 10 * i,
    count_unbalance_looseness: 5 * i,
    fault_rate: (40 * i) / windows,
    captures_diagnosed: 84 - i,
    mean_confidence: i === 3 ? null : 0.912345678 - i / 100,
    fault_episodes: i,
    mtbf_hours: i === 0 ? null : 167.987654321 / i,
    mttr_hours: i === 0 ? null : 1.23456789 * i,
    anomalies_low: 3 * i,
    anomalies_medium: 2 * i,
    anomalies_high: i,
    anomalies_critical: i > 2 ? 1 : 0,
    health_score: i === 2 ? null : 97.654321 - i * 21.3,
  };
}

type Counts = ReportDocument['rowCounts'];

function reportDocument(lang: ReportLanguage, counts: Counts): ReportDocument {
  return {
    reportId: 4711,
    type: 'weekly',
    lang,
    from: '2026-11-16',
    to: '2026-11-22',
    equipment: [],
    lots: [PLUS_LOT, 'L-2026-11-A'],
    requestedAt: REQUESTED_AT,
    requestedBy: 'operator@plant',
    dataWindow: { from: '2026-11-16T00:00:00.000Z', to: '2026-11-22T23:55:00.000Z' },
    dataChecksum: 'ab'.repeat(32),
    modelVersions: { 'vibration-cnn': 'v3', 'tep-ensemble': '2026.11.1, 2026.11.2' },
    rowCounts: counts,
    equipmentKpis: MACHINES.map(kpi),
    lotKpis: [
      {
        lot: PLUS_LOT,
        equipment: HYPERLINK,
        startedAt: minutes(60),
        samples: 480,
        anomalyCount: 12,
        anomalyRate: 0.025,
        yield: 0.9875,
        meanFaultProbability: 0.0731,
        firstAlarmAt: minutes(185),
      },
      {
        lot: 'L-2026-11-A',
        equipment: HANGUL,
        startedAt: minutes(1500),
        samples: 500,
        anomalyCount: 0,
        anomalyRate: 0,
        yield: null,
        meanFaultProbability: null,
        firstAlarmAt: null,
      },
    ],
    healthTrends: [],
    topAnomalies: [],
  };
}

const diagnosis = (i: number): DiagnosisLine => ({
  id: i + 1,
  equipment: MACHINES[i % MACHINES.length],
  sensorNo: i % 5 === 0 ? '' : `S${(i % 3) + 1}`,
  level: i % 2 ? 'capture' : 'window',
  detectedAt: minutes(5 * i + 0.5),
  windowStart: i % 7 === 0 ? null : minutes(5 * i - 5),
  windowEnd: i % 7 === 0 ? null : minutes(5 * i),
  faultType: i % 4,
  confidence: i % 9 === 0 ? null : 0.5 + (i % 50) / 100.123,
  modelVersion: 'v3',
  jobId: i % 3 ? `sweep-${i}` : null,
});

const anomaly = (i: number): AnomalyLine => ({
  id: 1000 + i,
  equipment: MACHINES[i % MACHINES.length],
  lot: i % 3 === 0 ? PLUS_LOT : i % 3 === 1 ? 'L-2026-11-A' : null,
  detectedAt: minutes(7 * i),
  method: 'ensemble',
  score: 3.14159 + i,
  severity: ['low', 'medium', 'high', 'critical'][i % 4],
  topTags: 'XMEAS(9) 0.41, XMV(10) 0.22',
  modelVersion: 'tep-2026.11.1',
  acknowledgedBy: i % 5 === 0 ? '-admin' : null,
  acknowledgedAt: i % 5 === 0 ? minutes(7 * i + 30) : null,
});

const prediction = (i: number): PredictionLine => ({
  id: 5000 + i,
  equipment: MACHINES[i % MACHINES.length],
  lot: null,
  tag: 'XMEAS(9)',
  predictedAt: minutes(11 * i),
  horizonMinutes: 30,
  probability: 0.125 * (i % 8),
  predictedValue: i % 2 ? null : 120.5 + i,
  modelVersion: 'lstm-1',
});

const ingest = (i: number): IngestLine => ({
  id: 90 + i,
  fileName: i === 0 ? AT_FILE : `vibration_2026-11-${16 + i}.csv`,
  kind: 'vibration',
  checksum: String(i).repeat(64),
  bytes: 1_234_567 * (i + 1),
  status: 'succeeded',
  rowsRead: 1000,
  rowsInserted: 990,
  rowsDuplicate: 8,
  rowsRejected: 2,
  startedAt: minutes(-60 + i),
  finishedAt: i === 2 ? null : minutes(-59 + i),
});

/** Tables of `counts` rows, served in pages of 7 rows so pages straddle the sheet breaks. */
function rowSources(counts: Counts): ReportRowSources {
  async function* pages<L>(count: number, line: (i: number) => L): AsyncIterable<L[]> {
    for (let start = 0; start < count; start += 7) yield Array.from({ length: Math.min(7, count - start) }, (_, k) => line(start + k));
  }
  return {
    diagnoses: () => pages(counts.diagnoses, diagnosis),
    anomalies: () => pages(counts.anomalies, anomaly),
    predictions: () => pages(counts.predictions, prediction),
    ingests: () => pages(counts.ingests, ingest),
  };
}

const COUNTS: Counts = { diagnoses: 120, anomalies: 30, predictions: 0, ingests: 3 };
const OPTIONS: WorkbookOptions = { maxRowsPerSheet: 50 };
const SHEETS = ['Summary', 'Diagnoses', 'Diagnoses (2)', 'Diagnoses (3)', 'Anomalies', 'Predictions', 'Ingest ledger'];

let dir: string;
let renders = 0;

async function render(lang: ReportLanguage): Promise<string> {
  const file = path.join(dir, `report-${lang}-${++renders}.xlsx`);
  await writeReportWorkbook(reportDocument(lang, COUNTS), rowSources(COUNTS), createWriteStream(file), OPTIONS);
  return file;
}

/** The entries of a zip file (no ZIP64, as exceljs writes them), from its central directory. */
function unzip(file: string): Map<string, { dosDate: number; dosTime: number; data: Buffer }> {
  const buf = readFileSync(file);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = new Map<string, { dosDate: number; dosTime: number; data: Buffer }>();
  let at = buf.readUInt32LE(end + 16);
  for (let n = buf.readUInt16LE(end + 10); n > 0; n--) {
    const nameLength = buf.readUInt16LE(at + 28);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    const local = buf.readUInt32LE(at + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + buf.readUInt32LE(at + 20));
    entries.set(name, { dosTime: buf.readUInt16LE(at + 12), dosDate: buf.readUInt16LE(at + 14), data: buf.readUInt16LE(at + 10) === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const rowValues = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as ExcelJS.CellValue[]).slice(1);

const PYTHON_HAS_OPENPYXL = spawnSync('python3', ['-c', 'import openpyxl'], { stdio: 'ignore' }).status === 0;
if (!PYTHON_HAS_OPENPYXL) console.warn('report-xlsx.spec: python3 cannot import openpyxl, so the openpyxl read-back is skipped (pip install openpyxl; CI has it)');

/** What openpyxl makes of the workbook: per sheet its freeze, header, size, formula cells and texts; the KPI block. */
const OPENPYXL_SCRIPT = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheetnames": wb.sheetnames, "sheets": {}}
for ws in wb.worksheets:
    rows = list(ws.iter_rows())
    out["sheets"][ws.title] = {
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "header": [c.value for c in rows[0]] if rows else [],
        "max_row": ws.max_row,
        "formulas": [c.coordinate for r in rows for c in r if c.data_type == "f"],
        "texts": {c.coordinate: [c.value, c.data_type] for r in rows for c in r if isinstance(c.value, str)},
    }
s = wb["Summary"]
out["kpis"] = [[c.value for c in r] for r in s.iter_rows(min_row=2, max_row=5)]
print(json.dumps(out, default=str))
`;

interface OpenpyxlBook {
  sheetnames: string[];
  sheets: Record<string, { freeze: string | null; filter: string | null; header: unknown[]; max_row: number; formulas: string[]; texts: Record<string, [string, string]> }>;
  kpis: unknown[][];
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'him-report-xlsx-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inertText', () => {
  it('guards text that a spreadsheet would read as a formula with a leading apostrophe, and only that', () => {
    for (const risky of ['=1+1', '+LOT', '-5', '@SUM(A1)', '\tx', '\rx']) expect(inertText(risky)).toBe(`'${risky}`);
    for (const plain of ['Pump-07', HANGUL, "'quoted", '', ' =x', 'a=b']) expect(inertText(plain)).toBe(plain);
  });
});

describe('writeReportWorkbook', () => {
  let file: string;
  let book: ExcelJS.Workbook;
  beforeAll(async () => {
    file = await render('en');
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
  });

  it('writes the Summary and each table in order, continuing long tables on numbered sheets with header, freeze and filter', () => {
    expect(book.worksheets.map((s) => s.name)).toEqual(SHEETS);
    const diagnosisSheets = ['Diagnoses', 'Diagnoses (2)', 'Diagnoses (3)'].map((name) => book.getWorksheet(name)!);
    expect(diagnosisSheets.map((s) => s.actualRowCount - 1)).toEqual([49, 49, 22]);
    let id = 1;
    for (const sheet of diagnosisSheets) {
      expect(rowValues(sheet, 1)).toEqual([
        'Id',
        'Equipment',
        'Sensor',
        'Level',
        'Detected at (UTC)',
        'Window start (UTC)',
        'Window end (UTC)',
        'Fault type',
        'Fault',
        'Confidence',
        'Model version',
        'Job id',
      ]);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.autoFilter).toBe(`A1:L${sheet.actualRowCount}`);
      // Rows continue where the previous sheet stopped.
      for (let r = 2; r <= sheet.actualRowCount; r++) expect(sheet.getRow(r).getCell(1).value).toBe(id++);
    }
    expect(id).toBe(121);

    const predictions = book.getWorksheet('Predictions')!;
    expect(predictions.actualRowCount).toBe(1);
    expect(rowValues(predictions, 1)).toEqual(['Id', 'Equipment', 'Lot', 'Tag', 'Predicted at (UTC)', 'Horizon (min)', 'Probability', 'Predicted value', 'Model version']);
    expect(predictions.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(book.getWorksheet('Anomalies')!.actualRowCount).toBe(31);
    expect(book.getWorksheet('Ingest ledger')!.actualRowCount).toBe(4);
  });

  it('stores dates as UTC date cells and numbers as numbers', () => {
    const diagnoses = book.getWorksheet('Diagnoses')!;
    const row = diagnoses.getRow(3); // diagnosis index 1
    expect(row.getCell(5).value).toEqual(diagnosis(1).detectedAt);
    expect(row.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(row.getCell(6).value).toEqual(diagnosis(1).windowStart);
    expect(row.getCell(8).value).toBe(1);
    expect(row.getCell(9).value).toBe('unbalance');
    expect(row.getCell(10).value).toBe(diagnosis(1).confidence);
    expect(row.getCell(10).numFmt).toBe('0.0%');
    expect(diagnoses.getRow(2).getCell(6).value).toBeNull(); // no window: an empty cell
    const ingests = book.getWorksheet('Ingest ledger')!;
    expect(ingests.getRow(2).getCell(5).value).toBe(1_234_567);
    expect(ingests.getRow(2).getCell(11).value).toEqual(ingest(0).startedAt);
  });

  it("puts the KPI table on the Summary with the doc's numbers unrounded, formats, bands, filter and frozen header", () => {
    const summary = book.getWorksheet('Summary')!;
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(summary.autoFilter).toBe('A1:R5');
    expect(rowValues(summary, 1)).toEqual(KPI_COLUMNS.map((c) => c.label.en));
    MACHINES.map(kpi).forEach((figures, i) => {
      const row = summary.getRow(2 + i);
      KPI_COLUMNS.forEach((c, j) => {
        const expected = c.key === 'equipment' ? inertText(figures.equipment) : figures[c.key];
        expect([c.key, row.getCell(j + 1).value ?? null]).toEqual([c.key, expected]);
      });
    });
    const faultRate = KPI_COLUMNS.findIndex((c) => c.key === 'fault_rate') + 1;
    expect(summary.getRow(2).getCell(faultRate).numFmt).toBe('0.0%');
    expect(summary.getRow(2).getCell(KPI_COLUMNS.length).numFmt).toBe('0.0');
    expect(summary.getRow(2).getCell(2).numFmt).toBe('#,##0');
    // exceljs's reader fills this; its typings leave it out.
    const { conditionalFormattings } = summary as unknown as { conditionalFormattings: ExcelJS.ConditionalFormattingOptions[] };
    expect(conditionalFormattings.map((cf) => [cf.ref, cf.rules.length])).toEqual([
      ['R2:R5', 3],
      ['H2:H5', 1],
    ]);

    // Then the lot KPIs and the report's parameters, as label/value rows.
    expect(rowValues(summary, 7)).toEqual(['Lot', 'Equipment', 'Started at', 'Samples', 'Anomalies', 'Anomaly rate', 'Yield', 'Mean fault probability', 'First alarm']);
    expect(rowValues(summary, 8)).toEqual([inertText(PLUS_LOT), inertText(HYPERLINK), minutes(60), 480, 12, 0.025, 0.9875, 0.0731, minutes(185)]);
    const meta = new Map<unknown, ExcelJS.CellValue[]>();
    let label: unknown;
    for (let r = 11; r <= summary.rowCount; r++) {
      const [first, ...values] = rowValues(summary, r);
      if (first) label = first;
      if (values.length) meta.set(label, [...(meta.get(label) ?? []), ...values]);
    }
    expect(Object.fromEntries(meta)).toEqual({
      'Report id': [4711],
      Type: ['Weekly report'],
      Period: ['2026-11-16 – 2026-11-22'],
      Equipment: ['all'],
      Lots: [`'${PLUS_LOT}, L-2026-11-A`], // the joined text starts with +, so it is guarded too
      'Requested at': [new Date(REQUESTED_AT)],
      'Requested by': ['operator@plant'],
      'Data window': [new Date('2026-11-16T00:00:00.000Z'), new Date('2026-11-22T23:55:00.000Z')],
      'Data checksum (SHA-256)': ['ab'.repeat(32)],
      'Model versions': ['vibration-cnn', 'v3', 'tep-ensemble', '2026.11.1, 2026.11.2'],
      Rows: ['Diagnoses', 120, 'Anomalies', 30, 'Predictions', 0, 'Ingest ledger', 3],
      'Generated at': [new Date(REQUESTED_AT)],
    });
  });

  it('keeps formula-like names as guarded text, never formulas, in exceljs and in the raw XML', () => {
    const cells: ExcelJS.Cell[] = [];
    book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(cell))));
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula || c.formula !== undefined)).toEqual([]);
    const texts = new Set(cells.map((c) => c.value));
    for (const risky of [HYPERLINK, PLUS_LOT, AT_FILE, '-admin']) {
      expect(texts).toContain(`'${risky}`);
      expect(texts).not.toContain(risky);
    }
    expect(book.getWorksheet('Summary')!.getRow(2).getCell(1).value).toBe(`'${HYPERLINK}`);
    expect(book.getWorksheet('Summary')!.getRow(3).getCell(1).value).toBe(HANGUL);

    const parts = unzip(file);
    const sheets = [...parts.keys()].filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name));
    expect(sheets).toHaveLength(SHEETS.length);
    for (const name of sheets) expect(parts.get(name)!.data.toString('utf8')).not.toMatch(/<f[ >]/);
    // A value (t="str" without <f>), not a formula: Excel shows it as the text it is.
    expect(parts.get('xl/worksheets/sheet1.xml')!.data.toString('utf8')).toMatch(
      /<c r="A2"( s="\d+")? t="str"><v>&apos;=HYPERLINK\(&quot;http:\/\/x&quot;,&quot;y&quot;\)<\/v><\/c>/,
    );
  });

  it('dates every zip entry and the document properties with the request time, not the render time', () => {
    const requested = new Date(REQUESTED_AT);
    const dosDate = ((requested.getUTCFullYear() - 1980) << 9) | ((requested.getUTCMonth() + 1) << 5) | requested.getUTCDate();
    const dosTime = (requested.getUTCHours() << 11) | (requested.getUTCMinutes() << 5) | (requested.getUTCSeconds() >> 1);
    const parts = unzip(file);
    for (const [name, entry] of parts) expect([name, entry.dosDate, entry.dosTime]).toEqual([name, dosDate, dosTime]);
    const core = parts.get('docProps/core.xml')!.data.toString('utf8');
    expect(core).toContain('<dc:creator>HIM-MES</dc:creator>');
    expect(core).toContain('2026-11-23T06:00:00Z</dcterms:created>');
    expect(core).toContain('2026-11-23T06:00:00Z</dcterms:modified>');
  });

  (PYTHON_HAS_OPENPYXL ? it : it.skip)('reads back in openpyxl the same: sheets, freezes, headers, KPI numbers, guarded text, no formulas', () => {
    const res = spawnSync('python3', ['-c', OPENPYXL_SCRIPT, file], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    const out = JSON.parse(res.stdout) as OpenpyxlBook;
    expect(out.sheetnames).toEqual(SHEETS);
    for (const name of SHEETS) {
      expect([name, out.sheets[name].freeze, out.sheets[name].formulas]).toEqual([name, 'A2', []]);
    }
    expect(out.sheets['Diagnoses (3)'].header).toEqual(out.sheets.Diagnoses.header);
    expect(['Diagnoses', 'Diagnoses (2)', 'Diagnoses (3)'].map((n) => out.sheets[n].max_row)).toEqual([50, 50, 23]);
    expect(out.sheets['Diagnoses (3)'].filter).toBe('A1:L23');
    expect(out.sheets.Predictions.header).toEqual(['Id', 'Equipment', 'Lot', 'Tag', 'Predicted at (UTC)', 'Horizon (min)', 'Probability', 'Predicted value', 'Model version']);
    expect(out.sheets.Summary.header).toEqual(KPI_COLUMNS.map((c) => c.label.en));
    expect(out.kpis).toEqual(MACHINES.map(kpi).map((k) => KPI_COLUMNS.map((c) => (c.key === 'equipment' ? inertText(k.equipment) : k[c.key]))));
    expect(out.sheets.Summary.texts.A2).toEqual([`'${HYPERLINK}`, 's']);
    expect(out.sheets.Summary.texts.A3).toEqual([HANGUL, 's']);
    expect(Object.values(out.sheets.Anomalies.texts)).toContainEqual([`'${PLUS_LOT}`, 's']);
    expect(out.sheets['Ingest ledger'].texts.B2).toEqual([`'${AT_FILE}`, 's']);
  });

  it('renders the same bytes twice, seconds apart', async () => {
    const first = await render('en');
    await sleep(2100); // zip entry times have 2 s resolution: a render-time stamp would show
    const second = await render('en');
    expect(sha256(second)).toBe(sha256(first));
    expect(sha256(first)).toBe(sha256(file));
  });

  it('labels a Korean report in Korean and keeps its sheet names English', async () => {
    const ko = new ExcelJS.Workbook();
    await ko.xlsx.readFile(await render('ko'));
    expect(ko.worksheets.map((s) => s.name)).toEqual(SHEETS);
    const summary = ko.getWorksheet('Summary')!;
    expect(rowValues(summary, 1)).toEqual(KPI_COLUMNS.map((c) => c.label.ko));
    expect(rowValues(summary, 11)).toEqual(['보고서 ID', 4711]);
    expect(rowValues(summary, 12)).toEqual(['유형', '주간 보고서']);
    expect(rowValues(ko.getWorksheet('Diagnoses')!, 1)).toEqual([
      'ID',
      '설비',
      '센서',
      '수준',
      '감지 시각 (UTC)',
      '구간 시작 (UTC)',
      '구간 종료 (UTC)',
      '고장 유형',
      '고장',
      '신뢰도',
      '모델 버전',
      '작업 ID',
    ]);
    expect(ko.getWorksheet('Diagnoses')!.getRow(3).getCell(9).value).toBe('불균형');
    expect(ko.getWorksheet('Anomalies')!.getRow(2).getCell(7).value).toBe('낮음');
    expect(rowValues(ko.getWorksheet('Ingest ledger')!, 1)[1]).toBe('파일 이름');
  });

  it('leaves a cell empty for NaN, infinity or an invalid date, which Excel cannot store', async () => {
    const doc = reportDocument('en', { ...COUNTS, diagnoses: 1 });
    doc.equipmentKpis[1] = { ...doc.equipmentKpis[1], mtbf_hours: Number.NaN, mttr_hours: Number.POSITIVE_INFINITY };
    const rows = {
      ...rowSources(doc.rowCounts),
      diagnoses: async function* () {
        yield [{ ...diagnosis(1), detectedAt: new Date(Number.NaN), confidence: Number.NaN }];
      },
    };
    const file = path.join(dir, 'not-finite.xlsx');
    await writeReportWorkbook(doc, rows, createWriteStream(file));
    const read = new ExcelJS.Workbook();
    await read.xlsx.readFile(file);
    const mtbf = KPI_COLUMNS.findIndex((c) => c.key === 'mtbf_hours') + 1;
    expect([
      read.getWorksheet('Summary')!.getRow(3).getCell(mtbf).value,
      read
        .getWorksheet('Summary')!
        .getRow(3)
        .getCell(mtbf + 1).value,
    ]).toEqual([null, null]);
    expect(rowValues(read.getWorksheet('Diagnoses')!, 2)).toEqual([2, HANGUL, 'S2', 'capture', undefined, minutes(0), minutes(5), 1, 'unbalance', undefined, 'v3', 'sweep-1']);
  });

  it('refuses a row limit that leaves no room for a data row, or exceeds Excel', async () => {
    for (const maxRowsPerSheet of [1, 1_048_577, 2.5]) {
      await expect(writeReportWorkbook(reportDocument('en', COUNTS), rowSources(COUNTS), new PassThrough(), { maxRowsPerSheet })).rejects.toThrow(RangeError);
    }
  });
});
