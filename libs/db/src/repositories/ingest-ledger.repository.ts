import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { RejectedLine } from '@him/contracts';
import { Ingest, IngestChunkEntry, IngestKind, IngestRejection, IngestStatus } from '../entities/ingest.entity';
import { INGEST_SCOPE, type ReportScope } from './report-rows';
import { summariseScope, type ScopeSummary } from './report-scope';
import { sqlFork } from './sql-fork';

const REJECTIONS_PER_INSERT = 1000;

/** What an ingest attempt is opened with. */
export interface IngestOpening {
  checksum: string;
  fileName: string;
  kind: IngestKind;
  bytes: number;
  workflowId: string;
  params: Record<string, unknown>;
}

export interface IngestLedgerFilter {
  status?: IngestStatus;
  kind?: IngestKind;
  /** The ingest a job ran: a rejected file's job has no result, only its ledger row. */
  workflowId?: string;
  limit: number;
}

/** The committed chunks of an ingest, summed. */
export interface ChunkTotals {
  chunks: number;
  read: number;
  inserted: number;
  duplicate: number;
  rejected: number;
}

/**
 * The ingest ledger: `ingest` (one row per file content), `ingest_rejection` (lines refused under an error budget)
 * and the reading side of `ingest_chunk` (the bulk loaders write a chunk's row in the transaction of its rows).
 */
@Injectable()
export class IngestLedgerRepository {
  constructor(private readonly orm: MikroORM) {}

  findById(id: number): Promise<Ingest | null> {
    return this.orm.em.fork().findOne(Ingest, { id });
  }

  findSucceeded(checksum: string): Promise<Ingest | null> {
    return this.orm.em.fork().findOne(Ingest, { checksum, status: IngestStatus.Succeeded });
  }

  list(filter: IngestLedgerFilter): Promise<Ingest[]> {
    return this.orm.em.fork().find(Ingest, { status: filter.status, kind: filter.kind, workflowId: filter.workflowId }, { orderBy: { id: 'desc' }, limit: filter.limit });
  }

  /**
   * Creates the ledger row of this content, or resets an earlier failed or rejected attempt (its chunks and
   * rejected lines go). Returns the row's id, or null when the content is already ingested.
   */
  async open(opening: IngestOpening): Promise<number | null> {
    const em = this.orm.em.fork();
    const { checksum, fileName, kind, bytes, workflowId, params } = opening;
    const ingest = await em.findOne(Ingest, { checksum });
    if (ingest?.status === IngestStatus.Succeeded) return null;
    if (ingest) {
      await em.nativeDelete(IngestChunkEntry, { ingestId: ingest.id });
      await em.nativeDelete(IngestRejection, { ingestId: ingest.id });
      em.assign(ingest, {
        status: IngestStatus.Running,
        fileName,
        workflowId,
        params,
        error: null,
        startedAt: new Date(),
        finishedAt: null,
        rowsRead: 0,
        rowsInserted: 0,
        rowsDuplicate: 0,
        rowsRejected: 0,
      });
      await em.flush();
      return ingest.id;
    }
    const created = em.create(Ingest, { checksum, fileName, kind, bytes: String(bytes), workflowId, params, startedAt: new Date() });
    await em.flush();
    return created.id;
  }

  /** The file was refused for its content: nothing of it is stored. */
  async markRejected(id: number, rejection: { kind: IngestKind; error: string; rowsRead: number; rowsRejected: number }): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Ingest, { id }, { status: IngestStatus.Rejected, ...rejection, finishedAt: new Date() });
  }

  /**
   * Records the validated file's kind and line count, and the lines refused under its error budget, in statements
   * of REJECTIONS_PER_INSERT rows; `onBatch` is called after each (heartbeats). A retry starts over.
   */
  async recordValidation(id: number, kind: IngestKind, rowsRead: number, rejected: readonly RejectedLine[], onBatch?: (stored: number) => void): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeDelete(IngestRejection, { ingestId: id });
    for (let at = 0; at < rejected.length; at += REJECTIONS_PER_INSERT) {
      const batch = rejected.slice(at, at + REJECTIONS_PER_INSERT).map((r) => ({ ingestId: id, lineNo: r.line, reason: r.reason.slice(0, 255) }));
      await em.insertMany(IngestRejection, batch);
      onBatch?.(at + batch.length);
    }
    await em.nativeUpdate(Ingest, { id }, { kind, rowsRead });
  }

  /** Stored rejected lines after line `afterLine`, in line order (a page: the next starts after its last line). */
  rejections(id: number, page: { afterLine: number; limit: number }): Promise<IngestRejection[]> {
    return this.orm.em.fork().find(IngestRejection, { ingestId: id, lineNo: { $gt: page.afterLine } }, { orderBy: { lineNo: 'asc' }, limit: page.limit });
  }

  async chunkTotals(id: number): Promise<ChunkTotals> {
    const [row] = await sqlFork(this.orm)
      .getConnection()
      .execute<{ chunks: number; rd: number | null; ins: number | null; dup: number | null; rej: number | null }[]>(
        'select count(*) as chunks, sum(rows_read) as rd, sum(rows_inserted) as ins, sum(rows_duplicate) as dup, sum(rows_rejected) as rej from ingest_chunk where ingest_id = ?',
        [id],
      );
    return { chunks: Number(row.chunks), read: Number(row.rd ?? 0), inserted: Number(row.ins ?? 0), duplicate: Number(row.dup ?? 0), rejected: Number(row.rej ?? 0) };
  }

  /** Closes a reconciled ingest with its final counts. */
  async markSucceeded(id: number, totals: ChunkTotals): Promise<Ingest> {
    const em = this.orm.em.fork();
    const ingest = await em.findOneOrFail(Ingest, { id });
    em.assign(ingest, {
      status: IngestStatus.Succeeded,
      rowsRead: totals.read,
      rowsInserted: totals.inserted,
      rowsDuplicate: totals.duplicate,
      rowsRejected: totals.rejected,
      finishedAt: new Date(),
    });
    await em.flush();
    return ingest;
  }

  /** Checksums of the contents being ingested now. */
  async runningChecksums(): Promise<Set<string>> {
    const running = await this.orm.em.fork().find(Ingest, { status: IngestStatus.Running }, { fields: ['checksum'] });
    return new Set(running.map((i) => i.checksum));
  }

  /** Marks a running ingest failed; its committed chunks stay. */
  async markFailed(id: number, reason: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Ingest, { id, status: IngestStatus.Running }, { status: IngestStatus.Failed, error: reason.slice(0, 2000), finishedAt: new Date() });
  }

  /** Which of these ingests are still running. */
  async findRunning(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const running = await this.orm.em.fork().find(Ingest, { id: { $in: [...ids] }, status: IngestStatus.Running }, { fields: ['id'] });
    return new Set(running.map((i) => i.id));
  }

  /** The ingests started in a report's range (every file: the ledger is the plant's, not a machine's). */
  summariseForReport(scope: Pick<ReportScope, 'from' | 'to'>): Promise<ScopeSummary> {
    return summariseScope(this.orm.em.fork(), 'ingest', INGEST_SCOPE, { from: scope.from, to: scope.to });
  }
}
