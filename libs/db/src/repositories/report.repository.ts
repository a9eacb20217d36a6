import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type FilterQuery } from '@mikro-orm/core';
import type { ReportParams } from '@him/contracts';
import { DIALECT } from '../dialect';
import { AuditLog, Report, ReportStatus, type ReportFile } from '../entities';
import type { Dialect } from '../orm-config';
import { insertIgnore } from './sql';

/** A report to create: its normalised request and who asked. */
export interface ReportDraft {
  requestKey: string;
  title: string;
  params: ReportParams;
  createdBy?: string;
}

export interface ReportFilter {
  type?: string;
  status?: ReportStatus;
  /** Created at or after / before. */
  from?: Date;
  to?: Date;
}

/** What a report was made from, recorded before its files are rendered. */
export interface ReportContents {
  dataWindow: { from: string | null; to: string | null };
  modelVersions: Record<string, string>;
  rowCounts: Record<string, number>;
  dataChecksum: string;
}

/** Who purged a report's files, for the audit log. */
export interface PurgeActor {
  actor: string;
  role?: string;
  apiKeyId?: number;
  route: string;
  requestId?: string;
}

/** `report`: one row per distinct request, its status, its published files and what it was made from. */
@Injectable()
export class ReportRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * The report of this request: created now (pending), or the one an identical request created before. Safe when
   * identical requests race: the unique request key lets one insert win and every caller reads the same row.
   */
  async open(draft: ReportDraft): Promise<{ report: Report; created: boolean }> {
    const em = this.orm.em.fork();
    const { params } = draft;
    const created = await insertIgnore(
      em,
      this.dialect,
      'report',
      ['request_key', 'type', 'title', 'status', 'period_from', 'period_to', 'params', 'created_by', 'created_at'],
      [[draft.requestKey, params.type, draft.title, ReportStatus.Pending, params.from, params.to, JSON.stringify(params), draft.createdBy ?? null, new Date()]],
    );
    return { report: await em.findOneOrFail(Report, { requestKey: draft.requestKey }), created: created === 1 };
  }

  findById(id: number): Promise<Report | null> {
    return this.orm.em.fork().findOne(Report, { id });
  }

  async findPage(filter: ReportFilter, limit: number, offset: number): Promise<{ items: Report[]; total: number }> {
    const where: FilterQuery<Report> = {};
    if (filter.type) where.type = filter.type;
    if (filter.status) where.status = filter.status;
    if (filter.from || filter.to) where.createdAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lt: filter.to }) };
    const [items, total] = await this.orm.em.fork().findAndCount(Report, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset });
    return { items, total };
  }

  /** Back to pending for a new rendering (forced, or after a failure or a purge); the old files stay listed until replaced. */
  async restart(id: number, requestedBy?: string): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(Report, { id }, { status: ReportStatus.Pending, error: null, finishedAt: null, purgedAt: null, ...(requestedBy && { createdBy: requestedBy }) });
  }

  async markRunning(id: number, workflowId: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Report, { id }, { status: ReportStatus.Running, workflowId, error: null });
  }

  async recordContents(id: number, contents: ReportContents): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Report, { id }, contents);
  }

  /** Marks the report ready with its files: the one write that makes them downloadable. */
  async publish(id: number, files: readonly ReportFile[]): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Report, { id }, { status: ReportStatus.Ready, files: [...files], finishedAt: new Date(), error: null });
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Report, { id }, { status: ReportStatus.Failed, error: error.slice(0, 2000), finishedAt: new Date() });
  }

  /** Reports created before the cutoff that still have files (ready or failed), oldest first. */
  findExpired(cutoff: Date, limit: number): Promise<Report[]> {
    return this.orm.em.fork().find(Report, { createdAt: { $lt: cutoff }, status: { $in: [ReportStatus.Ready, ReportStatus.Failed] } }, { orderBy: { id: 'asc' }, limit });
  }

  /**
   * Marks a report's files purged and records who did it in the audit log, in one transaction. The row stays with its
   * checksums and data window: the record of what was reported outlives the files. False when it was purged already.
   */
  async markPurged(id: number, by: PurgeActor): Promise<boolean> {
    return this.orm.em.fork().transactional(async (tx) => {
      const changed = await tx.nativeUpdate(Report, { id, status: { $ne: ReportStatus.Purged } }, { status: ReportStatus.Purged, purgedAt: new Date() });
      if (changed === 0) return false;
      tx.create(AuditLog, {
        at: new Date(),
        actor: by.actor,
        role: by.role,
        apiKeyId: by.apiKeyId,
        method: 'PURGE',
        path: `/api/v1/reports/${id}`,
        route: by.route,
        statusCode: 200,
        requestId: by.requestId?.slice(0, 64),
      });
      return true;
    });
  }
}
