import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
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
  const file = input.fileName;
  setCurrentDetails(`checking the ledger for ${file}`);

  const earlier = await ledger.findIngestedFile.executeWithOptions({ summary: `look up ${file} in the ledger` }, [input]);
  if (earlier) {
    Object.assign(progress, { phase: 'done', done: earlier.rows_read, total: earlier.rows_read, bytes_done: input.bytes, message: 'already ingested' });
    setCurrentDetails(`already ingested · ${count(earlier.rows_read)} rows`);
    return earlier;
  }

  const ingestId = await ledger.openIngest.executeWithOptions({ summary: `open ledger entry for ${file}` }, [input, workflowInfo().workflowId]);
  try {
    progress.phase = 'validating';
    setCurrentDetails(`validating ${file}`);
    const plan: IngestPlan = await reader.validateIngestFile.executeWithOptions({ summary: `validate ${file}` }, [ingestId, input]);
    progress.phase = 'loading';
    progress.total = plan.rowsRead;
    const { target, headerLine, fileStamp } = plan;
    const chunks = plan.chunks.length;
    for (const [i, chunk] of plan.chunks.entries()) {
      setCurrentDetails(`loading chunk ${i + 1}/${chunks} · ${count(progress.done)} of ${count(plan.rowsRead)} rows`);
      await reader.loadIngestChunk.executeWithOptions({ summary: `load chunk ${i + 1}/${chunks} of ${file}` }, [{ ingestId, target, headerLine, fileStamp }, chunk, input.path]);
      progress.done += chunk.rows;
      progress.bytes_done = Math.min(chunk.byteEnd, input.bytes);
    }
    progress.phase = 'reconciling';
    setCurrentDetails(`reconciling ${count(plan.rowsRead)} rows`);
    const result = await ledger.closeIngest.executeWithOptions({ summary: `reconcile and close ${file}` }, [
      { ingestId, target, rowsRead: plan.rowsRead, chunks: plan.chunks },
      input,
    ]);
    progress.phase = 'done';
    setCurrentDetails(
      `done · ${count(result.rows_inserted)} inserted, ${count(result.rows_duplicate)} duplicate, ${count(result.rows_rejected)} rejected of ${count(result.rows_read)} rows`,
    );
    return result;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure && cause.type === FILE_REJECTED) {
      // The activity already recorded the rejection; fail with its reasons, not the activity wrapper.
      progress.phase = 'rejected';
      setCurrentDetails(`rejected: ${cause.message}`);
      throw cause;
    }
    // Keep the ledger honest even when cancelled: that cleanup must not be cancelled itself. The ledger names the
    // root cause, not Temporal's "Activity task failed", and an internal error only by its type (viewers read it).
    const reason = isCancellation(err) ? 'cancelled' : describeJobFailure(err).message;
    await CancellationScope.nonCancellable(() => ledger.failIngest.executeWithOptions({ summary: `record failure of ${file}` }, [ingestId, reason, input]));
    progress.phase = isCancellation(err) ? 'cancelled' : 'failed';
    setCurrentDetails(`${progress.phase}: ${reason}`);
    throw err;
  }
}

/** A row count as the Web UI shows it: `600,000` (no Intl: the same text on every worker). */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
