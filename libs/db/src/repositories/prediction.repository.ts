import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { Prediction } from '../entities';
import type { Dialect } from '../orm-config';
import { PREDICTION_SCOPE, type ReportScope } from './report-rows';
import { summariseScope, type ScopeSummary } from './report-scope';
import { insertIgnore, sortByKey } from './sql';
import { sqlFork } from './sql-fork';

/** A forecast to store: from one observation of a lot, the fault probability and one tag's value `horizonMinutes` ahead. */
export interface PredictionDraft {
  equipmentId: number;
  lotId: number;
  tag: string;
  predictedAt: Date;
  horizonMinutes: number;
  probability: number;
  predictedValue?: number;
  /** `name@version` of the predictor: part of the natural key. */
  modelVersion: string;
  jobId?: string;
}

export interface PredictionRecord extends Omit<PredictionDraft, 'lotId'> {
  id: number;
  lotId?: number;
}

export interface PredictionFilter {
  lotId?: number;
  jobId?: string;
  tag?: string;
  from?: Date;
  to?: Date;
}

const COLUMNS = ['equipment_id', 'lot_id', 'tag', 'predicted_at', 'horizon_minutes', 'probability', 'predicted_value', 'model_version', 'job_id'] as const;

const toRecord = (p: Prediction): PredictionRecord => ({
  id: p.id,
  equipmentId: p.equipmentId,
  lotId: p.lotId ?? undefined,
  tag: p.tag,
  predictedAt: p.predictedAt,
  horizonMinutes: p.horizonMinutes,
  probability: p.probability,
  predictedValue: p.predictedValue ?? undefined,
  modelVersion: p.modelVersion,
  jobId: p.jobId ?? undefined,
});

/** Forecasts: the sweep's idempotent writes and the API's filtered pages. */
@Injectable()
export class PredictionRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Stores the forecasts whose natural key (equipment, lot, tag, predicted_at, horizon, model version) is new, in `tx`
   * when given; returns how many were new.
   */
  insertIgnore(drafts: readonly PredictionDraft[], tx?: EntityManager): Promise<number> {
    const rows = sortByKey(drafts, (d) => [d.equipmentId, d.lotId, d.tag, d.predictedAt.getTime(), d.horizonMinutes, d.modelVersion]).map((d) => [
      d.equipmentId,
      d.lotId,
      d.tag,
      d.predictedAt,
      d.horizonMinutes,
      d.probability,
      d.predictedValue ?? null,
      d.modelVersion,
      d.jobId ?? null,
    ]);
    return insertIgnore(tx ?? this.orm.em.fork(), this.dialect, 'prediction', COLUMNS, rows);
  }

  /** One page of matching forecasts, oldest first (a lot's forecasts read as a time series), and how many match in all. */
  async findPage(filter: PredictionFilter, limit: number, offset: number): Promise<{ items: PredictionRecord[]; total: number }> {
    const where: FilterQuery<Prediction> = {};
    if (filter.lotId !== undefined) where.lotId = filter.lotId;
    if (filter.jobId !== undefined) where.jobId = filter.jobId;
    if (filter.tag !== undefined) where.tag = filter.tag;
    if (filter.from || filter.to) where.predictedAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lte: filter.to }) };
    // Plain rows, not managed entities, as AnomalyRepository.findPage reads its page.
    const em = sqlFork(this.orm);
    const [rows, total] = await Promise.all([
      em.createQueryBuilder(Prediction).select('*').where(where).orderBy({ predictedAt: 'asc', id: 'asc' }).limit(limit).offset(offset).execute<Prediction[]>('all'),
      em.count(Prediction, where),
    ]);
    return { items: rows.map(toRecord), total };
  }

  /** The forecasts of a report's scope (by equipment, lot and time): counts, id bound, time span, model versions. */
  summariseForReport(scope: ReportScope): Promise<ScopeSummary> {
    return summariseScope(this.orm.em.fork(), 'prediction', PREDICTION_SCOPE, scope);
  }
}
