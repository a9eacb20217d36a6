// The health score of a machine: one pure function, used by the KPI rollup (which stores it) and the health route
// (which explains it). docs/KPI-AND-HEALTH.md derives the constants.

/** Days of history the score looks at, the day scored included. */
export const HEALTH_WINDOW_DAYS = 7;
/** Half-life of a day's weight in the fault rate's exponential average, in days. */
export const HEALTH_HALF_LIFE_DAYS = 1;
/** Points lost per unit of the weighted fault rate (all windows faulty: 150, so the score bottoms out at 2/3). */
export const HEALTH_FAULT_RATE_WEIGHT = 150;
/** Points lost per unit of the fault rate's rise on the day over the weighted rate of the days before. */
export const HEALTH_TREND_WEIGHT = 50;
/** Below this mean confidence the classifier's doubt costs points… */
export const HEALTH_CONFIDENCE_FLOOR = 0.8;
/** …this many per unit below it. */
export const HEALTH_CONFIDENCE_WEIGHT = 50;

/** One day of window-level diagnoses of a machine. */
export interface DailyFaultRate {
  /** 0 for the day scored, 1 for the day before, … */
  daysAgo: number;
  windows: number;
  faultWindows: number;
}

export interface HealthScore {
  /** 0 (failing) … 100 (healthy), one decimal. */
  score: number;
  /** Exponentially weighted fault rate over the window (0…1). */
  weightedFaultRate: number;
  /** The day's fault rate minus the weighted rate of the days before it; 0 without both. */
  trend: number;
  meanConfidence?: number;
  /** Points each driver cost. */
  penalties: { faultRate: number; trend: number; confidence: number };
}

const weight = (daysAgo: number) => Math.pow(0.5, daysAgo / HEALTH_HALF_LIFE_DAYS);

function weightedRate(days: readonly DailyFaultRate[]): number | undefined {
  let sum = 0;
  let weights = 0;
  for (const d of days) {
    sum += weight(d.daysAgo) * (d.faultWindows / d.windows);
    weights += weight(d.daysAgo);
  }
  return weights > 0 ? sum / weights : undefined;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The health score of a machine on a day, from its window-level fault rates over the last HEALTH_WINDOW_DAYS days and
 * the mean confidence of the day's capture diagnoses:
 *
 *   score = clamp(100 − 150·R − 50·max(0, r₀ − R₁) − 50·max(0, 0.8 − c̄), 0, 100)
 *
 * R: the days' fault rates averaged with weights 2^(−days ago) (a day's weight halves each day), over the days with
 * windows; r₀: the day's own rate; R₁: the weighted rate of the days before it; c̄: mean confidence. Undefined when no
 * day of the window has windows.
 */
export function healthScore(history: readonly DailyFaultRate[], meanConfidence?: number): HealthScore | undefined {
  const days = history.filter((d) => d.windows > 0 && d.daysAgo >= 0 && d.daysAgo < HEALTH_WINDOW_DAYS);
  const weighted = weightedRate(days);
  if (weighted === undefined) return undefined;
  const today = days.find((d) => d.daysAgo === 0);
  const before = weightedRate(days.filter((d) => d.daysAgo > 0));
  const trend = today && before !== undefined ? today.faultWindows / today.windows - before : 0;
  const penalties = {
    faultRate: HEALTH_FAULT_RATE_WEIGHT * weighted,
    trend: HEALTH_TREND_WEIGHT * Math.max(0, trend),
    confidence: meanConfidence === undefined ? 0 : HEALTH_CONFIDENCE_WEIGHT * Math.max(0, HEALTH_CONFIDENCE_FLOOR - meanConfidence),
  };
  const score = Math.min(100, Math.max(0, 100 - penalties.faultRate - penalties.trend - penalties.confidence));
  return {
    score: round1(score),
    weightedFaultRate: weighted,
    trend,
    meanConfidence,
    penalties: { faultRate: round1(penalties.faultRate), trend: round1(penalties.trend), confidence: round1(penalties.confidence) },
  };
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

/** One sentence that names what drove a score, biggest cost first. */
export function explainHealthScore(h: HealthScore): string {
  const drivers = [
    {
      points: h.penalties.faultRate,
      text: `a weighted fault rate of ${percent(h.weightedFaultRate)} over the last ${HEALTH_WINDOW_DAYS} days costs ${h.penalties.faultRate} points`,
    },
    { points: h.penalties.trend, text: `a fault rate rising by ${percent(h.trend)} over the days before costs ${h.penalties.trend}` },
    {
      points: h.penalties.confidence,
      text: `a mean diagnosis confidence of ${h.meanConfidence?.toFixed(2)} (below ${HEALTH_CONFIDENCE_FLOOR}) costs ${h.penalties.confidence}`,
    },
  ]
    .filter((d) => d.points > 0)
    .sort((a, b) => b.points - a.points);
  if (drivers.length === 0) return `Health ${h.score}: no faulty windows in the last ${HEALTH_WINDOW_DAYS} days and confident diagnoses.`;
  return `Health ${h.score}: ${drivers.map((d) => d.text).join('; ')}.`;
}
