import { continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { AUDIT_RETENTION_BATCHES_PER_RUN, progressQuery, TASK_QUEUES, type AuditRetentionInput, type AuditRetentionResult, type JobProgress } from '@him/contracts';
import type { AuditRetentionActivities } from '../activities/audit/audit-retention.activities';

const acts = proxyActivities<AuditRetentionActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

/**
 * Deletes audit-log entries older than the cutoff, in batches, so the table stays bounded. A large backlog is many
 * batches: every `batchesPerRun` (or when Temporal suggests it) the run continues as new, handing on its totals, so
 * no run's history grows large.
 */
export async function auditRetention(input: AuditRetentionInput): Promise<AuditRetentionResult> {
  const progress: JobProgress = { phase: 'counting', done: input.carried?.deleted ?? 0, total: null, unit: 'entries' };
  setHandler(progressQuery, () => progress);

  // The first run counts; the runs it continues into keep its total.
  const cutoffDay = input.cutoff.slice(0, 10);
  setCurrentDetails(`counting audit entries before ${cutoffDay}`);
  progress.total = input.carried?.total ?? (await acts.countExpiredAuditEntries.executeWithOptions({ summary: `count entries before ${cutoffDay}` }, [input.cutoff]));
  progress.phase = 'deleting';
  const batchesPerRun = input.batchesPerRun ?? AUDIT_RETENTION_BATCHES_PER_RUN;
  let batches = input.carried?.batches ?? 0;
  for (let inThisRun = 0; ; inThisRun++) {
    if (inThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof auditRetention>({ ...input, carried: { deleted: progress.done, batches, total: progress.total } });
    }
    setCurrentDetails(`deleting batch ${batches + 1} · ${progress.done} of ${progress.total} entries deleted`);
    const deleted = await acts.purgeExpiredAuditEntries.executeWithOptions({ summary: `delete batch ${batches + 1} (up to ${input.batchSize})` }, [input.cutoff, input.batchSize]);
    if (deleted === 0) break;
    progress.done += deleted;
    batches += 1;
  }
  progress.phase = 'done';
  setCurrentDetails(`done · ${progress.done} entries before ${cutoffDay} deleted in ${batches} batches`);
  return { cutoff: input.cutoff, deleted: progress.done, batches };
}
