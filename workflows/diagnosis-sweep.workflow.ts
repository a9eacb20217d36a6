import {
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  captureStreamShardSize,
  describeJobFailure,
  jobStart,
  KPI_ROLLUP_JOB,
  plantDay,
  progressQuery,
  RETRAIN_JOB,
  SCHEDULED_START_TIME,
  SWEEP_DEFAULT_CONCURRENCY,
  SWEEP_MAX_CONCURRENCY,
  TASK_QUEUES,
  type DriftActivitiesContract,
  type DriftAssessment,
  type JobProgress,
  type JobWorkflow,
  type SeriesDiagnosisActivities,
  type SeriesRef,
  type SeriesSweepResult,
  type SweepFailure,
  type SweepInput,
  type SweepResult,
  type SweepTotals,
} from '@him/contracts';
import type { SweepActivities } from '../activities/sweep/sweep.activities';

const io = proxyActivities<SweepActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, maximumInterval: '10 seconds' },
});
// One series from its watermark to its end, heartbeating as it goes, so a dead worker is noticed within the heartbeat
// timeout, and a retry resumes at the watermark (each batch commits with its advance). After the retries the series is
// a failure. A capture stream heartbeats per capture (milliseconds of work each), a lot per model pass (seconds of
// scoring each): the lot gets a longer heartbeat timeout.
const diagnose = proxyActivities<SeriesDiagnosisActivities>({
  taskQueue: TASK_QUEUES.cpu,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

// Pools the day's drift counts per model and judges them (reads the active models' training distributions).
const driftCheck = proxyActivities<DriftActivitiesContract>({
  taskQueue: TASK_QUEUES.cpu,
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, maximumInterval: '30 seconds' },
});

const LOT_HEARTBEAT_TIMEOUT = '2 minutes' as const;
/** Series started by one run before it continues as new: ~10 history events each keep a run far below the limits. */
export const SERIES_PER_RUN = 200;
/** The patch that put capture streams several to an activity (replaying older runs keeps one each). */
const CAPTURE_STREAM_SHARDS = 'capture-stream-shards';
/** The patch that added the drift judgement after the series (replaying older runs skips it). */
const DRIFT_MONITORING = 'drift-monitoring';
/** Failures named in the result (and carried); beyond these they are counted only. */
const FAILURES_LISTED = 50;
/** A scheduled run whose schedule named no timezone takes its day in UTC. */
const FALLBACK_TIMEZONE = 'UTC';

const thousands = (n: number): string => n.toLocaleString('en-US');

/**
 * The diagnosis sweep: every series with data past its watermark (capture streams, lots), diagnosed `concurrency` at
 * a time on the CPU queue, capture streams in shards of several per activity; a series that still fails after its
 * retries (alone, after failing in its shard) is listed in `failures` and the others go on (the next sweep tries it
 * again from its watermark). Continues as new when Temporal suggests it or after
 * SERIES_PER_RUN series, carrying only series refs and totals. Then the KPI rollup of the days it touched runs as a
 * child; a failed rollup is recorded in the result (`kpi_rollup_failure`) and the log, and the sweep still completes,
 * since its diagnoses and watermarks are committed and must not be redone.
 */
export async function diagnosisSweep(input: SweepInput): Promise<SweepResult> {
  const info = workflowInfo();
  const day = input.day ?? plantDay(info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime, input.timezone ?? FALLBACK_TIMEZONE);
  // Every run of one sweep writes under the workflow id, the id GET /api/v1/jobs/{id} answers to.
  const jobId = info.workflowId;
  const progress: JobProgress = { phase: 'finding series', done: 0, total: null, unit: 'series' };
  setHandler(progressQuery, () => progress);
  setCurrentDetails(`finding series with new data (sweep for ${day})`);

  const carried = input.carried;
  const pending: SeriesRef[] = carried ? [...carried.pending] : await io.findPendingSeries.executeWithOptions({ summary: 'find series with data past their watermarks' }, []);
  const seriesTotal = carried?.seriesTotal ?? pending.length;
  const totals: SweepTotals = carried ? { ...carried.totals } : emptyTotals();
  const days = new Set(carried?.days);
  const failures: SweepFailure[] = [...(carried?.failures ?? [])];
  const concurrency = Math.min(SWEEP_MAX_CONCURRENCY, Math.max(1, Math.floor(input.concurrency ?? SWEEP_DEFAULT_CONCURRENCY)));

  const report = () => {
    const done = totals.series_done + totals.series_failed;
    const windows = `${thousands(totals.windows)} windows`;
    Object.assign(progress, {
      phase: 'diagnosing',
      done,
      total: seriesTotal,
      message: `${windows} · ${thousands(totals.items)} captures or observations · ${totals.series_failed} failed`,
    });
    setCurrentDetails(`diagnosing ${done}/${seriesTotal} series · ${windows}`);
  };
  report();

  // Capture streams go several to an activity (captureStreamShardSize); runs started before shards keep one each.
  const shardSize = patched(CAPTURE_STREAM_SHARDS) ? captureStreamShardSize(pending.filter((s) => s.kind === 'capture_stream').length, concurrency) : 1;
  let startedThisRun = 0;
  const mayStartAnother = () => pending.length > 0 && startedThisRun < SERIES_PER_RUN && !workflowInfo().continueAsNewSuggested;

  const record = (result: SeriesSweepResult) => {
    addResult(totals, result);
    result.days.forEach((d) => days.add(d));
  };
  /** One series with its own retries; one that still fails is listed and the sweep goes on. */
  const diagnoseOne = async (series: SeriesRef) => {
    try {
      // The Temporal UI names each activity by its series.
      const lot = series.kind === 'lot';
      const activity = lot ? diagnose.diagnoseLot : diagnose.diagnoseCaptureStream;
      const options = { summary: `diagnose ${lot ? 'lot' : 'capture stream'} ${series.key}`, ...(lot ? { heartbeatTimeout: LOT_HEARTBEAT_TIMEOUT } : {}) };
      record(await activity.executeWithOptions(options, [series, jobId]));
    } catch (err) {
      if (isCancellation(err)) throw err;
      totals.series_failed++;
      const reason = describeJobFailure(err).message;
      if (failures.length < FAILURES_LISTED) failures.push({ series, reason });
      log.warn('series not diagnosed', { series: `${series.kind} ${series.key}`, reason });
    }
  };
  /** A shard of capture streams in one activity; a stream that failed in it (or all, if the shard did) goes alone. */
  const diagnoseShard = async (shard: SeriesRef[]) => {
    let results: (SeriesSweepResult | null)[];
    try {
      const summary = `diagnose capture streams ${shard[0].key} … ${shard[shard.length - 1].key} (${shard.length})`;
      results = await diagnose.diagnoseCaptureStreams.executeWithOptions({ summary }, [shard, jobId]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      results = shard.map(() => null);
    }
    for (const [i, result] of results.entries()) {
      if (result) record(result);
      else await diagnoseOne(shard[i]);
    }
  };
  /** The next series to start: up to shardSize capture streams in a row, or one lot; never past SERIES_PER_RUN. */
  const takeNext = (): SeriesRef[] => {
    let n = 1;
    const most = Math.min(shardSize, SERIES_PER_RUN - startedThisRun);
    while (n < most && n < pending.length && pending[0].kind === 'capture_stream' && pending[n].kind === 'capture_stream') n++;
    startedThisRun += n;
    return pending.splice(0, n);
  };

  const lane = async () => {
    while (mayStartAnother()) {
      const next = takeNext();
      if (next.length > 1) await diagnoseShard(next);
      else await diagnoseOne(next[0]);
      report();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));

  if (pending.length > 0) {
    setCurrentDetails(`continuing as new: ${pending.length} series to go`);
    return continueAsNew<typeof diagnosisSweep>({ ...input, day, carried: { pending, totals, days: [...days].sort(), seriesTotal, failures } });
  }

  const touched = [...days].sort();
  const result: SweepResult = { day, series_total: seriesTotal, ...totals, failures, days: touched, kpi_rollup: null };
  // The drift judgement runs beside the KPI rollup: neither needs the other. Its failure fails the sweep once the
  // rollup is done (it is retried first), but an early one must not go unhandled meanwhile.
  const judging = touched.length > 0 && patched(DRIFT_MONITORING) ? judgeDrift(touched, jobId) : undefined;
  judging?.catch(() => undefined);
  if (touched.length > 0) {
    const rollupInput = { from: touched[0], to: touched[touched.length - 1], requestedBy: input.requestedBy };
    const rollup = jobStart({ type: KPI_ROLLUP_JOB, input: rollupInput });
    result.kpi_rollup = rollup.workflowId;
    Object.assign(progress, { phase: 'rolling up KPIs', message: `${rollupInput.from} → ${rollupInput.to}` });
    setCurrentDetails(`rolling up KPIs ${rollupInput.from} → ${rollupInput.to} (${rollup.workflowId})${judging ? ' and judging feature drift' : ''}`);
    try {
      await executeChild<JobWorkflow<typeof KPI_ROLLUP_JOB>>(rollup.workflowType, { ...childOf(rollup), args: [rollupInput] });
    } catch (err) {
      if (isCancellation(err)) throw err;
      result.kpi_rollup_failure = describeJobFailure(err).message;
      log.warn('KPI rollup failed; the diagnoses stay, re-run the rollup over the days', { workflowId: rollup.workflowId, reason: result.kpi_rollup_failure });
    }
  }
  if (judging) result.drift = await judging;
  const rollupNote = result.kpi_rollup_failure ? ` · KPI rollup failed: ${result.kpi_rollup_failure}` : '';
  Object.assign(progress, { phase: 'done', done: totals.series_done + totals.series_failed, total: seriesTotal, message: `${thousands(totals.windows)} windows${rollupNote}` });
  setCurrentDetails(`done: ${totals.series_done}/${seriesTotal} series · ${thousands(totals.windows)} windows · ${totals.series_failed} failed${rollupNote}`);
  return result;
}

/**
 * The drift judgement of the days touched; a retrain the policy asks for is started as a child the sweep does not wait
 * for (it outlives the sweep), under the catalogue's id, so one already running is joined, not doubled.
 */
async function judgeDrift(days: string[], jobId: string): Promise<DriftAssessment[]> {
  const assessments = await driftCheck.assessDrift.executeWithOptions({ summary: `judge feature drift of ${days.length} day(s)` }, [days, jobId]);
  return Promise.all(
    assessments.map(async (a) => {
      if (!a.retrain) return a;
      const retrain = jobStart({ type: RETRAIN_JOB, input: a.retrain });
      let started = true;
      try {
        await startChild<JobWorkflow<typeof RETRAIN_JOB>>(retrain.workflowType, { ...childOf(retrain), parentClosePolicy: ParentClosePolicy.ABANDON, args: [a.retrain] });
      } catch (err) {
        if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        started = false;
      }
      log.info('drift: retrain requested', { model: a.model, day: a.day, psi: a.psi, workflowId: retrain.workflowId, started });
      return driftCheck.recordDriftRetrain.executeWithOptions({ summary: `record the ${a.model} drift retrain` }, [a, { started, workflowId: retrain.workflowId }]);
    }),
  );
}

/** A catalogue job's id, queue, summary and search attributes as a child workflow's options. */
function childOf(start: ReturnType<typeof jobStart>) {
  return { workflowId: start.workflowId, taskQueue: start.taskQueue, staticSummary: start.staticSummary, typedSearchAttributes: start.searchAttributes };
}

function emptyTotals(): SweepTotals {
  return { series_done: 0, series_failed: 0, items: 0, windows: 0, diagnoses_written: 0, anomalies_written: 0, predictions_written: 0 };
}

function addResult(totals: SweepTotals, result: SeriesSweepResult): void {
  totals.series_done++;
  totals.items += result.items;
  totals.windows += result.windows;
  totals.diagnoses_written += result.diagnoses_written;
  totals.anomalies_written += result.anomalies_written;
  totals.predictions_written += result.predictions_written;
}
