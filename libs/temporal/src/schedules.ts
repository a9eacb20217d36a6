import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleOptions } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import type { AppConfig } from '@him/config';
import {
  jobStart,
  PROMOTION_MARGIN,
  REPORT_RETENTION_JOB,
  RETRAIN_JOB,
  RETRAINABLE_MODELS,
  SWEEP_JOB,
  WEEKLY_REPORT_JOB,
  type JobRequest,
  type RetrainableModel,
} from '@him/contracts';

/** One Temporal Schedule the platform keeps: what it starts (a job from the catalogue) and when. */
export interface ScheduleDefinition {
  id: string;
  /** The job each run starts: its type and fixed workflow input (a scheduled run reads its day from its start time). */
  job: JobRequest;
  /** Five-field cron (or a shorthand such as `@weekly`) in `timezone`'s local time. */
  cron: string;
  /** IANA timezone; Temporal matches the cron against local clock time, so 02:00 stays 02:00 across DST. */
  timezone: string;
  catchupWindowMs: number;
  /** Created paused (e.g. `retrain-<model>`); an existing schedule keeps whatever state an operator gave it. */
  paused?: boolean;
  /** What the schedule is for: its note when created, shown in the Web UI and the API. */
  purpose: string;
}

export const NIGHTLY_SWEEP_SCHEDULE = 'nightly-diagnosis-sweep';
export const WEEKLY_REPORT_SCHEDULE = 'weekly-report';
export const REPORT_RETENTION_SCHEDULE = 'report-retention';
/** `retrain-vibration-classifier`, …: one schedule per retrainable model. */
export const retrainSchedule = (model: RetrainableModel): string => `retrain-${model}`;

/**
 * Every schedule, from configuration. A new one (the weekly report, a retrain per model) is an entry here; start-up
 * creates or updates each (ensureSchedules) and the API lists and operates exactly these.
 */
export function scheduleCatalogue(config: AppConfig): ScheduleDefinition[] {
  return [
    {
      id: NIGHTLY_SWEEP_SCHEDULE,
      job: { type: SWEEP_JOB, input: { timezone: config.plantTimezone, concurrency: config.schedules.sweepConcurrency } },
      cron: config.schedules.sweepCron,
      timezone: config.plantTimezone,
      catchupWindowMs: config.schedules.catchupWindowMs,
      purpose: 'Diagnoses every series with data past its watermark, then rolls up the KPIs of the days it touched',
    },
    {
      id: WEEKLY_REPORT_SCHEDULE,
      job: { type: WEEKLY_REPORT_JOB, input: { timezone: config.plantTimezone, formats: ['pdf', 'xlsx'], lang: config.schedules.weeklyReportLang } },
      cron: config.schedules.weeklyReportCron,
      timezone: config.plantTimezone,
      catchupWindowMs: config.schedules.catchupWindowMs,
      purpose: 'Makes the report (xlsx and pdf) of the previous ISO week, Monday to Sunday in the plant timezone',
    },
    {
      id: REPORT_RETENTION_SCHEDULE,
      job: { type: REPORT_RETENTION_JOB, input: { olderThanDays: config.reportRetentionDays, batchSize: 100 } },
      cron: config.schedules.reportRetentionCron,
      timezone: config.plantTimezone,
      catchupWindowMs: config.schedules.catchupWindowMs,
      purpose: `Deletes the files of reports older than ${config.reportRetentionDays} days (REPORT_RETENTION_DAYS); their rows stay, and each purge is audited`,
    },
    ...RETRAINABLE_MODELS.map((model): ScheduleDefinition => ({
      id: retrainSchedule(model),
      job: { type: RETRAIN_JOB, input: { model, promote: 'auto', requestedBy: 'schedule' } },
      cron: config.schedules.retrainCron[model],
      timezone: config.plantTimezone,
      catchupWindowMs: config.schedules.catchupWindowMs,
      paused: config.schedules.retrainPaused,
      purpose: `Retrains ${model} on the database's data; the challenger replaces the active version only if it scores ${PROMOTION_MARGIN * 100} points better on the same held-out data`,
    })),
  ];
}

/**
 * Overlap SKIP: a run still going when the next is due means the next has nothing new to do (watermarks), and two
 * sweeps at once would only compete. Missed runs inside the catch-up window are taken once (SKIP drops the rest).
 */
export const SCHEDULE_OVERLAP = ScheduleOverlapPolicy.SKIP;

/** The Temporal schedule a definition describes. */
export function scheduleOptions(def: ScheduleDefinition): ScheduleOptions {
  const start = jobStart(def.job);
  return {
    scheduleId: def.id,
    // The cron is kept as the calendar's comment (Temporal turns cron text into calendars), so start-up can tell
    // whether the configured cron changed, and the Web UI shows it as written.
    spec: { cronExpressions: [`${def.cron} # ${def.cron}`], timezone: def.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: start.workflowType,
      taskQueue: start.taskQueue,
      // Temporal appends the scheduled time: `diagnosis-sweep-scheduled-2026-11-02T17:00:00Z`.
      workflowId: start.workflowId,
      args: [def.job.input],
      staticSummary: start.staticSummary,
      typedSearchAttributes: start.searchAttributes,
    },
    policies: { overlap: SCHEDULE_OVERLAP, catchupWindow: def.catchupWindowMs, pauseOnFailure: false },
    state: { paused: def.paused ?? false, note: def.purpose },
  };
}

