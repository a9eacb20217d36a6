// The report's PDF, read back with poppler's tools as a reader's viewer would: every machine and its health score as the
// API serves it, Hangul in both languages, a spreadsheet formula printed as plain text, page numbers in the footer, and
// the same document for the same report data.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { KpiPeriodFigures } from '@him/contracts';
import { writeReportPdf } from '../../libs/reports/src/pdf/report-pdf';
import type { AnomalyLine, ReportDocument } from '../../libs/reports/src/report-document';

const HAS_POPPLER = !spawnSync('pdftotext', ['-v']).error;
if (!HAS_POPPLER) console.warn('report-pdf.spec: pdftotext not found (apt-get install poppler-utils), so the PDF is not read back: tests skipped');
const describeWithPoppler = HAS_POPPLER ? describe : describe.skip;

const FORMULA = '=HYPERLINK("http://x","y")';
const DAYS = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-06', '2026-06-07'];

function kpi(equipment: string, healthScore: number | null, counts: [number, number, number, number]): KpiPeriodFigures {
  const windows = counts.reduce((a, b) => a + b, 0);
  return {
    equipment,
    period_start: DAYS[0],
    period_end: DAYS[6],
    days: 7,
    windows_diagnosed: windows,
    count_normal: counts[0],
    count_unbalance: counts[1],
    count_looseness: counts[2],
    count_unbalance_looseness: counts[3],
    fault_rate: windows ? (windows - counts[0]) / windows : 0,
    captures_diagnosed: windows * 4,
    mean_confidence: windows ? 0.93 : null,
    fault_episodes: counts[1] + counts[2] + counts[3] > 0 ? 3 : 0,
    mtbf_hours: counts[1] + counts[2] + counts[3] > 0 ? 41.5 : null,
    mttr_hours: counts[1] + counts[2] + counts[3] > 0 ? 2.25 : null,
    anomalies_low: 12,
    anomalies_medium: 5,
    anomalies_high: 2,
    anomalies_critical: 1,
    health_score: healthScore,
  };
}

function anomalies(count: number, machines: readonly string[]): AnomalyLine[] {
  const severities = ['critical', 'high', 'medium', 'low'];
  return Array.from({ length: count }, (_, i) => ({
    id: 1000 + i,
    equipment: machines[i % machines.length],
    lot: i % 3 ? `LOT-26060${1 + (i % 7)}` : null,
    detectedAt: new Date(Date.UTC(2026, 5, 1 + (i % 7), 3 + (i % 20), (i * 7) % 60, 5)),
    method: i % 2 ? 'pca-t2' : 'lstm-residual',
    score: 9.87654 - i * 0.1234,
    severity: severities[Math.min(3, Math.floor(i / 8))],
    topTags: 'XMEAS(9) 0.41, XMV(10) 0.22, XMEAS(21) 0.09',
    modelVersion: 'tep-detector@3',
    acknowledgedBy: null,
    acknowledgedAt: null,
  }));
}

function weeklyReport(machines = 4): ReportDocument {
  const base = [kpi('Fan-A1', 57.3, [1650, 210, 95, 61]), kpi('압축기-1', 100, [2016, 0, 0, 0]), kpi(FORMULA, null, [0, 0, 0, 0]), kpi('Pump 7', 83.25, [1890, 40, 86, 0])];
  const extra = Array.from({ length: Math.max(0, machines - base.length) }, (_, i) => kpi(`Line-B Motor ${String(i + 1).padStart(2, '0')}`, 90 - (i % 40), [1900, 50, 40, 26]));
  const equipmentKpis = [...base, ...extra].slice(0, machines);
  const names = equipmentKpis.map((k) => k.equipment);
  return {
    reportId: 4217,
    type: 'weekly',
    lang: 'en',
    from: DAYS[0],
    to: DAYS[6],
    equipment: [],
    lots: [],
    requestedAt: '2026-06-08T06:00:00.000Z',
    requestedBy: 'scheduler',
    dataWindow: { from: '2026-06-01T00:00:00.000Z', to: '2026-06-07T23:55:00.000Z' },
    dataChecksum: '9f2c4e1ab7d3508866c1f0e2d4b9a7c35e8f1d2a6b0c9e7f4a3d2c1b0a998877',
    modelVersions: { 'vibration-classifier': '7', 'tep-detector': '3, 4' },
    rowCounts: { diagnoses: 8064, anomalies: 120, predictions: 3360, ingests: 14 },
    equipmentKpis,
    lotKpis: [
      {
        lot: 'LOT-260601',
        equipment: 'Fan-A1',
        startedAt: new Date('2026-06-01T06:00:00Z'),
        samples: 480,
        anomalyCount: 17,
        anomalyRate: 17 / 480,
        yield: 0.9646,
        meanFaultProbability: 0.0812,
        firstAlarmAt: new Date('2026-06-01T09:14:00Z'),
      },
      {
        lot: '로트-가-02',
        equipment: '압축기-1',
        startedAt: new Date('2026-06-03T06:00:00Z'),
        samples: 512,
        anomalyCount: 0,
        anomalyRate: 0,
        yield: null,
        meanFaultProbability: null,
        firstAlarmAt: null,
      },
    ],
    healthTrends: names.map((equipment, m) => ({
      equipment,
      points: DAYS.map((day, d) => ({ day, healthScore: m === 2 || (m === 0 && d === 3) ? null : Math.max(0, 100 - m * 7 - d * d * 0.9) })),
    })),
    topAnomalies: anomalies(40, names),
  };
}

