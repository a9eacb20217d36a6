import type { Text } from '../labels';

// The words only the PDF prints, in each report language (the shared ones are in ../labels.ts).

export const SECTION_TITLES = {
  kpis: { en: 'KPIs per equipment', ko: '설비별 KPI' },
  lots: { en: 'Lots', ko: '로트' },
  charts: { en: 'Health trend and fault distribution per equipment', ko: '설비별 건강 점수 추세 및 고장 분포' },
  anomalies: { en: 'Anomalies', ko: '이상' },
} satisfies Record<string, Text>;

export const CHART_TITLES = {
  healthTrend: { en: 'Health trend', ko: '건강 점수 추세' },
  faultDistribution: { en: 'Fault distribution (windows)', ko: '고장 분포 (구간 수)' },
} satisfies Record<string, Text>;

export const NO_HEALTH_SCORE = { en: 'No health score in this period', ko: '이 기간에는 건강 점수가 없습니다' } satisfies Text;

/** The KPI table's one column that KPI_COLUMNS lacks: the four anomaly severities summed, so the table fits a page. */
export const ANOMALIES_TOTAL = { en: 'Anomalies', ko: '이상 수' } satisfies Text;

export const LOT_COLUMNS = {
  lot: { en: 'Lot', ko: '로트' },
  equipment: { en: 'Equipment', ko: '설비' },
  samples: { en: 'Samples', ko: '샘플 수' },
  anomalies: { en: 'Anomalies', ko: '이상 수' },
  anomalyRate: { en: 'Anomaly rate', ko: '이상률' },
  yield: { en: 'Yield', ko: '수율' },
  meanFaultProbability: { en: 'Mean fault probability', ko: '평균 고장 확률' },
  firstAlarm: { en: 'First alarm (UTC)', ko: '최초 경보 (UTC)' },
} satisfies Record<string, Text>;

export const ANOMALY_COLUMNS = {
  detectedAt: { en: 'Detected at (UTC)', ko: '감지 시각 (UTC)' },
  equipment: { en: 'Equipment', ko: '설비' },
  lot: { en: 'Lot', ko: '로트' },
  method: { en: 'Method', ko: '방법' },
  severity: { en: 'Severity', ko: '심각도' },
  score: { en: 'Score', ko: '점수' },
  topTags: { en: 'Top tags', ko: '주요 태그' },
} satisfies Record<string, Text>;

/** The long tables whose row counts the title page lists. */
export const ROW_COUNT_NAMES = {
  diagnoses: { en: 'diagnoses', ko: '진단' },
  anomalies: { en: 'anomalies', ko: '이상' },
  predictions: { en: 'predictions', ko: '예측' },
  ingests: { en: 'ingests', ko: '수집' },
} satisfies Record<string, Text>;

export const NO_ANOMALIES = { en: 'No anomalies in this period.', ko: '이 기간에는 이상이 없습니다.' } satisfies Text;

/** The PDF lists only the most severe anomalies; the xlsx has every one. */
export const moreInExcel = (count: number): Text => ({
  en: `${count} more anomalies are listed in the Excel file.`,
  ko: `나머지 이상 ${count}건은 Excel 파일에 있습니다.`,
});

export const pageOf = (page: number, pages: number): Text => ({ en: `Page ${page} of ${pages}`, ko: `${page} / ${pages} 페이지` });