/** The cron a schedule was made from (its calendar's comment), or null when it was edited into something else. */
export function describedCron(description: ScheduleDescription): string | null {
  const calendars = description.spec.calendars ?? [];
  return calendars.length === 1 && !description.spec.intervals?.length ? calendars[0].comment || null : null;
}

/** Whether a schedule already is what the definition says (when, what it starts, how it catches up). */
function isUpToDate(current: ScheduleDescription, def: ScheduleDefinition): boolean {
  const wanted = scheduleOptions(def);
  const action = current.action;
  const wantedAction = wanted.action;
  return (
    describedCron(current) === def.cron &&
    current.spec.timezone === def.timezone &&
    current.policies.overlap === SCHEDULE_OVERLAP &&
    current.policies.catchupWindow === def.catchupWindowMs &&
    action.type === 'startWorkflow' &&
    action.workflowType === wantedAction.workflowType &&
    action.taskQueue === wantedAction.taskQueue &&
    action.workflowId === wantedAction.workflowId &&
    action.staticSummary === wantedAction.staticSummary &&
    JSON.stringify(action.args) === JSON.stringify(wantedAction.args) &&
    sameSearchAttributes(action.typedSearchAttributes, jobStart(def.job).searchAttributes)
  );
}

function sameSearchAttributes(current: SearchAttributePair[] | TypedSearchAttributes | undefined, wanted: SearchAttributePair[]): boolean {
  const pairs = Array.isArray(current) ? current : (current?.getAll() ?? []);
  const key = (p: SearchAttributePair) => `${p.key.name}=${JSON.stringify(p.value)}`;
  return JSON.stringify(pairs.map(key).sort()) === JSON.stringify(wanted.map(key).sort());
}

export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates the schedule, or brings an existing one up to date (when, what, catch-up) without touching its paused state
 * or note. Safe when several processes start at once: whoever creates it first wins, the others describe and compare,
 * and an update that lost a race to another's is tried again from a fresh description.
 */
export async function ensureSchedule(client: Client, def: ScheduleDefinition): Promise<EnsureOutcome> {
  const options = scheduleOptions(def);
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  const handle = client.schedule.getHandle(def.id);
  for (let attempt = 1; ; attempt++) {
    if (isUpToDate(await handle.describe(), def)) return 'unchanged';
    try {
      await handle.update((current) => ({ ...current, spec: options.spec, action: options.action, policies: options.policies }));
      return 'updated';
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** Ensures every schedule of the catalogue; returns what happened to each. */
export async function ensureSchedules(client: Client, definitions: ScheduleDefinition[]): Promise<Record<string, EnsureOutcome>> {
  const outcomes: Record<string, EnsureOutcome> = {};
  for (const def of definitions) outcomes[def.id] = await ensureSchedule(client, def);
  return outcomes;
}

const HOUR_MS = 3_600_000;

/** The zone's UTC offset at an instant, in ms (Intl's `GMT+09:00`). */
function offsetMs(zone: string, at: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR_MS + Number(m[3]) * 60_000) : 0;
}

/**
 * Temporal matches a cron against the local clock with no DST handling: a time in the spring-forward gap does not occur
 * that night (no run), one in the fall-back overlap occurs twice (two runs). For a daily time (fixed minute and hour)
 * this names the first such night within `days` of `from`, or returns null; other crons are not checked.
 */
export function dstClockProblem(def: Pick<ScheduleDefinition, 'cron' | 'timezone'>, from = new Date(), days = 366): string | null {
  const [minute, hour] = def.cron.trim().split(/\s+/);
  if (!/^\d+$/.test(minute ?? '') || !/^\d+$/.test(hour ?? '')) return null;
  const wall = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  const firstDay = Math.floor((from.getTime() + offsetMs(def.timezone, from.getTime())) / (24 * HOUR_MS)) * 24 * HOUR_MS;
  for (let day = 0; day < days; day++) {
    // The wall-clock time as if it were UTC; the instants that show it are it minus the day's offsets.
    const local = firstDay + day * 24 * HOUR_MS + Number(hour) * HOUR_MS + Number(minute) * 60_000;
    const offsets = new Set([offsetMs(def.timezone, local - 14 * HOUR_MS), offsetMs(def.timezone, local + 14 * HOUR_MS)]);
    const instants = [...offsets].filter((o) => offsetMs(def.timezone, local - o) === o);
    const date = new Date(local).toISOString().slice(0, 10);
    if (instants.length === 0) return `${wall} does not occur in ${def.timezone} on ${date} (clocks go forward): that night has no run`;
    if (instants.length > 1) return `${wall} occurs twice in ${def.timezone} on ${date} (clocks go back): that night has two runs`;
  }
  return null;
}
