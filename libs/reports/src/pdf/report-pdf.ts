import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { addUtcDays, type KpiPeriodFigures, type ReportLanguage } from '@him/contracts';
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { FAULT_NAMES, KPI_COLUMNS, META_LABELS, REPORT_TYPE_TITLES, SEVERITY_NAMES } from '../labels';
import type { AnomalyLine, LotKpiLine, ReportDocument } from '../report-document';
import { ANOMALIES_TOTAL, ANOMALY_COLUMNS, CHART_TITLES, LOT_COLUMNS, moreInExcel, NO_ANOMALIES, NO_HEALTH_SCORE, pageOf, ROW_COUNT_NAMES, SECTION_TITLES } from './pdf-labels';

// The report's PDF: a title page with what the report is of and where its data came from, the KPI tables, two vector
// charts per machine and the most severe anomalies. Every text is set in Noto Sans KR, so Hangul machine and lot names
// print in an English report too; the document is a function of the ReportDocument alone, so a re-render is identical.

const FONT_DIR = path.dirname(require.resolve('@expo-google-fonts/noto-sans-kr/package.json'));
const REGULAR = 'NotoSansKR-Regular';
const BOLD = 'NotoSansKR-Bold';
const FONT_FILES: Record<string, string> = {
  [REGULAR]: path.join(FONT_DIR, '400Regular', 'NotoSansKR_400Regular.ttf'),
  [BOLD]: path.join(FONT_DIR, '700Bold', 'NotoSansKR_700Bold.ttf'),
};

// The bottom margin leaves room for the footer, which is written into it at the end.
const MARGINS = { top: 40, left: 40, right: 40, bottom: 52 };
const INK = '#1f2328';
const MUTED = '#5f6670';
const RULE = '#c9ced6';
const HEADER_FILL = '#e6ebf1';
const STRIPE_FILL = '#f5f7fa';
// Okabe–Ito colours, told apart with the common colour-vision deficiencies; every bar is also named on its axis.
const TREND_COLOUR = '#0072B2';
const FAULT_COLOURS = ['#009E73', '#E69F00', '#56B4E9', '#D55E00'];

const TABLE_SIZE = 7.5;
const CELL_PAD_X = 3;
const CELL_PAD_Y = 3;
const CHART_HEIGHT = 150;
const DASH = '–';
const COUNT = new Intl.NumberFormat('en-US');

type Pdf = PDFKit.PDFDocument;

interface Column<R> {
  label: string;
  /** Share of the table's width, relative to the other columns. */
  weight: number;
  align?: 'right';
  value: (row: R) => string;
}

/** Writes the report's PDF to `out`; resolves once `out` has finished, rejects on an error of either. */
export async function writeReportPdf(doc: ReportDocument, out: NodeJS.WritableStream): Promise<void> {
  const typeTitle = REPORT_TYPE_TITLES[doc.type][doc.lang];
  const requestedAt = new Date(doc.requestedAt);
  const pdf = new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margins: MARGINS,
    bufferPages: true,
    lang: doc.lang,
    displayTitle: true,
    // Without these pdfkit stamps the render time, and the document ID it hashes from them would change too.
    info: {
      Title: `${typeTitle} ${period(doc)}`,
      Author: doc.requestedBy ?? 'HIM-MES',
      Subject: `${META_LABELS.reportId[doc.lang]} ${doc.reportId}, ${META_LABELS.dataChecksum[doc.lang]} ${doc.dataChecksum}`,
      Creator: 'HIM-MES',
      CreationDate: requestedAt,
      ModDate: requestedAt,
    },
  });
  // Both at once: the stream may fail while the charts are still being drawn.
  await Promise.all([
    pipeline(pdf, out),
    draw(pdf, doc)
      .then(() => pdf.end())
      .catch((err: unknown) => pdf.destroy(err as Error)),
  ]);
}

async function draw(pdf: Pdf, doc: ReportDocument): Promise<void> {
  for (const [name, file] of Object.entries(FONT_FILES)) pdf.registerFont(name, file);
  titlePage(pdf, doc);
  pdf.addPage();
  kpiTable(pdf, doc);
  if (doc.lotKpis.length) lotTable(pdf, doc.lotKpis, doc.lang);
  await machineCharts(pdf, doc);
  anomalyTable(pdf, doc);
  footers(pdf, doc);
}

