// Workflow code: deterministic orchestration only (README, "Architecture"). Every workflow is exported here.
export { auditRetention } from './audit-retention.workflow';
export { ingestWithDedupe } from './ingest.workflow';
export { retrainModel } from './retrain.workflow';
export { diagnosisSweep } from './diagnosis-sweep.workflow';
export { kpiRollup } from './kpi-rollup.workflow';
export { generateReport, reportRetention, weeklyReport } from './report.workflow';
