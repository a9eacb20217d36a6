import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** Daily KPI rollup per equipment; upserted, so any date range can be recomputed (backfill). */
@Entity({ tableName: 'kpi_equipment_daily' })
@Unique({ name: 'uq_kpi_equipment_day', properties: ['equipmentId', 'day'] })
// A range of days of every equipment (GET /kpi without `equipment`) reads this range, not the whole history.
@Index({ name: 'ix_kpi_equipment_daily_day', properties: ['day', 'equipmentId'] })
export class KpiEquipmentDaily {
  [OptionalProps]?:
    | 'windowsDiagnosed'
    | 'countNormal'
    | 'countUnbalance'
    | 'countLooseness'
    | 'countUnbalanceLooseness'
    | 'faultRate'
    | 'faultEpisodes'
    | 'anomaliesLow'
    | 'anomaliesMedium'
    | 'anomaliesHigh'
    | 'anomaliesCritical'
    | 'capturesDiagnosed'
    | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  equipmentId!: number;

  @Property({ type: 'date' })
  day!: string;

  @Property({ type: 'integer', default: 0 })
  windowsDiagnosed: number = 0;

  @Property({ type: 'integer', default: 0 })
  countNormal: number = 0;

  @Property({ type: 'integer', default: 0 })
  countUnbalance: number = 0;

  @Property({ type: 'integer', default: 0 })
  countLooseness: number = 0;

  @Property({ type: 'integer', default: 0 })
  countUnbalanceLooseness: number = 0;

  @Property({ type: 'double', default: 0 })
  faultRate: number = 0;

  /** 0 (failing) … 100 (healthy). */
  @Property({ type: 'double', nullable: true })
  healthScore?: number;

  /** Captures diagnosed (capture-level diagnoses); fault episodes and MTBF/MTTR are counted over these. */
  @Property({ type: 'integer', default: 0 })
  capturesDiagnosed: number = 0;

  /** Mean confidence of the day's capture-level diagnoses. */
  @Property({ type: 'double', nullable: true })
  meanConfidence?: number;

  @Property({ type: 'integer', default: 0 })
  faultEpisodes: number = 0;

  /** Mean hours to repair: the mean length of the day's fault episodes. */
  @Property({ type: 'double', nullable: true })
  mttrHours?: number;

  @Property({ type: 'double', nullable: true })
  mtbfHours?: number;

  @Property({ type: 'integer', default: 0 })
  anomaliesLow: number = 0;

  @Property({ type: 'integer', default: 0 })
  anomaliesMedium: number = 0;

  @Property({ type: 'integer', default: 0 })
  anomaliesHigh: number = 0;

  @Property({ type: 'integer', default: 0 })
  anomaliesCritical: number = 0;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** KPI rollup per lot: sample count, anomalies and yield. */
@Entity({ tableName: 'kpi_lot' })
export class KpiLot {
  [OptionalProps]?: 'samples' | 'anomalyCount' | 'anomalyRate' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer', unique: 'uq_kpi_lot_lot' })
  lotId!: number;

  @Property({ type: 'integer', default: 0 })
  samples: number = 0;

  @Property({ type: 'integer', default: 0 })
  anomalyCount: number = 0;

  @Property({ type: 'double', default: 0 })
  anomalyRate: number = 0;

  /** Share of samples without an anomaly. */
  @Property({ type: 'double', nullable: true })
  yield?: number;

  /** Mean fault probability the LSTM predicted over the lot. */
  @Property({ type: 'double', nullable: true })
  meanFaultProbability?: number;

  /** Time of the lot's first anomaly. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  firstAlarmAt?: Date;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