function titlePage(pdf: Pdf, doc: ReportDocument): void {
  const lang = doc.lang;
  const width = contentWidth(pdf);
  const none = META_LABELS.none[lang];
  pdf.font(BOLD).fontSize(10).fillColor(MUTED).text('HIM-MES', MARGINS.left, 90, { width });
  pdf.moveDown(0.4);
  pdf.font(BOLD).fontSize(26).fillColor(INK).text(REPORT_TYPE_TITLES[doc.type][lang], { width });
  pdf.font(REGULAR).fontSize(14).fillColor(INK).text(period(doc), { width });
  pdf.moveDown(1.2);
  rule(pdf, pdf.y);
  pdf.y += 14;

  const listOrAll = (items: string[]) => (items.length ? items.join(', ') : META_LABELS.all[lang]);
  const { from, to } = doc.dataWindow;
  const window = from && to ? `${utcTime(from)} ${DASH} ${utcTime(to)} UTC` : none;
  const models = Object.entries(doc.modelVersions).map(([model, versions]) => `${model}: ${versions}`);
  const rows = (Object.keys(ROW_COUNT_NAMES) as (keyof typeof ROW_COUNT_NAMES)[]).map((table) => `${ROW_COUNT_NAMES[table][lang]} ${COUNT.format(doc.rowCounts[table])}`);
  const meta: [string, string][] = [
    [META_LABELS.reportId[lang], String(doc.reportId)],
    [META_LABELS.type[lang], REPORT_TYPE_TITLES[doc.type][lang]],
    [META_LABELS.period[lang], period(doc)],
    [META_LABELS.equipment[lang], listOrAll(doc.equipment)],
    [META_LABELS.lots[lang], listOrAll(doc.lots)],
    [META_LABELS.requestedAt[lang], `${utcTime(doc.requestedAt)} UTC`],
    [META_LABELS.requestedBy[lang], doc.requestedBy ?? none],
    [META_LABELS.dataWindow[lang], window],
    [META_LABELS.dataChecksum[lang], doc.dataChecksum],
    [META_LABELS.modelVersions[lang], models.length ? models.join('\n') : none],
    [META_LABELS.rows[lang], rows.join(', ')],
  ];
  const labelWidth = 150;
  for (const [label, value] of meta) {
    pdf.font(REGULAR).fontSize(10);
    const height = Math.max(pdf.heightOfString(value, { width: width - labelWidth }), 12);
    if (pdf.y + height > bottom(pdf)) pdf.addPage();
    const top = pdf.y;
    pdf
      .font(BOLD)
      .fontSize(10)
      .fillColor(MUTED)
      .text(label, MARGINS.left, top, { width: labelWidth - 10 });
    pdf
      .font(REGULAR)
      .fontSize(10)
      .fillColor(INK)
      .text(value, MARGINS.left + labelWidth, top, { width: width - labelWidth });
    pdf.y = top + height + 7;
  }
}

function kpiTable(pdf: Pdf, doc: ReportDocument): void {
  const lang = doc.lang;
  const label = (key: keyof KpiPeriodFigures) => KPI_COLUMNS.find((c) => c.key === key)!.label[lang];
  const count = (key: keyof KpiPeriodFigures, weight = 1): Column<KpiPeriodFigures> => ({
    label: label(key),
    weight,
    align: 'right',
    value: (r) => COUNT.format(r[key] as number),
  });
  const columns: Column<KpiPeriodFigures>[] = [
    { label: label('equipment'), weight: 2.4, value: (r) => r.equipment },
    count('windows_diagnosed', 1.1),
    count('count_normal'),
    count('count_unbalance', 1.1),
    count('count_looseness'),
    count('count_unbalance_looseness', 1.1),
    { label: label('fault_rate'), weight: 0.9, align: 'right', value: (r) => percent(r.fault_rate) },
    count('fault_episodes'),
    { label: label('mtbf_hours'), weight: 0.9, align: 'right', value: (r) => (r.mtbf_hours === null ? DASH : r.mtbf_hours.toFixed(1)) },
    {
      label: ANOMALIES_TOTAL[lang],
      weight: 1,
      align: 'right',
      value: (r) => COUNT.format(r.anomalies_low + r.anomalies_medium + r.anomalies_high + r.anomalies_critical),
    },
    // The API's number as JSON prints it, so the PDF shows the very figure GET /kpi gives.
    { label: label('health_score'), weight: 0.9, align: 'right', value: (r) => (r.health_score === null ? DASH : String(r.health_score)) },
  ];
  section(pdf, SECTION_TITLES.kpis[lang]);
  table(pdf, columns, doc.equipmentKpis);
}

