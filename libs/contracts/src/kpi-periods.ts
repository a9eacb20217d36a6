import { addUtcDays } from './kpi';

// KPIs over a period (a week, a month, a report's range) from the rollup's day rows. The API's GET /kpi and the
// reports both sum with this, so a report's Summary shows the very figures the API gives for the same range.

export const KPI_GRANULARITIES = ['day', 'week', 'month', 'range'] as const;
/** `range`: the whole requested range as one period (what a report's Summary shows). */
export type KpiGranularity = (typeof KPI_GRANULARITIES)[number];

/** One equipment's KPI row of one day, as the rollup stores it. */
export interface KpiDayFigures {
  /** YYYY-MM-DD (UTC). */
  day: string;
  windowsDiagnosed: number;
  countNormal: number;
  countUnbalance: number;
  countLooseness: number;
  countUnbalanceLooseness: number;
  healthScore?: number;
  capturesDiagnosed: number;
  meanConfidence?: number;
  faultEpisodes: number;
  mtbfHours?: number;
  mttrHours?: number;
  anomaliesLow: number;
  anomaliesMedium: number;
  anomaliesHigh: number;
  anomaliesCritical: number;
}

/** One equipment's KPIs over a period (field names as the API serves them). */
export interface KpiPeriodFigures {
  equipment: string;
  period_start: string;
  period_end: string;
  days: number;
  windows_diagnosed: number;
  count_normal: number;
  count_unbalance: number;
  count_looseness: number;
  count_unbalance_looseness: number;
  fault_rate: number;
  captures_diagnosed: number;
  mean_confidence: number | null;
  fault_episodes: number;
  mtbf_hours: number | null;
  mttr_hours: number | null;
  anomalies_low: number;
  anomalies_medium: number;
  anomalies_high: number;
  anomalies_critical: number;
  health_score: number | null;
}

/** The calendar period a day falls in: itself, its ISO week (Monday first), its month, or the whole range [from, to]. */
export function periodOf(day: string, granularity: KpiGranularity, range?: { from: string; to: string }): { start: string; end: string } {
  if (granularity === 'day') return { start: day, end: day };
  if (granularity === 'range') return range ? { start: range.from, end: range.to } : { start: day, end: day };
  if (granularity === 'week') {
    const start = addUtcDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
    return { start, end: addUtcDays(start, 6) };
  }
  const start = `${day.slice(0, 7)}-01`;
  const next = new Date(`${start}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { start, end: addUtcDays(next.toISOString().slice(0, 10), -1) };
}

/** Weighted mean over the rows that have the value (null when none has). */
function weightedMean(rows: readonly KpiDayFigures[], value: (r: KpiDayFigures) => number | undefined, weight: (r: KpiDayFigures) => number): number | null {
  let sum = 0;
  let weights = 0;
  for (const r of rows) {
    const v = value(r);
    if (v === undefined || weight(r) <= 0) continue;
    sum += v * weight(r);
    weights += weight(r);
  }
  return weights > 0 ? sum / weights : null;
}

/**
 * One equipment's KPIs over a period from its day rows (in day order): counts summed, rates recomputed from the sums,
 * means weighted by what they are means of (confidence by captures, MTBF by episodes, MTTR by max(1, episodes)), the
 * health score of the period's last scored day.
 */
export function summariseKpiPeriod(equipment: string, period: { start: string; end: string }, rows: readonly KpiDayFigures[]): KpiPeriodFigures {
  const sum = (f: (r: KpiDayFigures) => number) => rows.reduce((s, r) => s + f(r), 0);
  const windows = sum((r) => r.windowsDiagnosed);
  const normal = sum((r) => r.countNormal);
  const scored = rows.filter((r) => r.healthScore !== undefined);
  return {
    equipment,
    period_start: period.start,
    period_end: period.end,
    days: rows.length,
    windows_diagnosed: windows,
    count_normal: normal,
    count_unbalance: sum((r) => r.countUnbalance),
    count_looseness: sum((r) => r.countLooseness),
    count_unbalance_looseness: sum((r) => r.countUnbalanceLooseness),
    fault_rate: windows > 0 ? (windows - normal) / windows : 0,
    captures_diagnosed: sum((r) => r.capturesDiagnosed),
    mean_confidence: weightedMean(
      rows,
      (r) => r.meanConfidence,
      (r) => r.capturesDiagnosed,
    ),
    fault_episodes: sum((r) => r.faultEpisodes),
    mtbf_hours: weightedMean(
      rows,
      (r) => r.mtbfHours,
      (r) => r.faultEpisodes,
    ),
    mttr_hours: weightedMean(
      rows,
      (r) => r.mttrHours,
      (r) => Math.max(1, r.faultEpisodes),
    ),
    anomalies_low: sum((r) => r.anomaliesLow),
    anomalies_medium: sum((r) => r.anomaliesMedium),
    anomalies_high: sum((r) => r.anomaliesHigh),
    anomalies_critical: sum((r) => r.anomaliesCritical),
    health_score: scored.length ? scored[scored.length - 1].healthScore! : null,
  };
}

/**
 * KPIs per equipment and period from day rows of any order: grouped by period, ordered by period then equipment name.
 * `names` maps each row's equipment id to its name.
 */
export function kpiPeriods<R extends KpiDayFigures & { equipmentId: number }>(
  rows: readonly R[],
  names: ReadonlyMap<number, string>,
  granularity: KpiGranularity,
  range: { from: string; to: string },
): KpiPeriodFigures[] {
  const groups = new Map<string, { equipment: string; period: { start: string; end: string }; rows: R[] }>();
  for (const r of [...rows].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))) {
    const period = periodOf(r.day, granularity, range);
    const equipment = names.get(r.equipmentId) ?? String(r.equipmentId);
    const key = `${period.start} ${equipment}`;
    const group = groups.get(key) ?? { equipment, period, rows: [] };
    group.rows.push(r);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => (a.period.start === b.period.start ? a.equipment.localeCompare(b.equipment) : a.period.start < b.period.start ? -1 : 1))
    .map((g) => summariseKpiPeriod(g.equipment, g.period, g.rows));
}
