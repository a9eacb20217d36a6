// The work's throughput as Prometheus series, recorded through the activity's Temporal metric meter: the worker's
// Prometheus exporter (WORKER_METRICS_PORT) serves them beside the SDK's own metrics, labelled with the activity's
// namespace, taskQueue and activityType; without an exporter the meter is a no-op. One record per chunk, batch or
// series pass, never per row. rows/s and windows/s are rate() of the counters; the histograms show the throughput of
// single chunks and series passes, which the rate of a partly idle worker hides.
import { metricMeter } from '@temporalio/activity';
import type { ChunkResult, IngestTarget } from '@him/contracts';

const INGEST_ROWS = 'him_ingest_rows_total';
const INGEST_CHUNK_ROWS_PER_SECOND = 'him_ingest_chunk_rows_per_second';
const SWEEP_WINDOWS = 'him_sweep_windows_total';
const SWEEP_SERIES_WINDOWS_PER_SECOND = 'him_sweep_series_windows_per_second';

/** Bucket bounds of the throughput histograms, for the exporter (the SDK's default bounds, 50 to 10,000, fit latencies in ms). */
export const THROUGHPUT_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  // A chunk of 50,000 rows loads at some thousands to a few 100,000 rows/s (the bulk loaders' measured range).
  [INGEST_CHUNK_ROWS_PER_SECOND]: [1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000],
  [SWEEP_SERIES_WINDOWS_PER_SECOND]: [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000],
};

/** A chunk just committed (not one a retry found committed): its rows by outcome, and its load's rows/s. */
export function recordIngestChunk(kind: IngestTarget['kind'], result: ChunkResult, seconds: number): void {
  const rows = metricMeter.createCounter(
    INGEST_ROWS,
    'rows',
    'Rows of ingested files by data kind and outcome (inserted, duplicate of a stored row, rejected line); TEP rows are process values, one per tag',
  );
  rows.add(result.inserted, { kind, outcome: 'inserted' });
  rows.add(result.duplicate, { kind, outcome: 'duplicate' });
  rows.add(result.rejected, { kind, outcome: 'rejected' });
  if (result.rows > 0 && seconds > 0) {
    metricMeter
      .createHistogram(INGEST_CHUNK_ROWS_PER_SECOND, 'float', 'rows/s', 'Rows per second of each chunk loaded (read, validated, written, committed)')
      .record(result.rows / seconds, { kind });
  }
}

/** Windows a model scored in a batch that committed with its watermark. */
export function recordSweepWindows(model: string, windows: number): void {
  if (windows > 0) metricMeter.createCounter(SWEEP_WINDOWS, 'windows', 'Windows the diagnosis sweep scored and committed, by model').add(windows, { model });
}

/** One series' pass by one model: its windows per second, from reading the series to the last commit. */
export function recordSweepPass(model: string, windows: number, seconds: number): void {
  if (windows > 0 && seconds > 0) {
    metricMeter
      .createHistogram(SWEEP_SERIES_WINDOWS_PER_SECOND, 'float', 'windows/s', 'Windows per second of each series a model diagnosed in a sweep')
      .record(windows / seconds, { model });
  }
}
