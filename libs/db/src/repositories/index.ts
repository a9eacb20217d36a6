import type { Provider } from '@nestjs/common';
import { AnomalyRepository } from './anomaly.repository';
import { CaptureRepository } from './capture.repository';
import { EquipmentRepository } from './equipment.repository';
import { IngestLedgerRepository } from './ingest-ledger.repository';
import { KpiRepository } from './kpi.repository';
import { LotRepository } from './lot.repository';
import { ModelDriftRepository } from './model-drift.repository';
import { ModelVersionRepository } from './model-version.repository';
import { PredictionRepository } from './prediction.repository';
import { ProcessValueRepository } from './process-value.repository';
import { ReportRepository } from './report.repository';
import { SweepWatermarkRepository } from './sweep-watermark.repository';
import { VibrationDataRepository } from './vibration-data.repository';
import { VibrationDiagnosisRepository } from './vibration-diagnosis.repository';

export * from './anomaly.repository';
// The reader itself is loaded by path in the feature threads (CAPTURE_SAMPLES_MODULE); its SQL stays the repository's.
export { CAPTURE_SAMPLES_MODULE, type CaptureSamples } from './capture-samples';
export * from './capture.repository';
export * from './equipment.repository';
export * from './ingest-ledger.repository';
export * from './kpi.repository';
export * from './lot.repository';
export * from './model-drift.repository';
export * from './model-version.repository';
export * from './prediction.repository';
export * from './process-value.repository';
// The row reader itself is loaded by path in the workbook threads (REPORT_ROWS_MODULE).
export { openReportRowReader, REPORT_ROWS_MODULE, topTags, type ReportScope } from './report-rows';
export * from './report-scope';
export * from './report.repository';
export * from './sql';
export * from './sweep-watermark.repository';
export * from './vibration-data.repository';
export * from './vibration-diagnosis.repository';

/**
 * One owner per table: every table's SQL lives in one repository here, which the API's services and the workers'
 * activities both inject. Each repository is an @Injectable class built from MikroORM (and the dialect); a method
 * works in its own EntityManager fork unless it is handed a transaction's.
 */
export const REPOSITORIES: Provider[] = [
  AnomalyRepository,
  CaptureRepository,
  EquipmentRepository,
  IngestLedgerRepository,
  KpiRepository,
  LotRepository,
  ModelDriftRepository,
  ModelVersionRepository,
  PredictionRepository,
  ProcessValueRepository,
  ReportRepository,
  SweepWatermarkRepository,
  VibrationDataRepository,
  VibrationDiagnosisRepository,
];
