import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { DriftCheck, DriftDecision, ModelDrift, SeriesKind } from '../entities';
import type { Dialect } from '../orm-config';
import { dbJson } from '../raw-values';
import { selectRows, upsertRows } from './sql';

/** A DATE column read raw: MySQL gives 'YYYY-MM-DD' (dateStrings) or a Date, SQLite the stored text. */
const dbDay = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value)).slice(0, 10);

export interface FeaturePsi {
  feature: string;
  psi: number;
}

/** Counts per class label, per feature, per bin (see libs/ml drift). */
export type BinCounts = Record<string, number[][]>;

/** One model version's view of one series on one day (model_drift; the entity never leaves this file). */
export interface SeriesDriftRecord {
  modelName: string;
  modelVersion: string;
  seriesKind: SeriesKind;
  seriesKey: string;
  day: string;
  samples: number;
  psi: number;
  topFeatures: FeaturePsi[];
  jobId?: string;
  updatedAt: Date;
}

/** What the caller's drift measure makes of a series-day's accumulated counts. */
export interface DriftSummary {
  samples: number;
  psi: number;
  topFeatures: FeaturePsi[];
}

/** A model version's drift over all its series on one day, and what the sweep did about it (drift_check). */
export interface DriftCheckRecord {
  modelName: string;
  modelVersion: string;
  day: string;
  series: number;
  samples: number;
  psi: number;
  threshold: number;
  topFeatures: FeaturePsi[];
  decision: DriftDecision;
  reason: string;
  retrainWorkflowId?: string;
  jobId?: string;
  checkedAt: Date;
}

export type DriftCheckDraft = Omit<DriftCheckRecord, 'checkedAt'>;

const seriesRecord = (d: Omit<ModelDrift, 'counts'>): SeriesDriftRecord => ({
  modelName: d.modelName,
  modelVersion: d.modelVersion,
  seriesKind: d.seriesKind,
  seriesKey: d.seriesKey,
  day: d.day,
  samples: d.samples,
  psi: d.psi,
  topFeatures: d.topFeatures,
  jobId: d.jobId,
  updatedAt: d.updatedAt,
});

const checkRecord = (c: DriftCheck): DriftCheckRecord => ({
  modelName: c.modelName,
  modelVersion: c.modelVersion,
  day: c.day,
  series: c.series,
  samples: c.samples,
  psi: c.psi,
  threshold: c.threshold,
  topFeatures: c.topFeatures,
  decision: c.decision,
  reason: c.reason,
  retrainWorkflowId: c.retrainWorkflowId,
  jobId: c.jobId,
  checkedAt: c.checkedAt,
});

