import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { addUtcDays, explainHealthScore, HEALTH_WINDOW_DAYS, healthScore, kpiPeriods, NotFoundError, utcDaysBetween } from '@him/contracts';
import { EquipmentRepository, KpiRepository, LotRepository } from '@him/db';
import { VIBRATION_CLASSES } from '@him/ml';
import { assertDayRange } from '../common/day-range';
import type { EquipmentHealthDto, KpiLotPageDto, KpiLotSearchDto, KpiPageDto, KpiSearchDto } from './kpi.dto';

const TREND_DAYS = 30;
/** Later than any diagnosis: "the latest" reads everything before it. */
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');

const today = () => new Date().toISOString().slice(0, 10);

/** Reads the KPI rollup's tables: KPIs per equipment and period, per lot, and a machine's health. */
@Injectable()
export class KpiService {
  constructor(
    private readonly kpis: KpiRepository,
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
    private readonly config: AppConfig,
  ) {}

  async list(q: KpiSearchDto): Promise<KpiPageDto> {
    const to = q.to ?? today();
    const from = q.from ?? addUtcDays(to, 1 - TREND_DAYS);
    assertDayRange(from, to, this.config.kpiMaxRangeDays);
    const only = q.equipment === undefined ? undefined : await this.named(q.equipment);
    const rows = await this.kpis.findDays({ equipmentIds: only && [only.id], from, to });
    const names = only ? new Map([[only.id, only.code]]) : await this.equipment.findCodes(rows.map((r) => r.equipmentId));

    const items = kpiPeriods(rows, names, q.granularity, { from, to });
    return { items: items.slice(q.offset, q.offset + q.limit), total: items.length };
  }

  async lotKpis(q: KpiLotSearchDto): Promise<KpiLotPageDto> {
    const only = q.equipment === undefined ? undefined : await this.named(q.equipment);
    const lots = await this.lots.findLots({ code: q.lot_code, equipmentId: only?.id });
    if (q.lot_code !== undefined && lots.length === 0) throw new NotFoundError(`No lot ${q.lot_code}`);
    const kpis = await this.kpis.findLotKpis(lots.map((l) => l.id));
    const rolled = lots.filter((l) => kpis.has(l.id));
    const page = rolled.slice(q.offset, q.offset + q.limit);
    const names = await this.equipment.findCodes(page.map((l) => l.equipmentId));
    return {
      total: rolled.length,
      items: page.map((l) => {
        const k = kpis.get(l.id)!;
        return {
          lot_code: l.code,
          equipment: names.get(l.equipmentId) ?? String(l.equipmentId),
          started_at: l.startedAt.toISOString(),
          samples: k.samples,
          anomaly_count: k.anomalyCount,
          anomaly_rate: k.anomalyRate,
          yield: k.yield ?? null,
          mean_fault_probability: k.meanFaultProbability ?? null,
          first_alarm_at: k.firstAlarmAt?.toISOString() ?? null,
          updated_at: k.updatedAt.toISOString(),
        };
      }),
    };
  }

  async health(name: string): Promise<EquipmentHealthDto> {
    const equipment = await this.named(name);
    const [latestScore, state] = await Promise.all([this.kpis.findLatestScore(equipment.id), this.kpis.captureStateBefore(equipment.code, END_OF_TIME)]);
    const day = latestScore?.day;
    const rows = day ? await this.kpis.findDays({ equipmentIds: [equipment.id], from: addUtcDays(day, 1 - TREND_DAYS), to: day }) : [];
    const latest = rows.find((r) => r.day === day);
    // The stored score, explained by the same function over the stored daily rates it was computed from.
    const history = rows
      .map((r) => ({ daysAgo: utcDaysBetween(r.day, day!) - 1, windows: r.windowsDiagnosed, faultWindows: r.windowsDiagnosed - r.countNormal }))
      .filter((h) => h.daysAgo < HEALTH_WINDOW_DAYS);
    const score = latest ? healthScore(history, latest.meanConfidence) : undefined;
    return {
      equipment: equipment.code,
      day: day ?? null,
      health_score: latest?.healthScore ?? null,
      // Every day of the 30, null where none was scored, so a chart's time axis is the trend's own.
      trend: day
        ? Array.from({ length: TREND_DAYS }, (_, i) => addUtcDays(day, i + 1 - TREND_DAYS)).map((d) => ({
            day: d,
            health_score: rows.find((r) => r.day === d)?.healthScore ?? null,
          }))
        : [],
      current_fault_type: state?.lastFaultType ?? null,
      current_fault_name: state ? VIBRATION_CLASSES[state.lastFaultType] : null,
      since: (state?.faulty ? state.onset : state?.upSince)?.toISOString() ?? null,
      last_diagnosed_at: state?.lastAt.toISOString() ?? null,
      explanation: score
        ? explainHealthScore(score)
        : `No health score for ${equipment.code} yet: it needs window-level diagnoses and a KPI rollup (POST /api/v1/jobs/kpi-rollup).`,
    };
  }

  private async named(name: string): Promise<{ id: number; code: string }> {
    const id = await this.equipment.findIdByCode(name);
    if (id === null) throw new NotFoundError(`No equipment named ${name}`);
    return { id, code: name };
  }
}
