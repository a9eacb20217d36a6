import { proxyActivities, setHandler } from '@temporalio/workflow';
import { progressQuery, type AuditRetentionInput, type AuditRetentionResult, type JobProgress } from '@him/contracts';
import type { AuditRetentionActivities } from '../activities/audit/audit-retention.activities';

const acts = proxyActivities<AuditRetentionActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

/** Deletes audit-log entries older than the cutoff, in batches, so the table stays bounded. */
export async function auditRetention(input: AuditRetentionInput): Promise<AuditRetentionResult> {
  const progress: JobProgress = { phase: 'counting', done: 0, total: null, unit: 'entries' };
  setHandler(progressQuery, () => progress);

  progress.total = await acts.countExpiredAuditEntries(input.cutoff);
  progress.phase = 'deleting';
  let batches = 0;
  for (;;) {
    const deleted = await acts.purgeExpiredAuditEntries(input.cutoff, input.batchSize);
    if (deleted === 0) break;
    progress.done += deleted;
    batches += 1;
  }
  progress.phase = 'done';
  return { cutoff: input.cutoff, deleted: progress.done, batches };
}