describeWithPoppler('report PDF (read back with poppler)', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-pdf-'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function render(doc: ReportDocument, name: string): Promise<string> {
    const file = path.join(dir, name);
    await writeReportPdf(doc, fs.createWriteStream(file));
    return file;
  }

  const pdftotext = (file: string, ...args: string[]) => execFileSync('pdftotext', ['-layout', ...args, file, '-'], { encoding: 'utf8' });
  /** pdftotext ends each page with a form feed. */
  const pagesOf = (text: string) => text.split('\f').slice(0, -1);
  const pageCount = (file: string) => Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);

  it('is a whole PDF of several pages with every machine, its health score as the API gives it, the lots and the anomalies', async () => {
    const doc = weeklyReport();
    const file = await render(doc, 'en.pdf');
    // The promise resolves only once the file is complete.
    expect(fs.readFileSync(file).subarray(-6).toString()).toBe('%%EOF\n');
    const pages = pageCount(file);
    expect(pages).toBeGreaterThanOrEqual(2);

    const text = pdftotext(file);
    for (const k of doc.equipmentKpis) expect(text).toContain(k.equipment);
    expect(text).toContain(FORMULA);
    // The KPI table's row of each machine ends with its health score, printed as the API's JSON prints the number.
    const lines = text.split('\n');
    for (const k of doc.equipmentKpis.filter((k) => k.health_score !== null)) {
      expect(lines.some((line) => line.includes(k.equipment) && line.trimEnd().endsWith(` ${String(k.health_score)}`))).toBe(true);
    }
    expect(doc.equipmentKpis.map((k) => k.health_score)).toEqual([57.3, 100, null, 83.25]);
    expect(text).toContain('Weekly report');
    expect(text).toContain('2026-06-01 – 2026-06-07');
    expect(text).toContain(doc.dataChecksum);
    expect(text).toContain('로트-가-02');
    expect(text).toContain('80 more anomalies are listed in the Excel file.');
    expect(text).toContain('9.877');
    expect(text).toContain('critical');
    expect(pagesOf(text)).toHaveLength(pages);
    pagesOf(text).forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${pages}`);
      expect(page).toContain(`Report id 4217 · Data checksum (SHA-256) ${doc.dataChecksum}`);
    });
  });

  it('sets every text, the charts’ too, in the embedded Noto Sans KR, and the charts draw without warnings', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const file = await render(weeklyReport(), 'fonts.pdf');
      expect(warn).not.toHaveBeenCalled();
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
      expect(fonts.length).toBeGreaterThan(0);
      for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+NotoSansKR-(Regular|Bold)\s.*\byes\s+yes\s+yes\b/);
      // The charts' axis labels and titles are text, not outlines.
      const text = pdftotext(file);
      expect(text).toContain('Health trend');
      expect(text).toContain('unbalance + looseness');
      expect(text).toContain('06-07');
    } finally {
      warn.mockRestore();
    }
  });

  it('prints the Korean labels and the Hangul names exactly in a Korean report', async () => {
    const file = await render({ ...weeklyReport(), lang: 'ko' }, 'ko.pdf');
    const text = pdftotext(file);
    for (const label of ['주간 보고서', '건강 점수', '설비별 KPI', '고장 분포', '불균형 + 풀림', '보고서 ID', '나머지 이상 80건은 Excel 파일에 있습니다.', '심각']) {
      expect(text).toContain(label);
    }
    expect(text).toContain('압축기-1');
    expect(text).toContain(FORMULA);
    const pages = pageCount(file);
    expect(pagesOf(text)[0]).toContain(`1 / ${pages} 페이지`);
  });

  it('renders the same report to the same document, also when two renders run at once', async () => {
    const first = await render(weeklyReport(), 'first.pdf');
    const [second, third] = await Promise.all([render(weeklyReport(), 'second.pdf'), render(weeklyReport(), 'third.pdf')]);
    expect(pdftotext(second)).toBe(pdftotext(first));
    expect(fs.readFileSync(second).equals(fs.readFileSync(first))).toBe(true);
    expect(fs.readFileSync(third).equals(fs.readFileSync(first))).toBe(true);
  });

  it('repeats the KPI table’s header on each page a long table runs onto', async () => {
    const doc = weeklyReport(45);
    const pages = pagesOf(pdftotext(await render(doc, 'long.pdf')));
    // A KPI row is the machine's name followed by its windows diagnosed; the charts and anomalies name it alone.
    const kpiPages = pages.filter((p) => /Line-B Motor \d\d\s+2,016\s/.test(p));
    expect(kpiPages.length).toBeGreaterThanOrEqual(2);
    for (const page of kpiPages) expect(page).toMatch(/Equipment.*Windows/);
    for (const k of doc.equipmentKpis) expect(pages.join('\n')).toContain(k.equipment);
  });

  it('rejects when the stream it writes to fails', async () => {
    const broken = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('disk full')) });
    await expect(writeReportPdf(weeklyReport(), broken)).rejects.toThrow('disk full');
  });

  it('rejects, and tears down the stream it writes to, when the document cannot be drawn', async () => {
    const out = new PassThrough().resume();
    const broken = { ...weeklyReport(), topAnomalies: undefined } as unknown as ReportDocument;
    await expect(writeReportPdf(broken, out)).rejects.toThrow(TypeError);
    expect(out.destroyed).toBe(true);
  });
});
