import type { KpiPeriodFigures, ReportLanguage } from '@him/contracts';
import * as ExcelJS from 'exceljs';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FAULT_NAMES, KPI_COLUMNS, META_LABELS, REPORT_TYPE_TITLES, SEVERITY_NAMES } from '../labels';
import type { AnomalyLine, DiagnosisLine, IngestLine, LotKpiLine, PredictionLine, ReportDocument, ReportRowSources } from '../report-document';
import { ANOMALY_HEADERS, DIAGNOSIS_HEADERS, INGEST_HEADERS, LOT_KPI_HEADERS, PREDICTION_HEADERS, SUMMARY_LABELS, TABLE_TITLES } from './xlsx-labels';

/** Excel's limit of rows per sheet. */
export const EXCEL_MAX_ROWS = 1_048_576;

export interface WorkbookOptions {
  /** Rows per sheet, header included; a longer table continues on `Diagnoses (2)`, `Diagnoses (3)`… Default: Excel's limit. */
  maxRowsPerSheet?: number;
}

type Text = Record<ReportLanguage, string>;
type Value = string | number | Date | null;
type CellStyle = Partial<ExcelJS.Style>;

const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * The value to store for a text cell. exceljs writes a string as a value (`<c t="str"><v>…</v></c>`), never as a
 * formula, so the file itself runs nothing; but Excel re-parses a cell's text when someone edits it, and a CSV export
 * hands the raw text to the next program, where a leading `=`, `+`, `-`, `@`, tab or CR starts a formula (OWASP "CSV
 * injection"): a machine named `=HYPERLINK(…)` would become a live link. Excel's quotePrefix style would guard such a
 * cell invisibly, but exceljs 4.4 cannot write it, so these values get the OWASP guard itself: a leading apostrophe.
 */
export function inertText(value: string): string {
  return FORMULA_STARTS.has(value.charAt(0)) ? `'${value}` : value;
}

/** Every value goes through here on its way into a cell, so no text escapes inertText; null makes no cell at all. */
function cellValue(value: Value): Exclude<Value, null> | undefined {
  if (typeof value === 'string') return inertText(value);
  // Excel has no NaN, infinity or invalid date: exceljs would write one as a number cell Excel refuses to open.
  if (value === null || !Number.isFinite(typeof value === 'number' ? value : value.getTime())) return undefined;
  return value;
}

// Cell styles are made once and shared: exceljs remembers a style object's id by identity, so a shared object costs
// one map look-up per cell instead of building and hashing a new style.
const DATE: CellStyle = { numFmt: 'yyyy-mm-dd hh:mm:ss' };
const COUNT: CellStyle = { numFmt: '#,##0' };
const RATIO: CellStyle = { numFmt: '0.0%' };
const ONE_DECIMAL: CellStyle = { numFmt: '0.0' };
const THREE_DECIMALS: CellStyle = { numFmt: '0.000' };
const PLAIN: CellStyle = {};
const HEADER: CellStyle = { font: { bold: true }, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE3EA' } } };
const LABEL: CellStyle = { font: { bold: true } };
const KPI_STYLES: Record<(typeof KPI_COLUMNS)[number]['kind'], CellStyle> = { text: PLAIN, count: COUNT, ratio: RATIO, hours: ONE_DECIMAL, score: ONE_DECIMAL };

/** Health score and fault rate bands of the Summary's conditional formatting. */
const HEALTH_POOR = 60;
const HEALTH_GOOD = 80;
const FAULT_RATE_HIGH = 0.1;
const RED = 'FFF8CBAD';
const AMBER = 'FFFFE699';
const GREEN = 'FFC6EFCE';

interface Column<L> {
  header: Text;
  width: number;
  style: CellStyle;
  value(line: L, lang: ReportLanguage): Value;
}

const DIAGNOSIS_COLUMNS: Column<DiagnosisLine>[] = [
  { header: DIAGNOSIS_HEADERS.id, width: 10, style: PLAIN, value: (d) => d.id },
  { header: DIAGNOSIS_HEADERS.equipment, width: 20, style: PLAIN, value: (d) => d.equipment },
  { header: DIAGNOSIS_HEADERS.sensorNo, width: 10, style: PLAIN, value: (d) => d.sensorNo },
  { header: DIAGNOSIS_HEADERS.level, width: 10, style: PLAIN, value: (d) => d.level },
  { header: DIAGNOSIS_HEADERS.detectedAt, width: 20, style: DATE, value: (d) => d.detectedAt },
  { header: DIAGNOSIS_HEADERS.windowStart, width: 20, style: DATE, value: (d) => d.windowStart },
  { header: DIAGNOSIS_HEADERS.windowEnd, width: 20, style: DATE, value: (d) => d.windowEnd },
  { header: DIAGNOSIS_HEADERS.faultType, width: 10, style: PLAIN, value: (d) => d.faultType },
  { header: DIAGNOSIS_HEADERS.faultName, width: 22, style: PLAIN, value: (d, lang) => FAULT_NAMES[d.faultType]?.[lang] ?? null },
  { header: DIAGNOSIS_HEADERS.confidence, width: 12, style: RATIO, value: (d) => d.confidence },
  { header: DIAGNOSIS_HEADERS.modelVersion, width: 16, style: PLAIN, value: (d) => d.modelVersion },
  { header: DIAGNOSIS_HEADERS.jobId, width: 36, style: PLAIN, value: (d) => d.jobId },
];

const ANOMALY_COLUMNS: Column<AnomalyLine>[] = [
  { header: ANOMALY_HEADERS.id, width: 10, style: PLAIN, value: (a) => a.id },
  { header: ANOMALY_HEADERS.equipment, width: 20, style: PLAIN, value: (a) => a.equipment },
  { header: ANOMALY_HEADERS.lot, width: 16, style: PLAIN, value: (a) => a.lot },
  { header: ANOMALY_HEADERS.detectedAt, width: 20, style: DATE, value: (a) => a.detectedAt },
  { header: ANOMALY_HEADERS.method, width: 16, style: PLAIN, value: (a) => a.method },
  { header: ANOMALY_HEADERS.score, width: 10, style: THREE_DECIMALS, value: (a) => a.score },
  { header: ANOMALY_HEADERS.severity, width: 10, style: PLAIN, value: (a, lang) => SEVERITY_NAMES[a.severity]?.[lang] ?? a.severity },
  { header: ANOMALY_HEADERS.topTags, width: 36, style: PLAIN, value: (a) => a.topTags },
  { header: ANOMALY_HEADERS.modelVersion, width: 16, style: PLAIN, value: (a) => a.modelVersion },
  { header: ANOMALY_HEADERS.acknowledgedBy, width: 18, style: PLAIN, value: (a) => a.acknowledgedBy },
  { header: ANOMALY_HEADERS.acknowledgedAt, width: 20, style: DATE, value: (a) => a.acknowledgedAt },
];

const PREDICTION_COLUMNS: Column<PredictionLine>[] = [
  { header: PREDICTION_HEADERS.id, width: 10, style: PLAIN, value: (p) => p.id },
  { header: PREDICTION_HEADERS.equipment, width: 20, style: PLAIN, value: (p) => p.equipment },
  { header: PREDICTION_HEADERS.lot, width: 16, style: PLAIN, value: (p) => p.lot },
  { header: PREDICTION_HEADERS.tag, width: 14, style: PLAIN, value: (p) => p.tag },
  { header: PREDICTION_HEADERS.predictedAt, width: 20, style: DATE, value: (p) => p.predictedAt },
  { header: PREDICTION_HEADERS.horizonMinutes, width: 14, style: COUNT, value: (p) => p.horizonMinutes },
  { header: PREDICTION_HEADERS.probability, width: 12, style: RATIO, value: (p) => p.probability },
  { header: PREDICTION_HEADERS.predictedValue, width: 16, style: PLAIN, value: (p) => p.predictedValue },
  { header: PREDICTION_HEADERS.modelVersion, width: 16, style: PLAIN, value: (p) => p.modelVersion },
];

const INGEST_COLUMNS: Column<IngestLine>[] = [
  { header: INGEST_HEADERS.id, width: 10, style: PLAIN, value: (i) => i.id },
  { header: INGEST_HEADERS.fileName, width: 36, style: PLAIN, value: (i) => i.fileName },
  { header: INGEST_HEADERS.kind, width: 12, style: PLAIN, value: (i) => i.kind },
  { header: INGEST_HEADERS.checksum, width: 24, style: PLAIN, value: (i) => i.checksum },
  { header: INGEST_HEADERS.bytes, width: 14, style: COUNT, value: (i) => i.bytes },
  { header: INGEST_HEADERS.status, width: 12, style: PLAIN, value: (i) => i.status },
  { header: INGEST_HEADERS.rowsRead, width: 12, style: COUNT, value: (i) => i.rowsRead },
  { header: INGEST_HEADERS.rowsInserted, width: 12, style: COUNT, value: (i) => i.rowsInserted },
  { header: INGEST_HEADERS.rowsDuplicate, width: 12, style: COUNT, value: (i) => i.rowsDuplicate },
  { header: INGEST_HEADERS.rowsRejected, width: 12, style: COUNT, value: (i) => i.rowsRejected },
  { header: INGEST_HEADERS.startedAt, width: 20, style: DATE, value: (i) => i.startedAt },
  { header: INGEST_HEADERS.finishedAt, width: 20, style: DATE, value: (i) => i.finishedAt },
];

const LOT_KPI_COLUMNS: { header: Text; style: CellStyle; value(lot: LotKpiLine): Value }[] = [
  { header: LOT_KPI_HEADERS.lot, style: PLAIN, value: (l) => l.lot },
  { header: LOT_KPI_HEADERS.equipment, style: PLAIN, value: (l) => l.equipment },
  { header: LOT_KPI_HEADERS.startedAt, style: DATE, value: (l) => l.startedAt },
  { header: LOT_KPI_HEADERS.samples, style: COUNT, value: (l) => l.samples },
  { header: LOT_KPI_HEADERS.anomalyCount, style: COUNT, value: (l) => l.anomalyCount },
  { header: LOT_KPI_HEADERS.anomalyRate, style: RATIO, value: (l) => l.anomalyRate },
  { header: LOT_KPI_HEADERS.yield, style: RATIO, value: (l) => l.yield },
  { header: LOT_KPI_HEADERS.meanFaultProbability, style: RATIO, value: (l) => l.meanFaultProbability },
  { header: LOT_KPI_HEADERS.firstAlarmAt, style: DATE, value: (l) => l.firstAlarmAt },
];

/** The part of archiver's zip instance that exceljs's WorkbookWriter appends its parts with. */
interface ZipArchive {
  append(source: unknown, data: { name: string; date?: Date }): unknown;
}

const datedZips = new WeakSet<ZipArchive>();

/**
 * exceljs's streaming writer with every zip entry dated `created`. archiver stamps an entry with the current time
 * unless its append gives one, and exceljs gives none, so two renders of one report would differ in every entry's
 * header. The constructor creates the zip and at once appends its first parts through addThemes and addOfficeRels, so
 * those are where the zip gets its date, before its first entry.
 */
class DatedWorkbookWriter extends ExcelJS.stream.xlsx.WorkbookWriter {
  constructor(options: Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions> & { created: Date }) {
    super(options);
  }

  override addThemes(): Promise<void> {
    this.dateZipEntries();
    return super.addThemes();
  }

  override addOfficeRels(): Promise<void> {
    this.dateZipEntries();
    return super.addOfficeRels();
  }

  private dateZipEntries(): void {
    const zip = (this as unknown as { zip: ZipArchive }).zip;
    if (datedZips.has(zip)) return;
    datedZips.add(zip);
    const append = zip.append.bind(zip);
    const date = this.created;
    zip.append = (source, data) => append(source, { ...data, date });
  }
}

type Book = ExcelJS.stream.xlsx.WorkbookWriter;

/**
 * Writes a report's workbook to `out`: the Summary (KPIs, lot KPIs, the report's parameters and provenance), then each
 * long table on its own sheet, continued on `Name (2)`… past `maxRowsPerSheet`. Rows are streamed and committed one by
 * one, so memory stays flat however long the tables are; the same document and rows always give the same bytes.
 */
export async function writeReportWorkbook(doc: ReportDocument, rows: ReportRowSources, out: NodeJS.WritableStream, options: WorkbookOptions = {}): Promise<void> {
  const maxRows = options.maxRowsPerSheet ?? EXCEL_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 2 || maxRows > EXCEL_MAX_ROWS) {
    throw new RangeError(`maxRowsPerSheet must be an integer from 2 to ${EXCEL_MAX_ROWS}, not ${maxRows}`);
  }
  const requestedAt = new Date(doc.requestedAt);
  const book = new DatedWorkbookWriter({
    // exceljs only pipes its zip into the stream, which any writable stream allows; its typings ask for a Stream.
    stream: out as unknown as ExcelJS.stream.xlsx.WorkbookWriterOptions['stream'],
    useStyles: true,
    useSharedStrings: false,
    created: requestedAt,
  });
  book.creator = book.lastModifiedBy = 'HIM-MES';

  writeSummary(book, doc, requestedAt);
  await writeTable(book, 'Diagnoses', DIAGNOSIS_COLUMNS, rows.diagnoses(), doc.lang, maxRows);
  await writeTable(book, 'Anomalies', ANOMALY_COLUMNS, rows.anomalies(), doc.lang, maxRows);
  await writeTable(book, 'Predictions', PREDICTION_COLUMNS, rows.predictions(), doc.lang, maxRows);
  await writeTable(book, 'Ingest ledger', INGEST_COLUMNS, rows.ingests(), doc.lang, maxRows);
  await book.commit();
}

/** Adds a row whose cells take the given values and styles, and writes it out. */
function addRow(sheet: ExcelJS.Worksheet, values: readonly Value[], styles: readonly CellStyle[]): void {
  const row = sheet.addRow(values.map(cellValue));
  // A row has a style of its own too (exceljs's typings omit it), a new object per row unless shared like the cells'.
  (row as unknown as { style: CellStyle }).style = PLAIN;
  row.eachCell((cell, column) => {
    cell.style = styles[column - 1];
  });
  row.commit();
}

function addHeader(sheet: ExcelJS.Worksheet, labels: readonly string[]): void {
  addRow(
    sheet,
    labels,
    labels.map(() => HEADER),
  );
}

/** A sheet whose first `headerRows` rows stay in view when scrolling. */
function addSheet(book: Book, name: string, headerRows: number): ExcelJS.Worksheet {
  return book.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: headerRows, topLeftCell: `A${headerRows + 1}`, activeCell: `A${headerRows + 1}` }] });
}

