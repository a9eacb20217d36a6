import { Injectable } from '@nestjs/common';
import { CancelledFailure, cancellationSignal, heartbeat, log } from '@temporalio/activity';
import { InvalidInputError, parseCaptureStreamKey, type SeriesRef, type SeriesSweepResult } from '@him/contracts';
import {
  CaptureRepository,
  DiagnosisLevel,
  IngestLedgerRepository,
  SeriesKind,
  SweepWatermarkRepository,
  VibrationDiagnosisRepository,
  type CaptureRecord,
  type DiagnosisDraft,
  type FaultType,
  type WatermarkAdvance,
} from '@him/db';
import {
  featureDistributionFromModel,
  predictWindows,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSES,
  VIBRATION_CLASSIFIER_NAME,
  VIBRATION_FEATURE_COUNT,
  vibrationClassifierWindowSeconds,
  type CaptureWindows,
  type FeatureDistribution,
} from '@him/ml';
import { ServedModels } from '@him/registry';
import { Activity } from '../activity.decorator';
import { recordSweepPass, recordSweepWindows } from '../throughput-metrics';
import { FeatureThreads } from './feature-threads';
import { DriftTally, SeriesDrift } from './series-drift';

/** Captures read per query of the capture table. */
const CAPTURES_PER_PAGE = 64;
/**
 * Samples diagnosed per transaction: their captures read and featurised in the feature threads, one ORT run, one write
 * with the watermark. About 40 captures of 2 s; it bounds what a retry redoes whatever the backlog.
 */
const SAMPLES_PER_BATCH = 100_000;

/** One capture cut into windows, waiting for the batch's inference. */
interface WindowedCapture extends CaptureWindows {
  capture: CaptureRecord;
}

interface StreamProgress {
  captures: number;
  windows: number;
  written: number;
  days: Set<string>;
  dataUntil: Date | null;
}

/**
 * Diagnoses a live-capture stream with the active vibration classifier: each capture read, cut into 1 s windows (the
 * model's window, without overlap) and featurised in a feature thread, then the classifier in ORT batches, one
 * diagnosis per window and one per capture (window probabilities averaged). Writes and the watermark's advance commit
 * together, so a retry resumes at the watermark and a re-run writes nothing new (the unique key holds the model
 * version).
 *
 * The watermark belongs to the model's name, not its version: a newly promoted version diagnoses the captures that
 * arrive after its promotion; re-diagnosing older captures with it (a backfill) is a separate job.
 */
@Injectable()
export class CaptureDiagnosisActivities {
  constructor(
    private readonly captures: CaptureRepository,
    private readonly ingests: IngestLedgerRepository,
    private readonly diagnoses: VibrationDiagnosisRepository,
    private readonly watermarks: SweepWatermarkRepository,
    private readonly models: ServedModels,
    private readonly threads: FeatureThreads,
    private readonly drift: SeriesDrift,
  ) {}

