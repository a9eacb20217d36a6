import type { Text } from '../labels';

// The words only the workbook prints, in each report language (the shared ones are in ../labels.ts). Sheet names are
// not here: they stay English in both languages, so links and macros that name a sheet work on every report.

/** The long tables, as the Summary's row counts name them. */
export const TABLE_TITLES = {
  diagnoses: { en: 'Diagnoses', ko: '진단' },
  anomalies: { en: 'Anomalies', ko: '이상' },
  predictions: { en: 'Predictions', ko: '예측' },
  ingests: { en: 'Ingest ledger', ko: '수집 대장' },
} satisfies Record<string, Text>;

export const SUMMARY_LABELS = {
  generatedAt: { en: 'Generated at', ko: '생성 시각' },
} satisfies Record<string, Text>;

export const LOT_KPI_HEADERS = {
  lot: { en: 'Lot', ko: '로트' },
  equipment: { en: 'Equipment', ko: '설비' },
  startedAt: { en: 'Started at', ko: '시작 시각' },
  samples: { en: 'Samples', ko: '샘플 수' },
  anomalyCount: { en: 'Anomalies', ko: '이상 수' },
  anomalyRate: { en: 'Anomaly rate', ko: '이상률' },
  yield: { en: 'Yield', ko: '수율' },
  meanFaultProbability: { en: 'Mean fault probability', ko: '평균 고장 확률' },
  firstAlarmAt: { en: 'First alarm', ko: '최초 경보' },
} satisfies Record<string, Text>;

export const DIAGNOSIS_HEADERS = {
  id: { en: 'Id', ko: 'ID' },
  equipment: { en: 'Equipment', ko: '설비' },
  sensorNo: { en: 'Sensor', ko: '센서' },
  level: { en: 'Level', ko: '수준' },
  detectedAt: { en: 'Detected at (UTC)', ko: '감지 시각 (UTC)' },
  windowStart: { en: 'Window start (UTC)', ko: '구간 시작 (UTC)' },
  windowEnd: { en: 'Window end (UTC)', ko: '구간 종료 (UTC)' },
  faultType: { en: 'Fault type', ko: '고장 유형' },
  faultName: { en: 'Fault', ko: '고장' },
  confidence: { en: 'Confidence', ko: '신뢰도' },
  modelVersion: { en: 'Model version', ko: '모델 버전' },
  jobId: { en: 'Job id', ko: '작업 ID' },
} satisfies Record<string, Text>;

export const ANOMALY_HEADERS = {
  id: { en: 'Id', ko: 'ID' },
  equipment: { en: 'Equipment', ko: '설비' },
  lot: { en: 'Lot', ko: '로트' },
  detectedAt: { en: 'Detected at (UTC)', ko: '감지 시각 (UTC)' },
  method: { en: 'Method', ko: '방법' },
  score: { en: 'Score', ko: '점수' },
  severity: { en: 'Severity', ko: '심각도' },
  topTags: { en: 'Top tags', ko: '주요 태그' },
  modelVersion: { en: 'Model version', ko: '모델 버전' },
  acknowledgedBy: { en: 'Acknowledged by', ko: '확인자' },
  acknowledgedAt: { en: 'Acknowledged at (UTC)', ko: '확인 시각 (UTC)' },
} satisfies Record<string, Text>;

export const PREDICTION_HEADERS = {
  id: { en: 'Id', ko: 'ID' },
  equipment: { en: 'Equipment', ko: '설비' },
  lot: { en: 'Lot', ko: '로트' },
  tag: { en: 'Tag', ko: '태그' },
  predictedAt: { en: 'Predicted at (UTC)', ko: '예측 시각 (UTC)' },
  horizonMinutes: { en: 'Horizon (min)', ko: '예측 범위 (분)' },
  probability: { en: 'Probability', ko: '확률' },
  predictedValue: { en: 'Predicted value', ko: '예측값' },
  modelVersion: { en: 'Model version', ko: '모델 버전' },
} satisfies Record<string, Text>;

export const INGEST_HEADERS = {
  id: { en: 'Id', ko: 'ID' },
  fileName: { en: 'File name', ko: '파일 이름' },
  kind: { en: 'Kind', ko: '종류' },
  checksum: { en: 'Checksum (SHA-256)', ko: '체크섬 (SHA-256)' },
  bytes: { en: 'Bytes', ko: '바이트' },
  status: { en: 'Status', ko: '상태' },
  rowsRead: { en: 'Rows read', ko: '읽은 행' },
  rowsInserted: { en: 'Rows inserted', ko: '삽입 행' },
  rowsDuplicate: { en: 'Rows duplicate', ko: '중복 행' },
  rowsRejected: { en: 'Rows rejected', ko: '거부 행' },
  startedAt: { en: 'Started at (UTC)', ko: '시작 시각 (UTC)' },
  finishedAt: { en: 'Finished at (UTC)', ko: '종료 시각 (UTC)' },
} satisfies Record<string, Text>;
