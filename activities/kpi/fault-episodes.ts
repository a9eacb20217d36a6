// Fault episodes, MTBF and MTTR of one machine on one day, from its capture-level diagnoses (docs/KPI-AND-HEALTH.md).

const HOUR_MS = 3_600_000;

export interface EpisodePoint {
  at: number;
  faulty: boolean;
}

/** Where the sequence stands at the day's start (see KpiRepository.captureStateBefore). */
export interface EpisodeStart {
  faulty: boolean;
  /** Epoch ms: the open episode's first fault, or the start of the up time. */
  since?: number;
}

export interface EpisodeStats {
  /** Episodes that start on the day (one that spans midnight counts on the day it starts). */
  faultEpisodes: number;
  /** Mean up time before each episode that starts on the day: its first fault minus the previous repair (or the machine's first diagnosis). */
  mtbfHours?: number;
  /** Mean length of the episodes repaired on the day (first fault to first normal diagnosis after it, earlier days included). */
  mttrHours?: number;
  /** Where the sequence stands after the day: the next day's start. */
  end: EpisodeStart;
}

const meanHours = (ms: number[]) => (ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length / HOUR_MS : undefined);

/**
 * Walks the day's diagnoses in time order from the state at midnight. An episode is a run of consecutive non-normal
 * capture diagnoses; its onset is its first, its repair the first normal diagnosis after it.
 */
export function episodeStats(start: EpisodeStart | undefined, points: readonly EpisodePoint[]): EpisodeStats {
  let faulty = start?.faulty ?? false;
  let since = start?.since;
  let faultEpisodes = 0;
  const upTimes: number[] = [];
  const repairTimes: number[] = [];
  for (const p of points) {
    if (p.faulty && !faulty) {
      faultEpisodes += 1;
      if (since !== undefined) upTimes.push(p.at - since);
      faulty = true;
      since = p.at;
    } else if (!p.faulty && faulty) {
      if (since !== undefined) repairTimes.push(p.at - since);
      faulty = false;
      since = p.at;
    } else if (since === undefined) {
      since = p.at;
    }
  }
  return { faultEpisodes, mtbfHours: meanHours(upTimes), mttrHours: meanHours(repairTimes), end: { faulty, since } };
}