/** Feature drift per series and day (model_drift) and the daily check of each model over its series (drift_check). */
@Injectable()
export class ModelDriftRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Adds each day's counts of a batch that ends at `position` to a series' days in `tx` (the transaction that moves the
   * series' watermark past the rows counted) and stores what `summarise` makes of each total. A day already counted up
   * to `position` or beyond is left as it is: that batch was counted by an earlier or concurrent run. The rows are
   * locked while they are read (MySQL; SQLite's writer holds the database), so two writers add, never overwrite; two
   * that both insert a new day insert the same totals. Two raw statements for all the days: the sweep runs this after
   * every batch, on the worker's busiest thread, where the ORM's unit of work cost more than the SQL.
   */
  async add(
    tx: EntityManager,
    series: Pick<SeriesDriftRecord, 'modelName' | 'modelVersion' | 'seriesKind' | 'seriesKey'>,
    position: number,
    countsByDay: ReadonlyMap<string, BinCounts>,
    merge: (into: BinCounts, more: BinCounts) => BinCounts,
    summarise: (total: BinCounts) => DriftSummary,
    jobId: string,
  ): Promise<void> {
    if (countsByDay.size === 0) return;
    const connection = tx.getConnection();
    const ctx: unknown = tx.getTransactionContext();
    const days = [...countsByDay.keys()];
    const seriesValues = [series.modelName, series.modelVersion, series.seriesKind, series.seriesKey];
    const lock = this.dialect === 'mysql' ? ' FOR UPDATE' : '';
    const stored = (await connection.execute(
      `SELECT day, counts, position FROM model_drift WHERE model_name = ? AND model_version = ? AND series_kind = ? AND series_key = ? AND day IN (${days.map(() => '?').join(', ')})${lock}`,
      [...seriesValues, ...days],
      'all',
      ctx,
    )) as { day: unknown; counts: unknown; position: number | string }[];
    const before = new Map(stored.map((r) => [dbDay(r.day), { counts: dbJson<BinCounts>(r.counts)!, position: Number(r.position) }]));
    const fresh = days.filter((day) => (before.get(day)?.position ?? -1) < position);
    if (fresh.length === 0) return;
    const rows = fresh.map((day) => {
      const stored = before.get(day);
      const total = stored ? merge(stored.counts, countsByDay.get(day)!) : countsByDay.get(day)!;
      const { samples, psi, topFeatures } = summarise(total);
      return [...seriesValues, day, position, samples, JSON.stringify(total), psi, JSON.stringify(topFeatures), jobId, new Date()];
    });
    const columns = ['model_name', 'model_version', 'series_kind', 'series_key', 'day', 'position', 'samples', 'counts', 'psi', 'top_features', 'job_id', 'updated_at'];
    await upsertRows(tx, this.dialect, 'model_drift', columns.slice(0, 5), columns, rows);
  }

  /** The counts of every series of a model version (`name@version`) on the given days, raw: the judgement pools them. */
  async countsOnDays(modelVersion: string, days: readonly string[]): Promise<{ day: string; seriesKey: string; counts: BinCounts }[]> {
    if (days.length === 0) return [];
    const rows = await selectRows<{ day: unknown; series_key: string; counts: unknown }>(
      this.orm.em.fork(),
      `SELECT day, series_key, counts FROM model_drift WHERE model_name = ? AND model_version = ? AND day IN (${days.map(() => '?').join(', ')}) ORDER BY day, series_kind, series_key`,
      [modelVersion.split('@')[0], modelVersion, ...days],
    );
    return rows.map((r) => ({ day: dbDay(r.day), seriesKey: r.series_key, counts: dbJson<BinCounts>(r.counts)! }));
  }

  /** A model's series-days in [from, to] (days, inclusive), oldest first; without their counts, which only the judgement pools. */
  async seriesDrift(modelName: string, from: string, to: string): Promise<SeriesDriftRecord[]> {
    const rows = await this.orm.em
      .fork()
      .find(ModelDrift, { modelName, day: { $gte: from, $lte: to } }, { exclude: ['counts'], orderBy: { day: 'asc', modelVersion: 'asc', seriesKind: 'asc', seriesKey: 'asc' } });
    return rows.map(seriesRecord);
  }

  /** Records (or replaces: the latest sweep's word on a day stands) model versions' checks of days, in one statement. */
  async recordChecks(checks: readonly DriftCheckDraft[]): Promise<void> {
    if (checks.length === 0) return;
    const columns = [
      'model_name',
      'model_version',
      'day',
      'series',
      'samples',
      'psi',
      'threshold',
      'top_features',
      'decision',
      'reason',
      'retrain_workflow_id',
      'job_id',
      'checked_at',
    ];
    const now = new Date();
    const rows = checks.map((c) => [
      c.modelName,
      c.modelVersion,
      c.day,
      c.series,
      c.samples,
      c.psi,
      c.threshold,
      JSON.stringify(c.topFeatures),
      c.decision,
      c.reason,
      c.retrainWorkflowId ?? null,
      c.jobId ?? null,
      now,
    ]);
    await upsertRows(this.orm.em.fork(), this.dialect, 'drift_check', columns.slice(0, 3), columns, rows);
  }

  /** A model's daily checks in [from, to], oldest first. */
  async checks(modelName: string, from: string, to: string): Promise<DriftCheckRecord[]> {
    const rows = await this.orm.em.fork().find(DriftCheck, { modelName, day: { $gte: from, $lte: to } }, { orderBy: { day: 'asc', modelVersion: 'asc' } });
    return rows.map(checkRecord);
  }
}
