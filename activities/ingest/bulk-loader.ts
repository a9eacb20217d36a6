import { ApplicationFailure } from '@temporalio/activity';
import { FILE_CHANGED, type ChunkResult } from '@him/contracts';
import type { BulkTable } from '@him/db';

// The loaders name their tables as the repositories describe them.
export type { BulkTable };

/**
 * One row: numbers as the file wrote them (exact text, already validated) or as numbers; datetimes as
 * epoch milliseconds.
 */
export type BulkRow = (string | number)[];

/**
 * Rows of one chunk: parsed from the file while they are loaded (parsing and loading overlap), or, for a
 * chunk validation found clean, the file's own CSV bytes for a loader that can take them as they are.
 */
export type RowSource =
  | {
      kind: 'rows';
      batches: AsyncIterable<BulkRow[]> | Iterable<BulkRow[]>;
      /** Lines refused while reading; final once `batches` is exhausted. */
      rejected(): number;
    }
  | { kind: 'csv'; path: string; start: number; end: number; /** SHA-256 the bytes must have (see checkChunkChecksum). */ checksum: string };

export interface ChunkCommit {
  ingestId: number;
  chunkNo: number;
  byteStart: number;
  byteEnd: number;
  /** Data lines validation counted in the chunk; anything else means the file changed under us. */
  expectedRows: number;
}

/**
 * Loads a chunk of rows with `INSERT IGNORE` semantics (duplicates on the natural key are skipped and
 * counted) and records the chunk in `ingest_chunk` in the same transaction. A chunk that is already
 * recorded is not loaded again: its recorded counts are returned.
 */
export abstract class BulkLoader {
  /** Can load a validated byte range of a CSV file directly (no parsing in Node). */
  abstract readonly loadsCsvBytes: boolean;
  abstract committedChunk(ingestId: number, chunkNo: number): Promise<ChunkResult | null>;
  abstract loadChunk(table: BulkTable, source: RowSource, commit: ChunkCommit): Promise<ChunkResult>;
  abstract close(): Promise<void>;

  /** Nest calls this on shutdown: release the connections. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/** A non-retryable FILE_CHANGED failure: the file is not the content that was validated. */
export function fileChanged(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FILE_CHANGED, nonRetryable: true, message });
}

/** Refuses to commit a chunk whose line count differs from what validation saw. */
export function checkChunkRows(commit: ChunkCommit, loaded: number, rejected: number): void {
  if (loaded + rejected !== commit.expectedRows) {
    throw fileChanged(`the file changed during the ingest: chunk ${commit.chunkNo} now has ${loaded + rejected} rows, validation counted ${commit.expectedRows}`);
  }
}

/** Refuses to commit a chunk whose bytes, as loaded, are not the bytes validation read. */
export function checkChunkChecksum(chunk: { chunkNo: number; checksum: string }, loaded: string): void {
  if (loaded !== chunk.checksum) throw fileChanged(`the file changed during the ingest: chunk ${chunk.chunkNo} is not what was validated (its SHA-256 differs)`);
}

/** MySQL DATETIME(3) text for epoch milliseconds, in UTC. */
export function mysqlDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}
