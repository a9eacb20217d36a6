import type { ChunkResult } from '@him/contracts';

export type ColumnType = 'number' | 'text' | 'datetime';

/** A table rows are bulk-loaded into: per-row columns, plus columns that hold one value for the whole chunk. */
export interface BulkTable {
  table: string;
  columns: { name: string; type: ColumnType }[];
  constants: { name: string; type: ColumnType; value: string | number }[];
}

/**
 * One row: numbers as the file wrote them (exact text, already validated) or as numbers; datetimes as
 * epoch milliseconds.
 */
export type BulkRow = (string | number)[];

export interface ChunkCommit {
  ingestId: number;
  chunkNo: number;
  byteStart: number;
  byteEnd: number;
  rowsRejected: number;
}

/**
 * Loads a chunk of rows with `INSERT IGNORE` semantics (duplicates on the natural key are skipped and
 * counted) and records the chunk in `ingest_chunk` in the same transaction. A chunk that is already
 * recorded is not loaded again: its recorded counts are returned.
 */
export abstract class BulkLoader {
  abstract committedChunk(ingestId: number, chunkNo: number): Promise<ChunkResult | null>;
  abstract loadChunk(table: BulkTable, rows: BulkRow[], commit: ChunkCommit): Promise<ChunkResult>;
  abstract close(): Promise<void>;

  /** Nest calls this on shutdown: release the connections. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/** MySQL DATETIME(3) text for epoch milliseconds, in UTC. */
export function mysqlDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}
