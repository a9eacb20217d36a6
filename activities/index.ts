import type { Provider } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { AuditRetentionActivities } from './audit/audit-retention.activities';
import { BulkLoader } from './ingest/bulk-loader';
import { IngestActivities } from './ingest/ingest.activities';
import { KpiRollupActivities } from './kpi/kpi-rollup.activities';
import { MySqlBulkLoader } from './ingest/mysql-bulk-loader';
import { SqliteBulkLoader } from './ingest/sqlite-bulk-loader';
import { ReportActivities } from './report/report.activities';
import { ReportGathering } from './report/report-gathering';
import { ReportWorkbookThreads } from './report/workbook-threads';
import { RetrainActivities } from './retrain/retrain.activities';
import { CaptureDiagnosisActivities } from './sweep/capture-diagnosis.activities';
import { DriftActivities } from './sweep/drift.activities';
import { FeatureThreads } from './sweep/feature-threads';
import { LotDiagnosisActivities } from './sweep/lot-diagnosis.activities';
import { SeriesDrift } from './sweep/series-drift';
import { SweepActivities } from './sweep/sweep.activities';

export {
  AuditRetentionActivities,
  CaptureDiagnosisActivities,
  DriftActivities,
  IngestActivities,
  KpiRollupActivities,
  LotDiagnosisActivities,
  ReportActivities,
  RetrainActivities,
  SweepActivities,
};

/** Every injectable class with Temporal activities (its methods declared with `@Activity()`). */
export const ACTIVITY_CLASSES = [
  AuditRetentionActivities,
  IngestActivities,
  KpiRollupActivities,
  RetrainActivities,
  SweepActivities,
  CaptureDiagnosisActivities,
  LotDiagnosisActivities,
  DriftActivities,
  ReportActivities,
] as const;

/** What the activity classes need besides the ORM: the bulk loader of the configured database, the feature and workbook threads, the sweep's drift bookkeeping, the report gathering. */
export const ACTIVITY_DEPENDENCIES: Provider[] = [
  FeatureThreads,
  SeriesDrift,
  ReportGathering,
  ReportWorkbookThreads,
  {
    provide: BulkLoader,
    inject: [AppConfig],
    useFactory: (config: AppConfig): BulkLoader =>
      config.database.kind === 'mysql' ? new MySqlBulkLoader(config.database.url, config.worker.concurrency.io) : new SqliteBulkLoader(config.database.file),
  },
];
