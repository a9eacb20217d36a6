import type { KpiPeriodFigures, ReportLanguage, ReportType } from '@him/contracts';

/**
 * Everything a report's files show except its long tables: what the report is of, the data it came from, and the
 * figures of its Summary and charts. Built once per report by the report activities; both renderers read only this
 * and the row sources below, so the xlsx and the pdf of one report always agree.
 */
export interface ReportDocument {
  reportId: number;
  type: ReportType;
  lang: ReportLanguage;
  /** First and last UTC day, inclusive. */
  from: string;
  to: string;
  /** Equipment names asked for (empty: all) and lot codes asked for (empty: all of the range). */
  equipment: string[];
  lots: string[];
  /** When the report was requested (ISO). The files print this, never the render time, so a re-render is identical. */
  requestedAt: string;
  requestedBy: string | null;
  /** First and last timestamp of the data the report covers (ISO), null when it covers none. */
  dataWindow: { from: string | null; to: string | null };
  /** SHA-256 (hex) of the report's data: its window, row counts, model versions and KPI figures. */
  dataChecksum: string;
  /** Model name → the versions whose results the report shows (comma-separated when several). */
  modelVersions: Record<string, string>;
  /** Rows in each long table. */
  rowCounts: { diagnoses: number; anomalies: number; predictions: number; ingests: number };
  /** One row per equipment over the whole range: the figures GET /api/v1/kpi?granularity=range gives. */
  equipmentKpis: KpiPeriodFigures[];
  lotKpis: LotKpiLine[];
  /** Per equipment, its health score of each day of the range (null where none was scored). */
  healthTrends: { equipment: string; points: { day: string; healthScore: number | null }[] }[];
  /** The most severe anomalies (severity, then score), for the PDF's table; the xlsx lists them all. */
  topAnomalies: AnomalyLine[];
}

export interface LotKpiLine {
  lot: string;
  equipment: string;
  startedAt: Date;
  samples: number;
  anomalyCount: number;
  anomalyRate: number;
  yield: number | null;
  meanFaultProbability: number | null;
  firstAlarmAt: Date | null;
}

export interface DiagnosisLine {
  id: number;
  equipment: string;
  sensorNo: string;
  level: string;
  detectedAt: Date;
  windowStart: Date | null;
  windowEnd: Date | null;
  /** 0 normal, 1 unbalance, 2 looseness, 3 unbalance + looseness. */
  faultType: number;
  confidence: number | null;
  modelVersion: string;
  jobId: string | null;
}

export interface AnomalyLine {
  id: number;
  equipment: string;
  lot: string | null;
  detectedAt: Date;
  method: string;
  score: number;
  severity: string;
  /** The top contributing tags, `XMEAS(9) 0.41, XMV(10) 0.22`. */
  topTags: string;
  modelVersion: string;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
}

export interface PredictionLine {
  id: number;
  equipment: string;
  lot: string | null;
  tag: string;
  predictedAt: Date;
  horizonMinutes: number;
  probability: number;
  predictedValue: number | null;
  modelVersion: string;
}

export interface IngestLine {
  id: number;
  fileName: string;
  kind: string;
  checksum: string;
  bytes: number;
  status: string;
  rowsRead: number;
  rowsInserted: number;
  rowsDuplicate: number;
  rowsRejected: number;
  startedAt: Date;
  finishedAt: Date | null;
}

/**
 * The long tables, read in pages so no table is ever whole in memory (100 k diagnoses is one report's ordinary size).
 * Each call starts the table from its first row, in a stable order.
 */
export interface ReportRowSources {
  diagnoses(): AsyncIterable<DiagnosisLine[]>;
  anomalies(): AsyncIterable<AnomalyLine[]>;
  predictions(): AsyncIterable<PredictionLine[]>;
  ingests(): AsyncIterable<IngestLine[]>;
}
