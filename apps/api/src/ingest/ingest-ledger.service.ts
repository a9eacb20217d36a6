import { Injectable } from '@nestjs/common';
import { NotFoundError, REJECTED_LINES_STORED } from '@him/contracts';
import { IngestLedgerRepository, type Ingest, type IngestKind, type IngestStatus } from '@him/db';
import {
  mapRejection,
  REJECTED_LINES_SHOWN,
  type IngestDetailResponseDto,
  type IngestResponseDto,
  type IngestSearchDto,
  type RejectedLinesPageDto,
  type RejectedLinesQueryDto,
} from './ingest.dto';

/** Reads the ingest ledger: what was loaded, when, and how every row was accounted for. */
@Injectable()
export class IngestLedgerService {
  constructor(private readonly ledger: IngestLedgerRepository) {}

  async list(q: IngestSearchDto): Promise<IngestResponseDto[]> {
    const rows = await this.ledger.list({ status: q.status as IngestStatus | undefined, kind: q.kind as IngestKind | undefined, workflowId: q.workflow_id, limit: q.limit });
    return rows.map(mapLedgerRow);
  }

  async get(id: number): Promise<IngestDetailResponseDto> {
    const ingest = await this.ledger.findById(id);
    if (!ingest) throw new NotFoundError(`ingest ${id} not found`);
    const rejections = await this.ledger.rejections(id, { afterLine: 0, limit: REJECTED_LINES_SHOWN + 1 });
    return { ...mapLedgerRow(ingest), rejected_lines: rejections.slice(0, REJECTED_LINES_SHOWN).map(mapRejection), more_rejected_lines: rejections.length > REJECTED_LINES_SHOWN };
  }

  async rejectedLines(id: number, q: RejectedLinesQueryDto): Promise<RejectedLinesPageDto> {
    if (!(await this.ledger.findById(id))) throw new NotFoundError(`ingest ${id} not found`);
    const rejections = await this.ledger.rejections(id, { afterLine: q.after_line, limit: q.limit + 1 });
    const page = rejections.slice(0, q.limit);
    return {
      ingest_id: id,
      rejected_lines: page.map(mapRejection),
      next_after_line: rejections.length > q.limit ? page[page.length - 1].lineNo : null,
      stored_at_most: REJECTED_LINES_STORED,
    };
  }
}

export function mapLedgerRow(i: Ingest): IngestResponseDto {
  return {
    ingest_id: i.id,
    checksum: i.checksum,
    file_name: i.fileName,
    kind: i.kind,
    status: i.status,
    rows_read: i.rowsRead,
    rows_inserted: i.rowsInserted,
    rows_duplicate: i.rowsDuplicate,
    rows_rejected: i.rowsRejected,
    workflow_id: i.workflowId,
    started_at: i.startedAt.toISOString(),
    finished_at: i.finishedAt?.toISOString() ?? null,
    error: i.error ?? null,
    params: i.params ?? null,
  };
}
