import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { KpiDayFigures } from '@him/contracts';
import { DIALECT } from '../dialect';
import { DiagnosisLevel, KpiEquipmentDaily, KpiLot, type FaultType, type Severity } from '../entities';
import type { Dialect } from '../orm-config';
import { dbDate } from '../raw-values';
import { selectRows } from './sql';
import { sqlFork } from './sql-fork';

/** One equipment's KPIs on one UTC day (kpi_equipment_daily; the entity never leaves this file): what GET /kpi and the reports sum per period. */
export interface EquipmentDayKpi extends KpiDayFigures {
  equipmentId: number;
  faultRate: number;
}

/** One lot's KPIs (kpi_lot). */
export interface LotKpi {
  lotId: number;
  samples: number;
  anomalyCount: number;
  anomalyRate: number;
  yield?: number;
  meanFaultProbability?: number;
  firstAlarmAt?: Date;
}

export interface LotKpiRecord extends LotKpi {
  updatedAt: Date;
}

/** Window-level diagnoses of a machine on a day with one fault type. */
export interface WindowCount {
  machineName: string;
  day: string;
  faultType: FaultType;
  windows: number;
}

/** A capture-level diagnosis, as the episode count reads it. */
export interface CaptureDiagnosisPoint {
  machineName: string;
  detectedAt: Date;
  faultType: FaultType;
  confidence?: number;
}

/** Where a machine's capture-level sequence stands at an instant. */
export interface CaptureState {
  /** The last diagnosis before the instant: its fault type and time. */
  lastFaultType: FaultType;
  lastAt: Date;
  /** The last diagnosis was a fault. */
  faulty: boolean;
  /** While faulty: the first diagnosis of the episode in progress. */
  onset?: Date;
  /** While normal: the end of the last episode (its first normal diagnosis), else the machine's first diagnosis. */
  upSince?: Date;
}

export interface AnomalyCount {
  equipmentId: number;
  day: string;
  severity: Severity;
  anomalies: number;
}

export interface KpiDayFilter {
  equipmentIds?: number[];
  from?: string;
  to?: string;
}

/** `d` is the newest diagnosis of its window or capture (no other model version's row came after it). */
const NEWEST = `NOT EXISTS (SELECT 1 FROM vibration_diagnosis n WHERE n.machine_name = d.machine_name AND n.detected_at = d.detected_at
  AND n.sensor_no = d.sensor_no AND n.level = d.level AND n.id > d.id)`;

const toDayKpi = (k: KpiEquipmentDaily): EquipmentDayKpi => ({
  equipmentId: k.equipmentId,
  day: k.day,
  windowsDiagnosed: k.windowsDiagnosed,
  countNormal: k.countNormal,
  countUnbalance: k.countUnbalance,
  countLooseness: k.countLooseness,
  countUnbalanceLooseness: k.countUnbalanceLooseness,
  faultRate: k.faultRate,
  healthScore: k.healthScore ?? undefined,
  capturesDiagnosed: k.capturesDiagnosed,
  meanConfidence: k.meanConfidence ?? undefined,
  faultEpisodes: k.faultEpisodes,
  mtbfHours: k.mtbfHours ?? undefined,
  mttrHours: k.mttrHours ?? undefined,
  anomaliesLow: k.anomaliesLow,
  anomaliesMedium: k.anomaliesMedium,
  anomaliesHigh: k.anomaliesHigh,
  anomaliesCritical: k.anomaliesCritical,
});

/**
 * The KPI tables (kpi_equipment_daily, kpi_lot) and the rollup's aggregate reads of the tables they summarise
 * (diagnoses, anomalies, predictions, process values): the rollup's SQL in one place, read-only on those tables.
 *
 * Several model versions may have diagnosed the same window or capture (each keeps its row); the rollup counts the
 * newest diagnosis of each (highest id), so a newer model's run replaces an older one's in the KPIs instead of
 * doubling them.
 */
