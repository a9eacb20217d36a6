import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { Anomaly, type AnomalyMethod, type ProbableFault, type Severity, type TagContribution } from '../entities';
import type { Dialect } from '../orm-config';
import { dbJson } from '../raw-values';
import { ANOMALY_SCOPE, type ReportScope } from './report-rows';
import { summariseScope, type ScopeSummary } from './report-scope';
import { insertIgnore, sortByKey } from './sql';
import { sqlFork } from './sql-fork';

/** An alarm to store (what a detector found at one observation). */
export interface AnomalyDraft {
  equipmentId: number;
  lotId: number;
  detectedAt: Date;
  method: AnomalyMethod;
  score: number;
  severity: Severity;
  topTags: TagContribution[];
  /** When a fault identifier was served: the fault the alarm most resembles. */
  probableFault?: ProbableFault;
  windowStart: Date;
  windowEnd: Date;
  /** `name@version` of the detector: part of the natural key. */
  modelVersion: string;
  jobId?: string;
}

/** A stored anomaly, as read. */
export interface AnomalyRecord {
  id: number;
  equipmentId: number;
  lotId?: number;
  detectedAt: Date;
  method: AnomalyMethod;
  score: number;
  severity: Severity;
  topTags: TagContribution[];
  probableFault?: ProbableFault;
  windowStart?: Date;
  windowEnd?: Date;
  modelVersion: string;
  jobId?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: Date;
  note?: string;
}

export interface AnomalyFilter {
  equipmentId?: number;
  lotId?: number;
  from?: Date;
  to?: Date;
  severity?: Severity;
  acknowledged?: boolean;
}

export interface Acknowledgement {
  by: string;
  at: Date;
  note?: string;
}

const COLUMNS = [
  'equipment_id',
  'lot_id',
  'detected_at',
  'method',
  'score',
  'severity',
  'top_tags',
  'probable_fault',
  'window_start',
  'window_end',
  'model_version',
  'job_id',
] as const;

const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'] as Severity[];

function inScope(scope: ReportScope) {
  return {
    detectedAt: { $gte: scope.from, $lt: scope.to },
    ...(scope.equipmentIds && { equipmentId: { $in: [...scope.equipmentIds] } }),
    ...(scope.lotIds && { lotId: { $in: [...scope.lotIds] } }),
  };
}

/** An anomaly as the ORM hands it over: a managed entity, or a plain row whose JSON may still be text. */
type AnomalyRow = Omit<Anomaly, 'topTags' | 'probableFault'> & { topTags?: unknown; probableFault?: unknown };

const toRecord = (a: AnomalyRow): AnomalyRecord => ({
  id: a.id,
  equipmentId: a.equipmentId,
  lotId: a.lotId ?? undefined,
  detectedAt: a.detectedAt,
  method: a.method,
  score: a.score,
  severity: a.severity,
  topTags: dbJson<TagContribution[]>(a.topTags) ?? [],
  probableFault: dbJson<ProbableFault>(a.probableFault) ?? undefined,
  windowStart: a.windowStart ?? undefined,
  windowEnd: a.windowEnd ?? undefined,
  modelVersion: a.modelVersion,
  jobId: a.jobId ?? undefined,
  acknowledgedBy: a.acknowledgedBy ?? undefined,
  acknowledgedAt: a.acknowledgedAt ?? undefined,
  note: a.note ?? undefined,
});

/** Process anomalies: the sweep's idempotent writes, the API's filtered pages and acknowledgements. */
@Injectable()
export class AnomalyRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Stores the anomalies whose natural key (equipment, lot, method, detected_at, model version) is new, in `tx` when
   * given; returns how many were new. A re-run of the same model over the same observations stores nothing.
   */
  insertIgnore(drafts: readonly AnomalyDraft[], tx?: EntityManager): Promise<number> {
    const rows = sortByKey(drafts, (d) => [d.equipmentId, d.lotId, d.method, d.detectedAt.getTime(), d.modelVersion]).map((d) => [
      d.equipmentId,
      d.lotId,
      d.detectedAt,
      d.method,
      d.score,
      d.severity,
      JSON.stringify(d.topTags),
      d.probableFault ? JSON.stringify(d.probableFault) : null,
      d.windowStart,
      d.windowEnd,
      d.modelVersion,
      d.jobId ?? null,
    ]);
    return insertIgnore(tx ?? this.orm.em.fork(), this.dialect, 'anomaly', COLUMNS, rows);
  }

  /** One page of matching anomalies, newest first, and how many match in all. */
  async findPage(filter: AnomalyFilter, limit: number, offset: number): Promise<{ items: AnomalyRecord[]; total: number }> {
    const where: FilterQuery<Anomaly> = {};
    if (filter.equipmentId !== undefined) where.equipmentId = filter.equipmentId;
    if (filter.lotId !== undefined) where.lotId = filter.lotId;
    if (filter.from || filter.to) where.detectedAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lte: filter.to }) };
    if (filter.severity) where.severity = filter.severity;
    if (filter.acknowledged !== undefined) where.acknowledgedAt = filter.acknowledged ? { $ne: null } : null;
    // Plain rows, not managed entities: hydrating a page of 100 (JSON included) took twice the SQL's time.
    const em = sqlFork(this.orm);
    const [rows, total] = await Promise.all([
      em.createQueryBuilder(Anomaly).select('*').where(where).orderBy({ detectedAt: 'desc', id: 'desc' }).limit(limit).offset(offset).execute<AnomalyRow[]>('all'),
      em.count(Anomaly, where),
    ]);
    return { items: rows.map(toRecord), total };
  }

  async findById(id: number): Promise<AnomalyRecord | null> {
    const found = await this.orm.em.fork().findOne(Anomaly, { id });
    return found ? toRecord(found) : null;
  }

  /** Records the first acknowledgement of an anomaly; false when it does not exist or is acknowledged already. */
  async acknowledge(id: number, ack: Acknowledgement): Promise<boolean> {
    const changed = await this.orm.em.fork().nativeUpdate(Anomaly, { id, acknowledgedAt: null }, { acknowledgedBy: ack.by, acknowledgedAt: ack.at, note: ack.note ?? null });
    return changed === 1;
  }

  /** The anomalies of a report's scope (by equipment, lot and detection time): counts, id bound, time span, detector versions. */
  summariseForReport(scope: ReportScope): Promise<ScopeSummary> {
    return summariseScope(this.orm.em.fork(), 'anomaly', ANOMALY_SCOPE, scope);
  }

  /** The most severe anomalies of a report's scope (critical first, then by score), at most `limit`. */
  async findMostSevere(scope: ReportScope, maxId: number, limit: number): Promise<AnomalyRecord[]> {
    const found: AnomalyRecord[] = [];
    for (const severity of [...SEVERITY_ORDER].reverse()) {
      if (found.length >= limit) break;
      const rows = await sqlFork(this.orm)
        .createQueryBuilder(Anomaly)
        .select('*')
        .where({ ...inScope(scope), severity, id: { $lte: maxId } })
        .orderBy({ score: 'desc', id: 'asc' })
        .limit(limit - found.length)
        .execute<AnomalyRow[]>('all');
      found.push(...rows.map(toRecord));
    }
    return found;
  }
}