function lotTable(pdf: Pdf, lots: readonly LotKpiLine[], lang: ReportLanguage): void {
  const columns: Column<LotKpiLine>[] = [
    { label: LOT_COLUMNS.lot[lang], weight: 1.6, value: (l) => l.lot },
    { label: LOT_COLUMNS.equipment[lang], weight: 1.8, value: (l) => l.equipment },
    { label: LOT_COLUMNS.samples[lang], weight: 0.9, align: 'right', value: (l) => COUNT.format(l.samples) },
    { label: LOT_COLUMNS.anomalies[lang], weight: 0.9, align: 'right', value: (l) => COUNT.format(l.anomalyCount) },
    { label: LOT_COLUMNS.anomalyRate[lang], weight: 0.9, align: 'right', value: (l) => percent(l.anomalyRate) },
    { label: LOT_COLUMNS.yield[lang], weight: 0.9, align: 'right', value: (l) => (l.yield === null ? DASH : percent(l.yield)) },
    { label: LOT_COLUMNS.meanFaultProbability[lang], weight: 1, align: 'right', value: (l) => (l.meanFaultProbability === null ? DASH : l.meanFaultProbability.toFixed(3)) },
    { label: LOT_COLUMNS.firstAlarm[lang], weight: 1.5, value: (l) => (l.firstAlarmAt ? utcTime(l.firstAlarmAt) : DASH) },
  ];
  section(pdf, SECTION_TITLES.lots[lang]);
  table(pdf, columns, lots);
}

/** Per machine of the KPI table, its health trend over the range's days and its windows per fault type, side by side. */
async function machineCharts(pdf: Pdf, doc: ReportDocument): Promise<void> {
  const lang = doc.lang;
  const width = contentWidth(pdf);
  const gap = 12;
  const trendWidth = Math.round(width * 0.58);
  const faultWidth = width - trendWidth - gap;
  const days: string[] = [];
  for (let day = doc.from; day <= doc.to; day = addUtcDays(day, 1)) days.push(day);
  const trends = new Map(doc.healthTrends.map((t) => [t.equipment, new Map(t.points.map((p) => [p.day, p.healthScore]))]));

  section(pdf, SECTION_TITLES.charts[lang], CHART_HEIGHT + 20);
  for (const kpi of doc.equipmentKpis) {
    // The output failed and took the document down with it: the rest would be thrown away.
    if (pdf.destroyed) return;
    if (pdf.y + CHART_HEIGHT + 20 > bottom(pdf)) pdf.addPage();
    pdf.font(BOLD).fontSize(10).fillColor(INK).text(kpi.equipment, MARGINS.left, pdf.y, { width });
    const top = pdf.y + 2;
    const scores = trends.get(kpi.equipment);
    drawChart(pdf, healthTrendOption(days, scores, lang), MARGINS.left, top, trendWidth);
    drawChart(pdf, faultDistributionOption(kpi, lang), MARGINS.left + trendWidth + gap, top, faultWidth);
    pdf.y = top + CHART_HEIGHT + 14;
    // A chart takes some 20 ms: let the worker's heartbeats and other activities run between machines.
    await nextTurn();
  }
}

function anomalyTable(pdf: Pdf, doc: ReportDocument): void {
  const lang = doc.lang;
  const columns: Column<AnomalyLine>[] = [
    { label: ANOMALY_COLUMNS.detectedAt[lang], weight: 1.45, value: (a) => utcTime(a.detectedAt) },
    { label: ANOMALY_COLUMNS.equipment[lang], weight: 1.7, value: (a) => a.equipment },
    { label: ANOMALY_COLUMNS.lot[lang], weight: 1.1, value: (a) => a.lot ?? DASH },
    { label: ANOMALY_COLUMNS.method[lang], weight: 1, value: (a) => a.method },
    { label: ANOMALY_COLUMNS.severity[lang], weight: 0.75, value: (a) => SEVERITY_NAMES[a.severity]?.[lang] ?? a.severity },
    { label: ANOMALY_COLUMNS.score[lang], weight: 0.6, align: 'right', value: (a) => a.score.toFixed(3) },
    { label: ANOMALY_COLUMNS.topTags[lang], weight: 3.2, value: (a) => a.topTags },
  ];
  section(pdf, SECTION_TITLES.anomalies[lang]);
  if (doc.topAnomalies.length) table(pdf, columns, doc.topAnomalies);
  else note(pdf, NO_ANOMALIES[lang]);
  const more = doc.rowCounts.anomalies - doc.topAnomalies.length;
  if (more > 0) note(pdf, moreInExcel(more)[lang]);
}