function writeSummary(book: Book, doc: ReportDocument, requestedAt: Date): void {
  const { lang } = doc;
  const t = (label: Text) => label[lang];
  const sheet = addSheet(book, 'Summary', 1);
  sheet.columns = KPI_COLUMNS.map((_, i) => ({ width: i === 0 ? 32 : 20 }));

  addHeader(
    sheet,
    KPI_COLUMNS.map((c) => t(c.label)),
  );
  const kpiStyles = KPI_COLUMNS.map((c) => KPI_STYLES[c.kind]);
  for (const kpi of doc.equipmentKpis) {
    addRow(
      sheet,
      KPI_COLUMNS.map((c) => kpi[c.key]),
      kpiStyles,
    );
  }
  const lastKpiRow = 1 + doc.equipmentKpis.length;
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastKpiRow, column: KPI_COLUMNS.length } };
  if (doc.equipmentKpis.length) addKpiBands(sheet, lastKpiRow);

  if (doc.lotKpis.length) {
    addRow(sheet, [], []);
    addHeader(
      sheet,
      LOT_KPI_COLUMNS.map((c) => t(c.header)),
    );
    const lotStyles = LOT_KPI_COLUMNS.map((c) => c.style);
    for (const lot of doc.lotKpis) {
      addRow(
        sheet,
        LOT_KPI_COLUMNS.map((c) => c.value(lot)),
        lotStyles,
      );
    }
  }

  addRow(sheet, [], []);
  const none = t(META_LABELS.none);
  const styleOf = (v: Value) => (v instanceof Date ? DATE : typeof v === 'number' ? COUNT : PLAIN);
  const meta = (label: Text | null, values: Value[], styles = values.map(styleOf)) => addRow(sheet, [label && t(label), ...values], [LABEL, ...styles]);
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  meta(META_LABELS.reportId, [doc.reportId], [PLAIN]);
  meta(META_LABELS.type, [t(REPORT_TYPE_TITLES[doc.type])]);
  meta(META_LABELS.period, [doc.from === doc.to ? doc.from : `${doc.from} – ${doc.to}`]);
  meta(META_LABELS.equipment, [doc.equipment.length ? doc.equipment.join(', ') : t(META_LABELS.all)]);
  meta(META_LABELS.lots, [doc.lots.length ? doc.lots.join(', ') : t(META_LABELS.all)]);
  meta(META_LABELS.requestedAt, [requestedAt]);
  meta(META_LABELS.requestedBy, [doc.requestedBy ?? none]);
  const window = doc.dataWindow;
  meta(META_LABELS.dataWindow, window.from === null && window.to === null ? [none] : [date(window.from), date(window.to)]);
  meta(META_LABELS.dataChecksum, [doc.dataChecksum]);
  const models = Object.entries(doc.modelVersions);
  if (!models.length) meta(META_LABELS.modelVersions, [none]);
  models.forEach(([model, versions], i) => meta(i === 0 ? META_LABELS.modelVersions : null, [model, versions]));
  (Object.keys(TABLE_TITLES) as (keyof typeof TABLE_TITLES)[]).forEach((table, i) => meta(i === 0 ? META_LABELS.rows : null, [t(TABLE_TITLES[table]), doc.rowCounts[table]]));
  // The request time, not the render time: a re-render of the report is then byte-identical.
  meta(SUMMARY_LABELS.generatedAt, [requestedAt]);
  sheet.commit();
}

