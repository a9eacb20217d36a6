import type { KpiPeriodFigures, ReportLanguage, ReportType } from '@him/contracts';

// The words both formats share, in each report language. A report's data (machine and lot names) is printed as stored,
// in any script; only these labels change with `lang`.

/** A label in each report language. */
export type Text = Record<ReportLanguage, string>;

export const REPORT_TYPE_TITLES: Record<ReportType, Text> = {
  daily: { en: 'Daily report', ko: '일일 보고서' },
  weekly: { en: 'Weekly report', ko: '주간 보고서' },
  equipment: { en: 'Equipment report', ko: '설비 보고서' },
  lot: { en: 'Lot report', ko: '로트 보고서' },
};

/** Fault type 0..3 of a vibration diagnosis. */
export const FAULT_NAMES: Text[] = [
  { en: 'normal', ko: '정상' },
  { en: 'unbalance', ko: '불균형' },
  { en: 'looseness', ko: '풀림' },
  { en: 'unbalance + looseness', ko: '불균형 + 풀림' },
];

export const SEVERITY_NAMES: Record<string, Text> = {
  low: { en: 'low', ko: '낮음' },
  medium: { en: 'medium', ko: '보통' },
  high: { en: 'high', ko: '높음' },
  critical: { en: 'critical', ko: '심각' },
};

/** The report's parameters and provenance, as the Summary and the title page list them. */
export const META_LABELS = {
  reportId: { en: 'Report id', ko: '보고서 ID' },
  type: { en: 'Type', ko: '유형' },
  period: { en: 'Period', ko: '기간' },
  equipment: { en: 'Equipment', ko: '설비' },
  lots: { en: 'Lots', ko: '로트' },
  all: { en: 'all', ko: '전체' },
  requestedAt: { en: 'Requested at', ko: '요청 시각' },
  requestedBy: { en: 'Requested by', ko: '요청자' },
  dataWindow: { en: 'Data window', ko: '데이터 구간' },
  dataChecksum: { en: 'Data checksum (SHA-256)', ko: '데이터 체크섬 (SHA-256)' },
  modelVersions: { en: 'Model versions', ko: '모델 버전' },
  rows: { en: 'Rows', ko: '행 수' },
  none: { en: 'none', ko: '없음' },
} satisfies Record<string, Text>;

/** The KPI table's columns, in order: the figures of GET /api/v1/kpi, under the API's field names. */
export const KPI_COLUMNS: { key: keyof KpiPeriodFigures; label: Text; kind: 'text' | 'count' | 'ratio' | 'hours' | 'score' }[] = [
  { key: 'equipment', label: { en: 'Equipment', ko: '설비' }, kind: 'text' },
  { key: 'days', label: { en: 'Days', ko: '일수' }, kind: 'count' },
  { key: 'windows_diagnosed', label: { en: 'Windows diagnosed', ko: '진단 구간 수' }, kind: 'count' },
  { key: 'count_normal', label: { en: 'Normal', ko: '정상' }, kind: 'count' },
  { key: 'count_unbalance', label: { en: 'Unbalance', ko: '불균형' }, kind: 'count' },
  { key: 'count_looseness', label: { en: 'Looseness', ko: '풀림' }, kind: 'count' },
  { key: 'count_unbalance_looseness', label: { en: 'Unbalance + looseness', ko: '불균형 + 풀림' }, kind: 'count' },
  { key: 'fault_rate', label: { en: 'Fault rate', ko: '고장률' }, kind: 'ratio' },
  { key: 'captures_diagnosed', label: { en: 'Captures diagnosed', ko: '진단 캡처 수' }, kind: 'count' },
  { key: 'mean_confidence', label: { en: 'Mean confidence', ko: '평균 신뢰도' }, kind: 'ratio' },
  { key: 'fault_episodes', label: { en: 'Fault episodes', ko: '고장 발생 횟수' }, kind: 'count' },
  { key: 'mtbf_hours', label: { en: 'MTBF (h)', ko: 'MTBF (시간)' }, kind: 'hours' },
  { key: 'mttr_hours', label: { en: 'MTTR (h)', ko: 'MTTR (시간)' }, kind: 'hours' },
  { key: 'anomalies_low', label: { en: 'Anomalies low', ko: '이상 낮음' }, kind: 'count' },
  { key: 'anomalies_medium', label: { en: 'Anomalies medium', ko: '이상 보통' }, kind: 'count' },
  { key: 'anomalies_high', label: { en: 'Anomalies high', ko: '이상 높음' }, kind: 'count' },
  { key: 'anomalies_critical', label: { en: 'Anomalies critical', ko: '이상 심각' }, kind: 'count' },
  { key: 'health_score', label: { en: 'Health score', ko: '건강 점수' }, kind: 'score' },
];

export const text = (label: Text, lang: ReportLanguage): string => label[lang];
