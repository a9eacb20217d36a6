import { Injectable } from '@nestjs/common';
import { NotFoundError, type IngestKindName } from '@him/contracts';
import { IngestLedgerRepository, type Ingest, type IngestKind, type IngestStatus } from '@him/db';
import { mapRejection, type IngestDetailResponseDto, type IngestResponseDto, type IngestSearchDto } from './ingest.dto';

/** Reads the ingest ledger: what was loaded, when, and how every row was accounted for. */
@Injectable()
export class IngestLedgerService {
  constructor(private readonly ledger: IngestLedgerRepository) {}

  async list(q: IngestSearchDto): Promise<IngestResponseDto[]> {
    const rows = await this.ledger.list({ status: q.status as IngestStatus | undefined, kind: q.kind as IngestKind | undefined, limit: q.limit });
    return rows.map(mapLedgerRow);
  }

  async get(id: number): Promise<IngestDetailResponseDto> {
    const ingest = await this.ledger.findById(id);
    if (!ingest) throw new NotFoundError(`ingest ${id} not found`);
    const rejections = await this.ledger.rejections(id);
    return { ...mapLedgerRow(ingest), rejected_lines: rejections.map(mapRejection) };
  }
}

export function mapLedgerRow(i: Ingest): IngestResponseDto {
  return {
    ingest_id: i.id,
    checksum: i.checksum,
    file_name: i.fileName,
    kind: i.kind as IngestKindName,
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