/** Conditional formatting of the KPI table: health score red / amber / green, a high fault rate red. */
function addKpiBands(sheet: ExcelJS.Worksheet, lastRow: number): void {
  const column = (key: keyof KpiPeriodFigures) => sheet.getColumn(KPI_COLUMNS.findIndex((c) => c.key === key) + 1).letter;
  const fill = (argb: string): CellStyle => ({ fill: { type: 'pattern', pattern: 'solid', bgColor: { argb } } });
  // Expressions rather than cellIs rules, which would read an empty cell (no score) as 0 and paint it red. Each is
  // written for the range's first cell; Excel shifts it down the range.
  let priority = 0;
  const band = (key: keyof KpiPeriodFigures, rules: [condition: (cell: string) => string, argb: string][]) => {
    const first = `${column(key)}2`;
    sheet.addConditionalFormatting({
      ref: `${first}:${column(key)}${lastRow}`,
      rules: rules.map(([condition, argb]) => ({ type: 'expression', priority: ++priority, formulae: [`AND(ISNUMBER(${first}),${condition(first)})`], style: fill(argb) })),
    });
  };
  band('health_score', [
    [(x) => `${x}<${HEALTH_POOR}`, RED],
    [(x) => `AND(${x}>=${HEALTH_POOR},${x}<${HEALTH_GOOD})`, AMBER],
    [(x) => `${x}>=${HEALTH_GOOD}`, GREEN],
  ]);
  band('fault_rate', [[(x) => `${x}>=${FAULT_RATE_HIGH}`, RED]]);
}

