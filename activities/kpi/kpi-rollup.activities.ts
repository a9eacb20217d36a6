import { Injectable } from '@nestjs/common';
import { addUtcDays, HEALTH_WINDOW_DAYS, healthScore, InvalidInputError, isUtcDay, utcDayStart, type DailyFaultRate } from '@him/contracts';
import { EquipmentKind, EquipmentRepository, KpiRepository, LotRepository, Severity, type EquipmentDayKpi } from '@him/db';
import { Activity } from '../activity.decorator';
import { episodeStats } from './fault-episodes';

const DAY_MS = 86_400_000;

export interface KpiDayResult {
  day: string;
  equipmentDays: number;
}

/** Activities of the `kpi-rollup` job: one UTC day of equipment KPIs per call, then the lots in batches. */
@Injectable()
export class KpiRollupActivities {
  constructor(
    private readonly kpis: KpiRepository,
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
  ) {}

  /**
   * Recomputes every equipment's KPIs of one UTC day from the diagnoses and anomalies, and makes the day's rows exactly
   * those (upsert, and delete the rows of equipment with nothing that day). Re-running it writes the same rows.
   */
  @Activity()
  async rollupKpiDay(day: string): Promise<KpiDayResult> {
    if (!isUtcDay(day)) throw new InvalidInputError(`${day} is not a day (YYYY-MM-DD)`, [{ field: 'day', message: 'must be YYYY-MM-DD' }]);
    const dayStart = new Date(utcDayStart(day));
    const dayEnd = new Date(dayStart.getTime() + DAY_MS);
    const windowFrom = new Date(utcDayStart(addUtcDays(day, 1 - HEALTH_WINDOW_DAYS)));
    const [windows, captures, anomalies] = await Promise.all([
      this.kpis.windowCounts(windowFrom, dayEnd),
      this.kpis.captureDiagnoses(dayStart, dayEnd),
      this.kpis.anomalyCounts(dayStart, dayEnd),
    ]);

    // Machines are named in diagnoses, equipment by id in anomalies: every machine seen that day gets its row.
    const machines = new Set<string>([...windows.filter((w) => w.day === day).map((w) => w.machineName), ...captures.map((c) => c.machineName)]);
    const rows = new Map<number, EquipmentDayKpi>();
    const row = (equipmentId: number) => {
      let r = rows.get(equipmentId);
      if (!r) {
        r = {
          ...{ equipmentId, day, windowsDiagnosed: 0, countNormal: 0, countUnbalance: 0, countLooseness: 0, countUnbalanceLooseness: 0, faultRate: 0 },
          ...{ capturesDiagnosed: 0, faultEpisodes: 0, anomaliesLow: 0, anomaliesMedium: 0, anomaliesHigh: 0, anomaliesCritical: 0 },
        };
        rows.set(equipmentId, r);
      }
      return r;
    };

    for (const machine of [...machines].sort()) {
      const { id } = await this.equipment.ensureEquipment({ code: machine, name: machine, kind: EquipmentKind.RotatingMachine });
      const r = row(id);
      const history = new Map<number, DailyFaultRate>();
      for (const w of windows.filter((x) => x.machineName === machine)) {
        const daysAgo = Math.round((dayStart.getTime() - utcDayStart(w.day)) / DAY_MS);
        const h = history.get(daysAgo) ?? { daysAgo, windows: 0, faultWindows: 0 };
        h.windows += w.windows;
        if (w.faultType !== 0) h.faultWindows += w.windows;
        history.set(daysAgo, h);
        if (daysAgo === 0) {
          r.windowsDiagnosed += w.windows;
          const count = (['countNormal', 'countUnbalance', 'countLooseness', 'countUnbalanceLooseness'] as const)[w.faultType];
          r[count] += w.windows;
        }
      }
      r.faultRate = r.windowsDiagnosed > 0 ? (r.windowsDiagnosed - r.countNormal) / r.windowsDiagnosed : 0;

      const points = captures.filter((c) => c.machineName === machine);
      r.capturesDiagnosed = points.length;
      const confident = points.filter((p) => p.confidence !== undefined);
      r.meanConfidence = confident.length ? confident.reduce((s, p) => s + p.confidence!, 0) / confident.length : undefined;
      const before = await this.kpis.captureStateBefore(machine, dayStart);
      const stats = episodeStats(
        before && { faulty: before.faulty, since: (before.faulty ? before.onset : before.upSince)?.getTime() },
        points.map((p) => ({ at: p.detectedAt.getTime(), faulty: p.faultType !== 0 })),
      );
      Object.assign(r, stats);
      r.healthScore = healthScore([...history.values()], r.meanConfidence)?.score;
    }

    const severityColumn = {
      [Severity.Low]: 'anomaliesLow',
      [Severity.Medium]: 'anomaliesMedium',
      [Severity.High]: 'anomaliesHigh',
      [Severity.Critical]: 'anomaliesCritical',
    } as const;
    for (const a of anomalies) row(a.equipmentId)[severityColumn[a.severity]] += a.anomalies;

    const result = [...rows.values()].sort((a, b) => a.equipmentId - b.equipmentId);
    await this.kpis.replaceDay(day, result);
    return { day, equipmentDays: result.length };
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