@Injectable()
export class KpiRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Diagnoses of the machines at one level, the newest per window or capture, detected in [from, to). Naming the
   * machines lets both databases read ix_vibration_diagnosis_level_time as one range per machine instead of the table.
   */
  private currentDiagnoses(machines: readonly string[]): string {
    return `vibration_diagnosis d WHERE d.machine_name IN (${machines.map(() => '?').join(', ')}) AND d.level = ? AND d.detected_at >= ? AND d.detected_at < ? AND ${NEWEST}`;
  }

  private dayOf(column: string): string {
    // MySQL keeps UTC datetimes; SQLite (through MikroORM) epoch milliseconds.
    return this.dialect === 'mysql' ? `DATE_FORMAT(${column}, '%Y-%m-%d')` : `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
  }

  /** Window-level diagnoses per machine, UTC day and fault type, detected in [from, to). */
  async windowCounts(machines: readonly string[], from: Date, to: Date): Promise<WindowCount[]> {
    if (machines.length === 0) return [];
    const rows = await selectRows<{ machine_name: string; day: string; fault_type: number; windows: number | string }>(
      this.orm.em.fork(),
      `SELECT d.machine_name, ${this.dayOf('d.detected_at')} AS day, d.fault_type, COUNT(*) AS windows FROM ${this.currentDiagnoses(machines)}
       GROUP BY d.machine_name, ${this.dayOf('d.detected_at')}, d.fault_type`,
      [...machines, DiagnosisLevel.Window, from, to],
    );
    return rows.map((r) => ({ machineName: r.machine_name, day: r.day, faultType: Number(r.fault_type) as FaultType, windows: Number(r.windows) }));
  }

  /** Capture-level diagnoses detected in [from, to), per machine in time order (sensors interleaved). */
  async captureDiagnoses(machines: readonly string[], from: Date, to: Date): Promise<CaptureDiagnosisPoint[]> {
    if (machines.length === 0) return [];
    const rows = await selectRows<{ machine_name: string; detected_at: unknown; fault_type: number; confidence: number | null }>(
      this.orm.em.fork(),
      `SELECT d.machine_name, d.detected_at, d.fault_type, d.confidence FROM ${this.currentDiagnoses(machines)} ORDER BY d.machine_name, d.detected_at, d.sensor_no`,
      [...machines, DiagnosisLevel.Capture, from, to],
    );
    return rows.map((r) => ({
      machineName: r.machine_name,
      detectedAt: dbDate(r.detected_at),
      faultType: Number(r.fault_type) as FaultType,
      confidence: r.confidence === null ? undefined : Number(r.confidence),
    }));
  }

  /**
   * Where a machine's capture-level sequence stands just before `at`: in a fault episode (since when) or not (up since
   * when); undefined before its first capture diagnosis. Three index range reads on ix_vibration_diagnosis_level_time.
   */
  async captureStateBefore(machineName: string, at: Date): Promise<CaptureState | undefined> {
    const em = this.orm.em.fork();
    const base = `SELECT d.detected_at AS t FROM vibration_diagnosis d WHERE d.machine_name = ? AND d.level = ? AND d.detected_at < ? AND ${NEWEST}`;
    const params = [machineName, DiagnosisLevel.Capture, at];
    const one = async (extra: string, order: 'ASC' | 'DESC', more: unknown[] = []): Promise<Date | undefined> => {
      const rows = await selectRows<{ t: unknown }>(em, `${base}${extra} ORDER BY d.detected_at ${order} LIMIT 1`, [...params, ...more]);
      return rows.length ? dbDate(rows[0].t) : undefined;
    };
    const last = await selectRows<{ fault_type: number; detected_at: unknown }>(
      em,
      `SELECT d.fault_type, d.detected_at FROM vibration_diagnosis d WHERE d.machine_name = ? AND d.level = ? AND d.detected_at < ? AND ${NEWEST}
       ORDER BY d.detected_at DESC, d.sensor_no DESC LIMIT 1`,
      params,
    );
    if (last.length === 0) return undefined;
    const lastFaultType = Number(last[0].fault_type) as FaultType;
    const lastAt = dbDate(last[0].detected_at);
    if (lastFaultType !== 0) {
      const lastNormal = await one(' AND d.fault_type = 0', 'DESC');
      return { lastFaultType, lastAt, faulty: true, onset: await one(lastNormal ? ' AND d.detected_at > ?' : '', 'ASC', lastNormal ? [lastNormal] : []) };
    }
    const lastFault = await one(' AND d.fault_type <> 0', 'DESC');
    return { lastFaultType, lastAt, faulty: false, upSince: await one(lastFault ? ' AND d.detected_at > ?' : '', 'ASC', lastFault ? [lastFault] : []) };
  }

  /** Anomalies per equipment, UTC day and severity detected in [from, to). */
  async anomalyCounts(from: Date, to: Date): Promise<AnomalyCount[]> {
    const day = this.dayOf('detected_at');
    const rows = await selectRows<{ equipment_id: number; day: string; severity: Severity; anomalies: number | string }>(
      this.orm.em.fork(),
      `SELECT equipment_id, ${day} AS day, severity, COUNT(*) AS anomalies FROM anomaly WHERE detected_at >= ? AND detected_at < ? GROUP BY equipment_id, ${day}, severity`,
      [from, to],
    );
    return rows.map((r) => ({ equipmentId: Number(r.equipment_id), day: r.day, severity: r.severity, anomalies: Number(r.anomalies) }));
  }

  /** Makes the day's rows exactly `rows`: upserts them and deletes the day's rows of any other equipment, in one transaction. */
  async replaceDay(day: string, rows: readonly EquipmentDayKpi[]): Promise<void> {
    await sqlFork(this.orm).transactional(async (tx) => {
      const ids = rows.map((r) => r.equipmentId);
      await tx.nativeDelete(KpiEquipmentDaily, ids.length ? { day, equipmentId: { $nin: ids } } : { day });
      if (rows.length === 0) return;
      const updatedAt = new Date();
      const values = rows.map((r) => ({
        ...r,
        healthScore: r.healthScore ?? null,
        meanConfidence: r.meanConfidence ?? null,
        mtbfHours: r.mtbfHours ?? null,
        mttrHours: r.mttrHours ?? null,
        updatedAt,
      }));
      await tx.createQueryBuilder(KpiEquipmentDaily).insert(values).onConflict(['equipmentId', 'day']).merge().execute();
    });
  }

  /**
   * Daily rows in day order, then equipment: along uq_kpi_equipment_day for named equipment, else ix_kpi_equipment_daily_day.
   * Read as plain rows, not managed entities: hydrating a plant's half year (910 rows) took 20–30 ms of the API's 25.
   */
  async findDays(filter: KpiDayFilter): Promise<EquipmentDayKpi[]> {
    const where: Record<string, unknown> = {};
    if (filter.equipmentIds) where.equipmentId = { $in: filter.equipmentIds };
    if (filter.from || filter.to) where.day = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
    const rows = await sqlFork(this.orm)
      .createQueryBuilder(KpiEquipmentDaily)
      .select('*')
      .where(where)
      .orderBy({ day: 'asc', equipmentId: 'asc' })
      .execute<KpiEquipmentDaily[]>('all');
    return rows.map(toDayKpi);
  }

  /** The latest day with a health score of one equipment, and that score. */
  async findLatestScore(equipmentId: number): Promise<{ day: string; healthScore: number } | undefined> {
    const row = await this.orm.em.fork().findOne(KpiEquipmentDaily, { equipmentId, healthScore: { $ne: null } }, { fields: ['day', 'healthScore'], orderBy: { day: 'desc' } });
    return row ? { day: row.day, healthScore: row.healthScore! } : undefined;
  }

  /** Computes the KPIs of the lots from their process values, anomalies and predictions, and upserts them. */
  async rollupLots(lotIds: readonly number[]): Promise<LotKpi[]> {
    if (lotIds.length === 0) return [];
    const em = this.orm.em.fork();
    const marks = lotIds.map(() => '?').join(', ');
    // An observation flagged by several methods or model versions is one anomalous sample.
    const [samples, anomalies, predictions] = await Promise.all([
      selectRows<{ lot_id: number; samples: number | string }>(
        em,
        `SELECT lot_id, COUNT(DISTINCT measured_at) AS samples FROM process_value WHERE lot_id IN (${marks}) GROUP BY lot_id`,
        lotIds,
      ),
      selectRows<{ lot_id: number; anomalies: number | string; first_at: unknown }>(
        em,
        `SELECT lot_id, COUNT(DISTINCT detected_at) AS anomalies, MIN(detected_at) AS first_at FROM anomaly WHERE lot_id IN (${marks}) GROUP BY lot_id`,
        lotIds,
      ),
      selectRows<{ lot_id: number; probability: number | string | null }>(
        em,
        `SELECT lot_id, AVG(probability) AS probability FROM prediction WHERE lot_id IN (${marks}) GROUP BY lot_id`,
        lotIds,
      ),
    ]);
    const byLot = <R extends { lot_id: number }>(rows: R[]) => new Map(rows.map((r) => [Number(r.lot_id), r]));
    const s = byLot(samples);
    const a = byLot(anomalies);
    const p = byLot(predictions);
    const kpis: LotKpi[] = lotIds.map((lotId) => {
      const n = Number(s.get(lotId)?.samples ?? 0);
      const alarms = Number(a.get(lotId)?.anomalies ?? 0);
      const probability = p.get(lotId)?.probability;
      const firstAt = a.get(lotId)?.first_at;
      return {
        lotId,
        samples: n,
        anomalyCount: alarms,
        // An anomaly outside the lot's stored samples still counts against it; the rate stays within 0…1.
        anomalyRate: n > 0 ? Math.min(1, alarms / n) : 0,
        yield: n > 0 ? Math.max(0, 1 - alarms / n) : undefined,
        meanFaultProbability: probability === null || probability === undefined ? undefined : Number(probability),
        firstAlarmAt: firstAt === null || firstAt === undefined ? undefined : dbDate(firstAt),
      };
    });
    const updatedAt = new Date();
    await sqlFork(this.orm)
      .createQueryBuilder(KpiLot)
      .insert(
        kpis.map((k) => ({
          ...k,
          yield: k.yield ?? null,
          meanFaultProbability: k.meanFaultProbability ?? null,
          firstAlarmAt: k.firstAlarmAt ?? null,
          updatedAt,
        })),
      )
      .onConflict(['lotId'])
      .merge()
      .execute();
    return kpis;
  }

  /** The stored KPIs of these lots (those rolled up), by lot id. */
  async findLotKpis(lotIds: readonly number[]): Promise<Map<number, LotKpiRecord>> {
    if (lotIds.length === 0) return new Map();
    const rows = await this.orm.em.fork().find(KpiLot, { lotId: { $in: [...lotIds] } });
    return new Map(
      rows.map((k) => [
        k.lotId,
        {
          lotId: k.lotId,
          samples: k.samples,
          anomalyCount: k.anomalyCount,
          anomalyRate: k.anomalyRate,
          yield: k.yield ?? undefined,
          meanFaultProbability: k.meanFaultProbability ?? undefined,
          firstAlarmAt: k.firstAlarmAt ?? undefined,
          updatedAt: k.updatedAt,
        },
      ]),
    );
  }
}
