/** Job type `audit-retention`: deletes audit-log entries older than a cutoff, in batches. */
export const AUDIT_RETENTION_JOB = 'audit-retention';

export interface AuditRetentionInput {
  /** ISO timestamp; entries strictly older are deleted. */
  cutoff: string;
  batchSize: number;
}

export interface AuditRetentionResult {
  cutoff: string;
  deleted: number;
  batches: number;
}
