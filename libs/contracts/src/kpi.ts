/** Job type `kpi-rollup`: recompute the KPIs of each equipment and day, and of the lots, over a date range. */
export const KPI_ROLLUP_JOB = 'kpi-rollup';

/** Days one run rolls up before it continues as new: a handful of history events each, far below Temporal's limits. */
export const KPI_ROLLUP_DAYS_PER_RUN = 100;
/** Days rolled up per activity: each reads the diagnoses of its days and the six before them (the health score's window) once. */
export const KPI_ROLLUP_DAYS_PER_ACTIVITY = 7;
/** Lots rolled up per activity. */
export const KPI_ROLLUP_LOTS_PER_BATCH = 25;

export interface KpiRollupInput {
  /** First and last UTC day (YYYY-MM-DD), inclusive. */
  from: string;
  to: string;
  requestedBy?: string;
  /** Default KPI_ROLLUP_DAYS_PER_RUN. */
  daysPerRun?: number;
  /** What the earlier runs of a long backfill did, handed on by continue-as-new. */
  carried?: { nextDay: string; days: number; equipmentDays: number };
}

export interface KpiRollupResult {
  from: string;
  to: string;
  days: number;
  equipment_days: number;
  lots: number;
}

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True when `day` is a real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isUtcDay(day: string): boolean {
  return DAY_PATTERN.test(day) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

/** Midnight UTC of a YYYY-MM-DD day, in epoch ms. */
export const utcDayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The UTC day (YYYY-MM-DD) `days` after `day`. */
export const addUtcDays = (day: string, days: number): string => new Date(utcDayStart(day) + days * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` to `to`, both included (0 when `to` is before `from`). */
export const utcDaysBetween = (from: string, to: string): number => Math.max(0, Math.round((utcDayStart(to) - utcDayStart(from)) / DAY_MS) + 1);