  @Activity({ queue: 'cpu' })
  async diagnoseCaptureStream(series: SeriesRef, jobId: string): Promise<SeriesSweepResult> {
    if (series.kind !== 'capture_stream') throw new InvalidInputError(`${series.kind} ${series.key} is not a capture stream`);
    const { machineName, sensorNo } = parseCaptureStreamKey(series.key);
    const signal = cancellationSignal();
    return this.models.withActive(VIBRATION_CLASSIFIER_NAME, async ({ session, version, metadata }) => {
      const began = performance.now();
      const windowSeconds = vibrationClassifierWindowSeconds(metadata);
      // A model trained with its feature distribution has its drift counted; one without (an upload, say) does not.
      const distribution = featureDistributionFromModel(metadata);
      const progress: StreamProgress = { captures: 0, windows: 0, written: 0, days: new Set(), dataUntil: null };
      let after = (await this.watermarks.find(SeriesKind.CaptureStream, series.key, VIBRATION_CLASSIFIER_NAME))?.position ?? 0;
      // A batch's writes and watermark commit while the next batch is read and diagnosed; commits stay in order.
      let committing: Promise<void> = Promise.resolve();
      for (;;) {
        const page = await this.captures.findAfter(machineName, sensorNo, after, CAPTURES_PER_PAGE);
        const ready = await this.readyPrefix(page);
        for (const batch of batchesOf(ready)) {
          heartbeat({ series: series.key, capture: batch[0].id, captures: progress.captures, windows: progress.windows });
          if (signal.aborted) throw new CancelledFailure(`diagnosis of ${series.key} cancelled`);
          // The feature threads read and featurise the batch's captures, several at a time.
          const cut = batch.filter((c) => c.sampleCount > 0).map((capture) => this.threads.windowsOfCapture(capture.id, windowSeconds).then((w) => ({ ...w, capture })));
          const windowed = (await Promise.all(cut)).filter((w) => w.samples > 0);
          const { drafts, labels } = await diagnoseBatch(session, windowed, { machineName, sensorNo, modelVersion: version, jobId });
          const tally = distribution && driftTally(distribution, windowed, labels);
          const last = batch[batch.length - 1];
          const advance: WatermarkAdvance = {
            seriesKind: SeriesKind.CaptureStream,
            seriesKey: series.key,
            modelName: VIBRATION_CLASSIFIER_NAME,
            position: last.id,
            dataUntil: last.capturedAt,
            modelVersion: version,
            jobId,
          };
          const previous = committing;
          committing = (async () => {
            await previous;
            progress.written += await this.commit(drafts, advance, tally);
            for (const w of windowed) progress.days.add(w.capture.capturedAt.toISOString().slice(0, 10));
            const windows = windowed.reduce((n, w) => n + w.windows.length, 0);
            progress.captures += windowed.length;
            progress.windows += windows;
            progress.dataUntil = last.capturedAt;
            recordSweepWindows(VIBRATION_CLASSIFIER_NAME, windows);
          })();
          // A failed commit must fail the activity at its next await, not linger unhandled.
          committing.catch(() => undefined);
          after = last.id;
        }
        await committing;
        // A short page is the stream's end, or a capture still loading: the next sweep goes on from there.
        if (ready.length === 0 || ready.length < page.length) break;
      }
      recordSweepPass(VIBRATION_CLASSIFIER_NAME, progress.windows, (performance.now() - began) / 1000);
      return {
        series,
        items: progress.captures,
        windows: progress.windows,
        diagnoses_written: progress.written,
        anomalies_written: 0,
        predictions_written: 0,
        models: [version],
        days: [...progress.days].sort(),
        data_until: progress.dataUntil?.toISOString() ?? null,
      };
    });
  }

  /**
   * A shard of capture streams, one after the other (see captureStreamShardSize). A stream that fails is logged and
   * reported as null, so the others' results count and the sweep retries it alone; a cancellation ends the shard.
   */
  @Activity({ queue: 'cpu' })
  async diagnoseCaptureStreams(shard: SeriesRef[], jobId: string): Promise<(SeriesSweepResult | null)[]> {
    const results: (SeriesSweepResult | null)[] = [];
    for (const series of shard) {
      try {
        results.push(await this.diagnoseCaptureStream(series, jobId));
      } catch (err) {
        if (err instanceof CancelledFailure || cancellationSignal().aborted) throw err;
        log.warn('capture stream failed in its shard; the sweep retries it alone', { series: series.key, error: err instanceof Error ? err.message : String(err) });
        results.push(null);
      }
    }
    return results;
  }

  /**
   * Stores the diagnoses, moves the watermark past them and adds the batch's drift counts (once per batch, whoever
   * retried it), in one transaction; returns how many rows were new.
   */
  private commit(drafts: DiagnosisDraft[], advance: WatermarkAdvance, tally?: DriftTally): Promise<number> {
    return this.watermarks.transaction(async (tx) => {
      const written = await this.diagnoses.insertIgnore(drafts, tx);
      await this.watermarks.advance(tx, advance);
      if (tally) {
        const model = { name: VIBRATION_CLASSIFIER_NAME, version: advance.modelVersion! };
        await this.drift.record(tx, { kind: advance.seriesKind, key: advance.seriesKey }, model, advance.position, tally, advance.jobId!);
      }
      return written;
    });
  }