/** One long table, read page by page, on as many sheets as `maxRows` asks, each with its header, freeze and filter. */
async function writeTable<L>(book: Book, name: string, columns: readonly Column<L>[], pages: AsyncIterable<L[]>, lang: ReportLanguage, maxRows: number): Promise<void> {
  const headers = columns.map((c) => c.header[lang]);
  const styles = columns.map((c) => c.style);
  let part = 1;
  let sheet = openTableSheet(book, name, columns, headers);
  let rowCount = 1;
  for await (const page of pages) {
    for (const line of page) {
      if (rowCount === maxRows) {
        closeTableSheet(sheet, rowCount, columns.length);
        sheet = openTableSheet(book, `${name} (${++part})`, columns, headers);
        rowCount = 1;
      }
      addRow(
        sheet,
        columns.map((c) => c.value(line, lang)),
        styles,
      );
      rowCount++;
    }
    await catchUp(sheet);
  }
  closeTableSheet(sheet, rowCount, columns.length);
}

/** How far the zip may fall behind a sheet's rows: a few pages of XML. */
const ZIP_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * The view of the zip's progress a worksheet writer gives: its `stream` (exceljs's StreamBuf) writes each row's XML into
 * `pipes`, the zip entry's input once archiver has started the entry (a readable-stream PassThrough, whose
 * `_writableState.length` is the XML the compressor has not taken yet).
 */
