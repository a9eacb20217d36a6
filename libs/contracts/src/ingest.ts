/** Job type `ingest`: load a file exactly once, with dedupe on the natural key (Workflows 1 in the spec). */
export const INGEST_JOB = 'ingest';

export const INGEST_KINDS = ['vibration', 'capture', 'tep'] as const;
export type IngestKindName = (typeof INGEST_KINDS)[number];

/** What the API hands the workflow: where the file is and how to read it; never the rows themselves. */
export interface IngestInput {
  checksum: string;
  bytes: number;
  fileName: string;
  /** Absolute path in the shared file store (an upload) or under the data directory. */
  path: string;
  /** Delete the file when the ingest ends (uploads); never set for files given by path. */
  deleteWhenDone: boolean;
  kind?: IngestKindName;
  machineName?: string;
  sensorNo?: string;
  /** ISO timestamp: recording's collected_at, or capture time. */
  collectedAt?: string;
  /** ISO timestamp of a TEP run's first observation. */
  startTime?: string;
  /** Lines that may be rejected before the whole file is. */
  maxErrors: number;
}

/** Where the rows go, fully resolved by validation (names, times, ids). */
export type IngestTarget =
  | { kind: 'vibration'; machineName: string; sensorNo: string; collectedAt: string }
  | { kind: 'capture'; machineName: string; sensorNo: string; capturedAt: string; captureId: number }
  | { kind: 'tep'; equipmentId: number; lotId: number; lotCode: string; startTime: string };

/** A slice of the file loaded in one transaction; byte offsets are at line starts. */
export interface IngestChunk {
  chunkNo: number;
  byteStart: number;
  byteEnd: number;
  firstLine: number;
  /** Data lines in the chunk, good and rejected. */
  rows: number;
  /** Every line is a good data line with LF ends: the bytes can go to the database as they are. */
  clean: boolean;
}

export interface IngestPlan {
  ingestId: number;
  target: IngestTarget;
  /** Line number of the header row, skipped when loading. */
  headerLine: number | null;
  /** Size and mtime when validated: a file given by path must not change before it is loaded. */
  fileStamp: { size: number; mtimeMs: number };
  rowsRead: number;
  rowsRejected: number;
  chunks: IngestChunk[];
}

export interface ChunkResult {
  rows: number;
  inserted: number;
  duplicate: number;
  rejected: number;
}

/** The ledger entry, as the job result and `GET /ingests/{id}` show it. */
export interface IngestResult {
  ingest_id: number;
  checksum: string;
  file_name: string;
  kind: IngestKindName;
  status: string;
  rows_read: number;
  rows_inserted: number;
  rows_duplicate: number;
  rows_rejected: number;
  duplicate_file: boolean;
  workflow_id: string;
  started_at: string;
  finished_at: string | null;
}

export interface RejectedLine {
  line: number;
  reason: string;
}
