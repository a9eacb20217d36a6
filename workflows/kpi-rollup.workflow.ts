import { ApplicationFailure, continueAsNew, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  addUtcDays,
  INVALID_INPUT,
  isUtcDay,
  KPI_ROLLUP_DAYS_PER_ACTIVITY,
  KPI_ROLLUP_DAYS_PER_RUN,
  KPI_ROLLUP_LOTS_PER_BATCH,
  progressQuery,
  TASK_QUEUES,
  utcDaysBetween,
  type JobProgress,
  type KpiRollupInput,
  type KpiRollupResult,
} from '@him/contracts';
import type { KpiRollupActivities } from '../activities/kpi/kpi-rollup.activities';

// Finding the lots and a batch of lots' KPIs are a few queries each: a worker that dies in one is noticed at the
// timeout, so it is short.
const OPTIONS = {
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, maximumInterval: '30 seconds' },
} as const;
// A batch of days heartbeats after each day: a worker that dies mid-batch is noticed within a minute.
const DAYS_OPTIONS = { ...OPTIONS, startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' } as const;
const acts = proxyActivities<KpiRollupActivities>(OPTIONS);

/**
 * KPI rollup over a range of UTC days: one activity per KPI_ROLLUP_DAYS_PER_ACTIVITY days (each upserts its days'
 * rows of every equipment, so a retried or re-run day writes the same rows), then the lots the range touches in batches. A long backfill continues
 * as new every KPI_ROLLUP_DAYS_PER_RUN days, handing on where it is and its totals.
 */
export async function kpiRollup(input: KpiRollupInput): Promise<KpiRollupResult> {
  const { from, to } = input;
  if (!isUtcDay(from) || !isUtcDay(to) || from > to) {
    throw ApplicationFailure.nonRetryable(`KPI rollup needs from <= to, both YYYY-MM-DD days (got ${from}..${to})`, INVALID_INPUT);
  }
  const totalDays = utcDaysBetween(from, to);
  const progress: JobProgress = { phase: 'days', done: input.carried?.days ?? 0, total: totalDays, unit: 'days' };
  setHandler(progressQuery, () => progress);
  let equipmentDays = input.carried?.equipmentDays ?? 0;

  const daysPerRun = input.daysPerRun ?? KPI_ROLLUP_DAYS_PER_RUN;
  let day = input.carried?.nextDay ?? from;
  for (let inThisRun = 0; day <= to;) {
    if (inThisRun >= daysPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof kpiRollup>({ ...input, carried: { nextDay: day, days: progress.done, equipmentDays } });
    }
    const batch = Math.min(KPI_ROLLUP_DAYS_PER_ACTIVITY, daysPerRun - inThisRun, utcDaysBetween(day, to));
    const last = addUtcDays(day, batch - 1);
    const span = batch === 1 ? day : `${day} … ${last}`;
    const details = `rolling up ${span} (${progress.done + batch}/${totalDays} days)`;
    progress.message = details;
    setCurrentDetails(details);
    const result = await acts.rollupKpiDays.executeWithOptions({ ...DAYS_OPTIONS, summary: `KPIs of ${span}` }, [day, last]);
    equipmentDays += result.equipmentDays;
    progress.done += result.days;
    inThisRun += result.days;
    day = addUtcDays(last, 1);
  }

  progress.phase = 'lots';
  setCurrentDetails('rolling up the lots');
  const lotIds = await acts.findLotsForKpi(from, to);
  let lots = 0;
  for (let i = 0; i < lotIds.length; i += KPI_ROLLUP_LOTS_PER_BATCH) {
    const batch = lotIds.slice(i, i + KPI_ROLLUP_LOTS_PER_BATCH);
    progress.message = `rolling up lots ${i + 1}–${i + batch.length} of ${lotIds.length}`;
    setCurrentDetails(progress.message);
    lots += await acts.rollupKpiLots.executeWithOptions({ ...OPTIONS, summary: `KPIs of ${batch.length} lots` }, [batch]);
  }

  progress.phase = 'done';
  progress.message = `${totalDays} days, ${equipmentDays} equipment-days, ${lots} lots`;
  setCurrentDetails(`done: ${progress.message}`);
  return { from, to, days: totalDays, equipment_days: equipmentDays, lots };
}