interface SheetStream {
  stream: { pipes: (NodeJS.EventEmitter & { _writableState?: { length: number } })[] };
}

/**
 * Waits for the zip to catch up with a sheet's rows. exceljs writes into the zip without ever waiting for it, and the
 * compressor works between turns of the event loop, so a fast row source would pile the whole table up in memory
 * ahead of it (300 k diagnoses: +200 MB). Should exceljs's internals change, this degrades to one turn per page.
 */
async function catchUp(sheet: ExcelJS.Worksheet): Promise<void> {
  const entry = (sheet as unknown as SheetStream).stream.pipes[0];
  await ((entry?._writableState?.length ?? 0) > ZIP_BACKLOG_BYTES ? once(entry, 'drain') : nextTurn());
}

function openTableSheet<L>(book: Book, name: string, columns: readonly Column<L>[], headers: string[]): ExcelJS.Worksheet {
  const sheet = addSheet(book, name, 1);
  sheet.columns = columns.map((c) => ({ width: c.width, style: c.style }));
  addHeader(sheet, headers);
  return sheet;
}

/** The filter is written when the sheet is committed, so it can cover the rows the sheet ended up with. */
function closeTableSheet(sheet: ExcelJS.Worksheet, rowCount: number, columnCount: number): void {
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rowCount, column: columnCount } };
  sheet.commit();
}
