// The KPI formulas (docs/KPI-AND-HEALTH.md). The health score's two promises: a machine that develops a fault falls
// below 60 within two days of its onset, and a healthy machine whose classifier misreads up to 2 % of windows stays
// above 90. Fault episodes across midnight, and the periods weeks and months aggregate over.
import { explainHealthScore, HEALTH_WINDOW_DAYS, healthScore, periodOf, type DailyFaultRate } from '@him/contracts';
import { seededRandom } from '../../libs/ml/src/random';
import { episodeStats } from '../../activities/kpi/fault-episodes';

const WINDOWS_PER_DAY = 288;

/** The score of each day of a history of daily faulty-window counts, as the rollup computes it. */
function scores(faultWindows: number[], confidence = 0.95): number[] {
  return faultWindows.map((_, day) => {
    const history: DailyFaultRate[] = [];
    for (let k = 0; k < HEALTH_WINDOW_DAYS && day - k >= 0; k++) history.push({ daysAgo: k, windows: WINDOWS_PER_DAY, faultWindows: faultWindows[day - k] });
    return healthScore(history, confidence)!.score;
  });
}

/** Each window misread with probability p. */
const noisy = (days: number, p: number, seed: number) => {
  const next = seededRandom(seed);
  return Array.from({ length: days }, () => Array.from({ length: WINDOWS_PER_DAY }, () => (next() < p ? 1 : 0) as number).reduce((a, b) => a + b, 0));
};

describe('healthScore', () => {
  it('keeps a healthy machine with up to 2 % misread windows above 90, every day of 60, for several seeds', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const s = scores(noisy(60, 0.02, seed));
      expect(Math.min(...s)).toBeGreaterThan(90);
    }
    expect(Math.min(...scores(new Array<number>(30).fill(0)))).toBe(100);
  });

  it.each([
    ['at midnight', 1],
    ['at noon', 0.5],
    ['at 22:48', 0.05],
  ])('drops a machine whose fault starts %s on day 10 below 60 within two days (by day 11)', (_when, firstDayShare) => {
    for (const faultyShare of [1, 0.9, 0.6]) {
      const history = noisy(30, 0.02, 7).map((n, day) =>
        day < 10 ? n : day === 10 ? Math.round(n * (1 - firstDayShare) + WINDOWS_PER_DAY * firstDayShare * faultyShare) : Math.round(WINDOWS_PER_DAY * faultyShare),
      );
      const s = scores(history);
      expect(Math.min(...s.slice(0, 10))).toBeGreaterThan(90);
      expect(s[11]).toBeLessThan(60);
      expect(Math.max(...s.slice(11))).toBeLessThan(60);
    }
  });

  it('recovers after a one-day surge, and penalises a rising rate and doubtful diagnoses', () => {
    const history = new Array<number>(20).fill(2);
    history[10] = Math.round(WINDOWS_PER_DAY * 0.3);
    const s = scores(history);
    expect(s[10]).toBeLessThan(s[9] - 20);
    expect(s[13]).toBeGreaterThan(90);
    const rising = healthScore([
      { daysAgo: 0, windows: 100, faultWindows: 20 },
      { daysAgo: 1, windows: 100, faultWindows: 0 },
    ])!;
    expect(rising.penalties.trend).toBeCloseTo(10, 5);
    expect(healthScore([{ daysAgo: 0, windows: 100, faultWindows: 0 }], 0.5)!.score).toBe(85);
    expect(healthScore([{ daysAgo: 0, windows: 0, faultWindows: 0 }])).toBeUndefined();
  });

  it('explains a score by its biggest cost first', () => {
    const h = healthScore(
      [
        { daysAgo: 0, windows: 100, faultWindows: 90 },
        { daysAgo: 1, windows: 100, faultWindows: 0 },
      ],
      0.6,
    )!;
    const text = explainHealthScore(h);
    expect(text.indexOf('weighted fault rate')).toBeLessThan(text.indexOf('rising'));
    expect(text.indexOf('rising')).toBeLessThan(text.indexOf('confidence'));
    expect(explainHealthScore(healthScore([{ daysAgo: 0, windows: 10, faultWindows: 0 }])!)).toMatch(/no faulty windows/);
  });
});

describe('episodeStats', () => {
  const h = 3_600_000;
  const p = (hour: number, faulty: boolean) => ({ at: hour * h, faulty });

  it('counts runs of faulty diagnoses, up time before each and the length of each repaired one', () => {
    const stats = episodeStats({ faulty: false, since: 0 }, [p(1, false), p(2, true), p(3, true), p(5, false), p(9, true), p(10, false)]);
    expect(stats).toEqual({ faultEpisodes: 2, mtbfHours: (2 + 4) / 2, mttrHours: (3 + 1) / 2, end: { faulty: false, since: 10 * h } });
  });

  it('an episode spanning midnight counts on the day it starts, its repair on the day it ends', () => {
    const evening = episodeStats({ faulty: false, since: 0 }, [p(20, false), p(23, true)]);
    expect(evening).toEqual({ faultEpisodes: 1, mtbfHours: 23, mttrHours: undefined, end: { faulty: true, since: 23 * h } });
    expect(episodeStats(evening.end, [p(25, true), p(27, false)])).toEqual({ faultEpisodes: 0, mtbfHours: undefined, mttrHours: 4, end: { faulty: false, since: 27 * h } });
  });

  it('a machine first seen faulty has no known up time before its first episode', () => {
    expect(episodeStats(undefined, [p(1, true), p(2, false), p(6, true)])).toEqual({ faultEpisodes: 2, mtbfHours: 4, mttrHours: 1, end: { faulty: true, since: 6 * h } });
  });
});

describe('periodOf (GET /kpi granularity)', () => {
  it('puts a day in its ISO week (Monday first) and its month, across year and leap-month ends', () => {
    expect(periodOf('2026-11-01', 'week')).toEqual({ start: '2026-10-26', end: '2026-11-01' });
    expect(periodOf('2026-11-02', 'week')).toEqual({ start: '2026-11-02', end: '2026-11-08' });
    expect(periodOf('2026-12-31', 'week')).toEqual({ start: '2026-12-28', end: '2027-01-03' });
    expect(periodOf('2024-02-10', 'month')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(periodOf('2026-12-31', 'month')).toEqual({ start: '2026-12-01', end: '2026-12-31' });
    expect(periodOf('2026-12-31', 'day')).toEqual({ start: '2026-12-31', end: '2026-12-31' });
    expect(periodOf('2026-12-03', 'range', { from: '2026-11-20', to: '2026-12-05' })).toEqual({ start: '2026-11-20', end: '2026-12-05' });
  });
});
