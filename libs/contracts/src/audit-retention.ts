/** Job type `audit-retention`: deletes audit-log entries older than a cutoff, in batches. */
export const AUDIT_RETENTION_JOB = 'audit-retention';

/** Batches one run deletes before it continues as new: about 6 history events each, far below Temporal's limits. */
export const AUDIT_RETENTION_BATCHES_PER_RUN = 500;

export interface AuditRetentionInput {
  /** ISO timestamp; entries strictly older are deleted. */
  cutoff: string;
  batchSize: number;
  /** Default AUDIT_RETENTION_BATCHES_PER_RUN. */
  batchesPerRun?: number;
  /** What the earlier runs of this job did, handed on by continue-as-new. */
  carried?: { deleted: number; batches: number; total: number };
}

export interface AuditRetentionResult {
  cutoff: string;
  deleted: number;
  batches: number;
}
