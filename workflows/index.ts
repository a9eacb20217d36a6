// Workflow code: deterministic orchestration only (see docs/ARCHITECTURE.md). Every workflow is exported here.
export { auditRetention } from './audit-retention.workflow';