  /**
   * The captures of the page that may be diagnosed now, in id order: up to the first whose samples are still being
   * loaded (its ingest runs), so the watermark never passes a capture before it is complete. A capture whose ingest
   * failed with no sample stored has nothing to diagnose and is passed.
   */
  private async readyPrefix(page: CaptureRecord[]): Promise<CaptureRecord[]> {
    const empty = page.filter((c) => c.sampleCount === 0 && c.ingestId !== undefined).map((c) => c.ingestId!);
    const running = await this.ingests.findRunning(empty);
    const blocked = page.findIndex((c) => c.sampleCount === 0 && c.ingestId !== undefined && running.has(c.ingestId));
    return blocked < 0 ? page : page.slice(0, blocked);
  }
}

/** Consecutive captures of about SAMPLES_PER_BATCH samples (at least one capture each). */
function* batchesOf(captures: readonly CaptureRecord[]): Generator<CaptureRecord[]> {
  for (let from = 0; from < captures.length;) {
    let to = from;
    let samples = 0;
    while (to < captures.length && (to === from || samples + captures[to].sampleCount <= SAMPLES_PER_BATCH)) samples += captures[to++].sampleCount;
    yield captures.slice(from, to);
    from = to;
  }
}

/** The batch's windows counted into the classifier's training bins, each under the class it was diagnosed as, per capture day. */
function driftTally(distribution: FeatureDistribution, windowed: readonly WindowedCapture[], labels: Uint8Array): DriftTally {
  const tally = new DriftTally(distribution);
  let row = 0;
  for (const { capture, features } of windowed) {
    const first = row;
    tally.add(capture.capturedAt.toISOString().slice(0, 10), features, (r) => VIBRATION_CLASSES[labels[first + r]]);
    row += features.length / VIBRATION_FEATURE_COUNT;
  }
  return tally;
}

/** One ORT run over the batch's windows, then a diagnosis per window and per capture (probabilities averaged). */
async function diagnoseBatch(
  session: Parameters<typeof predictWindows>[0],
  windowed: readonly WindowedCapture[],
  stream: { machineName: string; sensorNo: string; modelVersion: string; jobId: string },
): Promise<{ drafts: DiagnosisDraft[]; labels: Uint8Array }> {
  const features = new Float32Array(windowed.reduce((n, w) => n + w.features.length, 0));
  windowed.reduce((offset, w) => (features.set(w.features, offset), offset + w.features.length), 0);
  const { probabilities, labels } = await predictWindows(session, features);
  const c = VIBRATION_CLASS_COUNT;
  const drafts: DiagnosisDraft[] = [];
  let row = 0;
  for (const { capture, windows, endSeconds } of windowed) {
    if (windows.length === 0) continue;
    const common = { machineName: stream.machineName, sensorNo: stream.sensorNo, modelVersion: stream.modelVersion, jobId: stream.jobId, captureId: capture.id };
    const at = (seconds: number) => new Date(capture.capturedAt.getTime() + 1000 * seconds);
    const mean = new Array<number>(c).fill(0);
    for (const w of windows) {
      const p = Array.from(probabilities.subarray(row * c, (row + 1) * c));
      p.forEach((v, k) => (mean[k] += v / windows.length));
      const windowEnd = at(w.endSeconds);
      drafts.push({
        ...common,
        level: DiagnosisLevel.Window,
        detectedAt: windowEnd,
        windowStart: at(w.startSeconds),
        windowEnd,
        faultType: labels[row] as FaultType,
        confidence: p[labels[row]],
        probabilities: p,
      });
      row++;
    }
    const faultType = mean.indexOf(Math.max(...mean)) as FaultType;
    drafts.push({
      ...common,
      level: DiagnosisLevel.Capture,
      detectedAt: at(endSeconds),
      windowStart: capture.capturedAt,
      windowEnd: at(endSeconds),
      faultType,
      confidence: mean[faultType],
      probabilities: mean,
    });
  }
  return { drafts, labels };
}