/** Page number, report id and data checksum at the foot of every page, once the page count is known. */
function footers(pdf: Pdf, doc: ReportDocument): void {
  const { start, count } = pdf.bufferedPageRange();
  const width = contentWidth(pdf);
  const provenance = `${META_LABELS.reportId[doc.lang]} ${doc.reportId} · ${META_LABELS.dataChecksum[doc.lang]} ${doc.dataChecksum}`;
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // Text below the bottom margin would make pdfkit open a new page; the footer lives there, so lift the margin.
    const margin = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    const y = pdf.page.height - 34;
    rule(pdf, y - 6);
    pdf.font(REGULAR).fontSize(6.5).fillColor(MUTED);
    pdf.text(provenance, MARGINS.left, y, { width: width - 70, lineBreak: false });
    pdf.text(pageOf(i - start + 1, count)[doc.lang], MARGINS.left + width - 70, y, { width: 70, align: 'right', lineBreak: false });
    pdf.page.margins.bottom = margin;
  }
}

function healthTrendOption(days: readonly string[], scores: ReadonlyMap<string, number | null> | undefined, lang: ReportLanguage): echarts.EChartsOption {
  // null leaves a gap: a day without a score is not drawn as a fall or a rise.
  const data = days.map((d) => scores?.get(d) ?? null);
  return {
    ...chartBase(CHART_TITLES.healthTrend[lang]),
    grid: { left: 30, right: 12, top: 26, bottom: 22 },
    xAxis: { type: 'category', data: days.map((d) => d.slice(5)), boundaryGap: false, axisLabel: { fontSize: 7, hideOverlap: true } },
    yAxis: { type: 'value', min: 0, max: 100, interval: 20, axisLabel: { fontSize: 7 } },
    series: [
      {
        type: 'line',
        data,
        connectNulls: false,
        showSymbol: true,
        symbol: 'circle',
        symbolSize: 4,
        lineStyle: { color: TREND_COLOUR, width: 1.5 },
        itemStyle: { color: TREND_COLOUR },
      },
    ],
    graphic: data.some((v) => v !== null) ? [] : [{ type: 'text', left: 'center', top: 'middle', style: { text: NO_HEALTH_SCORE[lang], fontSize: 8, fill: MUTED } }],
  };
}

function faultDistributionOption(kpi: KpiPeriodFigures, lang: ReportLanguage): echarts.EChartsOption {
  const counts = [kpi.count_normal, kpi.count_unbalance, kpi.count_looseness, kpi.count_unbalance_looseness];
  return {
    ...chartBase(CHART_TITLES.faultDistribution[lang]),
    grid: { left: 4, right: 34, top: 26, bottom: 8, containLabel: true },
    // Each bar carries its count, so the value axis keeps only its grid lines.
    xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false } },
    // inverse: the categories read top to bottom in fault-type order, normal first.
    yAxis: { type: 'category', inverse: true, data: FAULT_NAMES.map((n) => n[lang]), axisLabel: { fontSize: 7 } },
    series: [
      {
        type: 'bar',
        barWidth: '60%',
        data: counts.map((value, i) => ({ value, itemStyle: { color: FAULT_COLOURS[i] } })),
        // No halo: svg-to-pdfkit ignores paint-order, so ECharts' white text border would cover the figures.
        label: { show: true, position: 'right', fontSize: 7, textBorderColor: 'none', formatter: ({ value }) => COUNT.format(value as number) },
      },
    ],
  };
}

function chartBase(title: string): echarts.EChartsOption {
  return {
    animation: false,
    textStyle: { fontFamily: REGULAR, color: INK },
    title: { text: title, left: 0, top: 0, textStyle: { fontSize: 9, fontWeight: 'bold', color: INK } },
  };
}

/** Renders an ECharts option to SVG and draws it as vectors, its text in the embedded fonts. */
function drawChart(pdf: Pdf, option: echarts.EChartsOption, x: number, y: number, width: number): void {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height: CHART_HEIGHT });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  // The chart is laid out in points (assumePt), so its font sizes are the PDF's.
  SVGtoPDF(pdf, svg, x, y, { width, height: CHART_HEIGHT, assumePt: true, fontCallback: (_family, bold) => (bold ? BOLD : REGULAR) });
  pdf.roundedRect(x, y, width, CHART_HEIGHT, 3).lineWidth(0.5).strokeColor(RULE).stroke();
}

