import { Injectable } from '@nestjs/common';
import { heartbeat } from '@temporalio/activity';
import {
  addUtcDays,
  HEALTH_WINDOW_DAYS,
  healthScore,
  InvalidInputError,
  isUtcDay,
  KPI_ROLLUP_DAYS_PER_ACTIVITY,
  utcDaysBetween,
  utcDayStart,
  type DailyFaultRate,
} from '@him/contracts';
import { EquipmentKind, EquipmentRepository, KpiRepository, LotRepository, Severity, VibrationDiagnosisRepository, type EquipmentDayKpi } from '@him/db';
import { Activity } from '../activity.decorator';
import { episodeStats, type EpisodeStart } from './fault-episodes';

const DAY_MS = 86_400_000;
const COUNT_COLUMNS = ['countNormal', 'countUnbalance', 'countLooseness', 'countUnbalanceLooseness'] as const;
const SEVERITY_COLUMNS = {
  [Severity.Low]: 'anomaliesLow',
  [Severity.Medium]: 'anomaliesMedium',
  [Severity.High]: 'anomaliesHigh',
  [Severity.Critical]: 'anomaliesCritical',
} as const;

export interface KpiDaysResult {
  days: number;
  equipmentDays: number;
}

const emptyRow = (equipmentId: number, day: string): EquipmentDayKpi => ({
  ...{ equipmentId, day, windowsDiagnosed: 0, countNormal: 0, countUnbalance: 0, countLooseness: 0, countUnbalanceLooseness: 0, faultRate: 0 },
  ...{ capturesDiagnosed: 0, faultEpisodes: 0, anomaliesLow: 0, anomaliesMedium: 0, anomaliesHigh: 0, anomaliesCritical: 0 },
});

/** Activities of the `kpi-rollup` job: a few UTC days of equipment KPIs per call, then the lots in batches. */
@Injectable()
export class KpiRollupActivities {
  constructor(
    private readonly kpis: KpiRepository,
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
    private readonly diagnoses: VibrationDiagnosisRepository,
  ) {}

  /**
   * Recomputes every equipment's KPIs of the UTC days `from`..`to` (at most KPI_ROLLUP_DAYS_PER_ACTIVITY) from the
   * diagnoses and anomalies, and makes each day's rows exactly those (upsert, and delete the rows of equipment with
   * nothing that day), one transaction per day. A day's rows depend only on the stored data, never on the batch it was
   * computed in, so re-running any range writes the same rows.
   */
  @Activity()
  async rollupKpiDays(from: string, to: string): Promise<KpiDaysResult> {
    if (!isUtcDay(from) || !isUtcDay(to) || from > to || utcDaysBetween(from, to) > KPI_ROLLUP_DAYS_PER_ACTIVITY) {
      throw new InvalidInputError(`rollupKpiDays needs 1 to ${KPI_ROLLUP_DAYS_PER_ACTIVITY} days, YYYY-MM-DD (got ${from}..${to})`);
    }
    const start = new Date(utcDayStart(from));
    const end = new Date(utcDayStart(to) + DAY_MS);
    const diagnosed = await this.diagnoses.findMachines();
    // The window-level counts reach back over the health score's window before the first day.
    const [windows, captures, anomalies] = await Promise.all([
      this.kpis.windowCounts(diagnosed, new Date(utcDayStart(addUtcDays(from, 1 - HEALTH_WINDOW_DAYS))), end),
      this.kpis.captureDiagnoses(diagnosed, start, end),
      this.kpis.anomalyCounts(start, end),
    ]);

    const equipmentIds = new Map<string, number>();
    const equipmentId = async (machine: string) => {
      let id = equipmentIds.get(machine);
      if (id === undefined) {
        // Machines are named in diagnoses, equipment by id elsewhere: a machine seen only in diagnoses is registered.
        id = (await this.equipment.ensureEquipment({ code: machine, name: machine, kind: EquipmentKind.RotatingMachine })).id;
        equipmentIds.set(machine, id);
      }
      return id;
    };
    // Where each machine's capture sequence stands at the start of the next day: read before its first day here, then carried.
    const sequences = new Map<string, EpisodeStart | undefined>();

    let equipmentDays = 0;
    for (let day = from; day <= to; day = addUtcDays(day, 1)) {
      const dayStart = utcDayStart(day);
      const dayEnd = dayStart + DAY_MS;
      const todays = captures.filter((c) => c.detectedAt.getTime() >= dayStart && c.detectedAt.getTime() < dayEnd);
      const machines = [...new Set([...windows.filter((w) => w.day === day).map((w) => w.machineName), ...todays.map((c) => c.machineName)])].sort();
      const rows = new Map<number, EquipmentDayKpi>();

      for (const machine of machines) {
        const id = await equipmentId(machine);
        const r = emptyRow(id, day);
        rows.set(id, r);
        const history = new Map<number, DailyFaultRate>();
        for (const w of windows) {
          const daysAgo = Math.round((dayStart - utcDayStart(w.day)) / DAY_MS);
          if (w.machineName !== machine || daysAgo < 0 || daysAgo >= HEALTH_WINDOW_DAYS) continue;
          const h = history.get(daysAgo) ?? { daysAgo, windows: 0, faultWindows: 0 };
          h.windows += w.windows;
          if (w.faultType !== 0) h.faultWindows += w.windows;
          history.set(daysAgo, h);
          if (daysAgo === 0) {
            r.windowsDiagnosed += w.windows;
            r[COUNT_COLUMNS[w.faultType]] += w.windows;
          }
        }
        r.faultRate = r.windowsDiagnosed > 0 ? (r.windowsDiagnosed - r.countNormal) / r.windowsDiagnosed : 0;

        const points = todays.filter((p) => p.machineName === machine);
        r.capturesDiagnosed = points.length;
        const confident = points.filter((p) => p.confidence !== undefined);
        r.meanConfidence = confident.length ? confident.reduce((s, p) => s + p.confidence!, 0) / confident.length : undefined;
        if (!sequences.has(machine)) {
          const before = await this.kpis.captureStateBefore(machine, new Date(dayStart));
          sequences.set(machine, before && { faulty: before.faulty, since: (before.faulty ? before.onset : before.upSince)?.getTime() });
        }
        const { end: next, ...stats } = episodeStats(
          sequences.get(machine),
          points.map((p) => ({ at: p.detectedAt.getTime(), faulty: p.faultType !== 0 })),
        );
        sequences.set(machine, next);
        Object.assign(r, stats);
        r.healthScore = healthScore([...history.values()], r.meanConfidence)?.score;
      }

      for (const a of anomalies.filter((x) => x.day === day)) {
        const r = rows.get(a.equipmentId) ?? emptyRow(a.equipmentId, day);
        rows.set(a.equipmentId, r);
        r[SEVERITY_COLUMNS[a.severity]] += a.anomalies;
      }

      const result = [...rows.values()].sort((a, b) => a.equipmentId - b.equipmentId);
      await this.kpis.replaceDay(day, result);
      equipmentDays += result.length;
      heartbeat(day);
    }
    return { days: utcDaysBetween(from, to), equipmentDays };
  }

  /** The lots the range touches (ids only: a few hundred at most). */
  @Activity()
  async findLotsForKpi(from: string, to: string): Promise<number[]> {
    return this.lots.findIdsOverlapping(new Date(utcDayStart(from)), new Date(utcDayStart(to) + DAY_MS));
  }

  /** Recomputes and upserts the KPIs of a batch of lots; returns how many. */
  @Activity()
  async rollupKpiLots(lotIds: number[]): Promise<number> {
    return (await this.kpis.rollupLots(lotIds)).length;
  }
}
