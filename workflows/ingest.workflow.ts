import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { describeJobFailure, FILE_REJECTED, progressQuery, TASK_QUEUES, type IngestInput, type IngestPlan, type IngestResult, type JobProgress } from '@him/contracts';
import type { IngestActivities } from '../activities/ingest/ingest.activities';

const ledger = proxyActivities<IngestActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 20, maximumInterval: '10 seconds' },
});
// Validation and loading heartbeat their offset; a worker that dies is noticed within the heartbeat timeout.
const reader = proxyActivities<IngestActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 20, maximumInterval: '10 seconds' },
});

/**
 * Ingest with dedupe: fingerprint (the id is the checksum) → ledger hit answers at once → validate →
 * load chunk by chunk (each chunk commits with its ledger entry, so retries never double-count) →
 * reconcile read = inserted + duplicate + rejected → ledger row.
 */
export async function ingestWithDedupe(input: IngestInput): Promise<IngestResult> {
  const progress: JobProgress = { phase: 'fingerprint', done: 0, total: null, unit: 'rows', bytes_done: 0, bytes_total: input.bytes };
  setHandler(progressQuery, () => progress);

  const earlier = await ledger.findIngestedFile(input);
  if (earlier) {
    Object.assign(progress, { phase: 'done', done: earlier.rows_read, total: earlier.rows_read, bytes_done: input.bytes, message: 'already ingested' });
    return earlier;
  }

  const ingestId = await ledger.openIngest(input, workflowInfo().workflowId);
  try {
    progress.phase = 'validating';
    const plan: IngestPlan = await reader.validateIngestFile(ingestId, input);
    progress.phase = 'loading';
    progress.total = plan.rowsRead;
    const { target, headerLine, fileStamp } = plan;
    for (const chunk of plan.chunks) {
      await reader.loadIngestChunk({ ingestId, target, headerLine, fileStamp }, chunk, input.path);
      progress.done += chunk.rows;
      progress.bytes_done = Math.min(chunk.byteEnd, input.bytes);
    }
    progress.phase = 'reconciling';
    const result = await ledger.closeIngest({ ingestId, target, rowsRead: plan.rowsRead, chunks: plan.chunks }, input);
    progress.phase = 'done';
    return result;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure && cause.type === FILE_REJECTED) {
      // The activity already recorded the rejection; fail with its reasons, not the activity wrapper.
      progress.phase = 'rejected';
      throw cause;
    }
    // Keep the ledger honest even when cancelled: that cleanup must not be cancelled itself. The ledger names the
    // root cause, not Temporal's "Activity task failed", and an internal error only by its type (viewers read it).
    const reason = isCancellation(err) ? 'cancelled' : describeJobFailure(err).message;
    await CancellationScope.nonCancellable(() => ledger.failIngest(ingestId, reason, input));
    progress.phase = isCancellation(err) ? 'cancelled' : 'failed';
    throw err;
  }
}
