import { Inject, Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { DriftCheck, DriftDecision, ModelDrift, SeriesKind } from '../entities';
import type { Dialect } from '../orm-config';

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
  counts: BinCounts;
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

const seriesRecord = (d: ModelDrift): SeriesDriftRecord => ({
  modelName: d.modelName,
  modelVersion: d.modelVersion,
  seriesKind: d.seriesKind,
  seriesKey: d.seriesKey,
  day: d.day,
  samples: d.samples,
  counts: d.counts,
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
   * Adds counts to a series-day in `tx` (the transaction that moves the series' watermark past the rows counted) and
   * stores what `summarise` makes of the total. The row is locked while it is read (MySQL; SQLite's writer holds the
   * database), so two writers add, never overwrite.
   */
  async add(
    tx: EntityManager,
    key: Pick<SeriesDriftRecord, 'modelName' | 'modelVersion' | 'seriesKind' | 'seriesKey' | 'day'>,
    counts: BinCounts,
    merge: (into: BinCounts, more: BinCounts) => BinCounts,
    summarise: (total: BinCounts) => DriftSummary,
    jobId: string,
  ): Promise<void> {
    const found = await tx.findOne(ModelDrift, key, this.dialect === 'mysql' ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    const total = found ? merge(structuredClone(found.counts), counts) : counts;
    const summary = summarise(total);
    if (found) {
      Object.assign(found, { counts: total, samples: summary.samples, psi: summary.psi, topFeatures: summary.topFeatures, jobId });
    } else {
      tx.persist(tx.create(ModelDrift, { ...key, counts: total, samples: summary.samples, psi: summary.psi, topFeatures: summary.topFeatures, jobId }));
    }
    await tx.flush();
  }

  /** Every series-day of a model (any version) on the given days. */
  async onDays(modelName: string, days: readonly string[]): Promise<SeriesDriftRecord[]> {
    if (days.length === 0) return [];
    const rows = await this.orm.em.fork().find(ModelDrift, { modelName, day: { $in: [...days] } }, { orderBy: { day: 'asc', seriesKey: 'asc' } });
    return rows.map(seriesRecord);
  }

  /** A model's series-days in [from, to] (days, inclusive), oldest first. */
  async seriesDrift(modelName: string, from: string, to: string): Promise<SeriesDriftRecord[]> {
    const rows = await this.orm.em
      .fork()
      .find(ModelDrift, { modelName, day: { $gte: from, $lte: to } }, { orderBy: { day: 'asc', modelVersion: 'asc', seriesKind: 'asc', seriesKey: 'asc' } });
    return rows.map(seriesRecord);
  }

  /** Records (or replaces: the latest sweep's word on a day stands) a model version's check of one day. */
  async recordCheck(check: DriftCheckDraft): Promise<void> {
    const em = this.orm.em.fork();
    await em.upsert(DriftCheck, { ...check, checkedAt: new Date() }, { onConflictFields: ['modelName', 'modelVersion', 'day'], onConflictAction: 'merge' });
  }

  /** A model's daily checks in [from, to], oldest first. */
  async checks(modelName: string, from: string, to: string): Promise<DriftCheckRecord[]> {
    const rows = await this.orm.em.fork().find(DriftCheck, { modelName, day: { $gte: from, $lte: to } }, { orderBy: { day: 'asc', modelVersion: 'asc' } });
    return rows.map(checkRecord);
  }
}