/** A table whose header repeats at the top of each page it runs onto. */
function table<R>(pdf: Pdf, columns: readonly Column<R>[], rows: readonly R[]): void {
  const widths = columnWidths(pdf, columns);
  const aligns = columns.map((c) => c.align ?? 'left');
  const header = columns.map((c) => c.label);
  const headerHeight = rowHeight(pdf, header, widths, BOLD);
  rows.forEach((row, i) => {
    const cells = columns.map((c) => c.value(row));
    const height = rowHeight(pdf, cells, widths, REGULAR);
    if (i === 0 || pdf.y + height > bottom(pdf)) {
      if (pdf.y + headerHeight + height > bottom(pdf)) pdf.addPage();
      drawRow(pdf, header, widths, aligns, BOLD, headerHeight, HEADER_FILL);
    }
    drawRow(pdf, cells, widths, aligns, REGULAR, height, i % 2 ? STRIPE_FILL : null);
  });
  pdf.y += 10;
}

/**
 * The columns' shares of the page's width, widened where a header's longest word would not fit (a word split across
 * lines reads badly) at the expense of the columns with room to spare.
 */
function columnWidths<R>(pdf: Pdf, columns: readonly Column<R>[]): number[] {
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const shares = columns.map((c) => (c.weight / total) * contentWidth(pdf));
  pdf.font(BOLD).fontSize(TABLE_SIZE);
  const least = columns.map((c) => Math.max(...c.label.split(/\s+/).map((word) => pdf.widthOfString(word))) + 2 * CELL_PAD_X + 0.5);
  const missing = shares.reduce((s, w, i) => s + Math.max(0, least[i] - w), 0);
  const spare = shares.reduce((s, w, i) => s + Math.max(0, w - least[i]), 0);
  const squeeze = spare > 0 ? Math.min(1, missing / spare) : 0;
  return shares.map((w, i) => (w < least[i] ? least[i] : w - squeeze * (w - least[i])));
}

function rowHeight(pdf: Pdf, cells: readonly string[], widths: readonly number[], font: string): number {
  pdf.font(font).fontSize(TABLE_SIZE);
  return Math.max(...cells.map((text, i) => pdf.heightOfString(text, { width: widths[i] - 2 * CELL_PAD_X }))) + 2 * CELL_PAD_Y;
}

function drawRow(pdf: Pdf, cells: readonly string[], widths: readonly number[], aligns: readonly ('left' | 'right')[], font: string, height: number, fill: string | null): void {
  const y = pdf.y;
  const width = contentWidth(pdf);
  if (fill) pdf.rect(MARGINS.left, y, width, height).fill(fill);
  pdf.font(font).fontSize(TABLE_SIZE).fillColor(INK);
  let x = MARGINS.left;
  cells.forEach((text, i) => {
    pdf.text(text, x + CELL_PAD_X, y + CELL_PAD_Y, { width: widths[i] - 2 * CELL_PAD_X, align: aligns[i] });
    x += widths[i];
  });
  pdf
    .moveTo(MARGINS.left, y + height)
    .lineTo(MARGINS.left + width, y + height)
    .lineWidth(0.4)
    .strokeColor(RULE)
    .stroke();
  pdf.y = y + height;
}

/** A section's title, on a new page when not even `keep` points of its content would fit under it. */
function section(pdf: Pdf, title: string, keep = 60): void {
  if (pdf.y + 30 + keep > bottom(pdf)) pdf.addPage();
  else if (pdf.y > MARGINS.top) pdf.y += 8;
  pdf.outline.addItem(title);
  pdf
    .font(BOLD)
    .fontSize(13)
    .fillColor(INK)
    .text(title, MARGINS.left, pdf.y, { width: contentWidth(pdf) });
  pdf.y += 6;
}

function note(pdf: Pdf, text: string): void {
  pdf.font(REGULAR).fontSize(8.5).fillColor(MUTED);
  if (pdf.y + pdf.heightOfString(text, { width: contentWidth(pdf) }) > bottom(pdf)) pdf.addPage();
  pdf.text(text, MARGINS.left, pdf.y, { width: contentWidth(pdf) });
  pdf.y += 6;
}

function rule(pdf: Pdf, y: number): void {
  pdf
    .moveTo(MARGINS.left, y)
    .lineTo(MARGINS.left + contentWidth(pdf), y)
    .lineWidth(0.5)
    .strokeColor(RULE)
    .stroke();
}

const contentWidth = (pdf: Pdf) => pdf.page.width - MARGINS.left - MARGINS.right;
const bottom = (pdf: Pdf) => pdf.page.height - MARGINS.bottom;
const period = (doc: ReportDocument) => (doc.from === doc.to ? doc.from : `${doc.from} ${DASH} ${doc.to}`);
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
/** `2026-06-03 14:22:05`: the timestamps are UTC, as the column titles say. */
const utcTime = (at: Date | string) => new Date(at).toISOString().slice(0, 19).replace('T', ' ');
