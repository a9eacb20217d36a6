/** Job type `ingest`: load a file exactly once, with dedupe on the natural key (Workflows 1 in the spec). */
export const INGEST_JOB = 'ingest';

export const INGEST_KINDS = ['vibration', 'capture', 'tep'] as const;
export type IngestKindName = (typeof INGEST_KINDS)[number];

/** What the API hands the workflow: where the file is and how to read it; never the rows themselves. */
export interface IngestInput {
  checksum: string;
  bytes: number;
  fileName: string;
  /** Absolute path in the upload store (BLOB_DIR/uploads) or under the data directory; the activities refuse any other. */
  path: string;
  /** Delete the file when the ingest ends (uploads); never set for files given by path, and refused for them. */
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
  /** SHA-256 of the chunk's bytes when validated: a chunk whose bytes differ when loaded is refused (FILE_CHANGED). */
  checksum: string;
  /** TEP runs: the chunk's first observation (its time is the run's start + index × 3 min), and the file's layout. */
  tep?: { firstObservation: number; transposed: boolean };
}

export interface IngestPlan {
  ingestId: number;
  target: IngestTarget;
  /** Line number of the header row, skipped when loading. */
  headerLine: number | null;
  /** The file as validated (its content is the input's checksum; each chunk carries its own): it must not change before it is loaded. */
  fileStamp: { size: number };
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

/**
 * Rejected lines stored per ingest (the first ones in file order); rows_rejected still counts every one. A file
 * with more bad lines than this is a file to fix, not to page through.
 */
export const REJECTED_LINES_STORED = 10_000;

export interface RejectedLine {
  line: number;
  reason: string;
}
