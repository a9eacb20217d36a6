import * as fs from 'node:fs';
import type { IngestChunk, RejectedLine } from '@him/contracts';
import { ChunkChecksums } from './checksums';
import { FORMATS } from './formats';
import { describeBadNumber, parseDecimal } from './numbers';
import { FileFormatError, scanBlocks, scanLines } from './scanner';

export const TEP_VARIABLES = FORMATS.tep.columns.length;
/** Braatz runs are sampled every 3 minutes. */
export const TEP_SAMPLE_MS = 3 * 60_000;
/** A Braatz file is under 1 MB; anything far larger is not one. */
export const TEP_MAX_BYTES = 64 * 1024 * 1024;

export interface TepRun {
  /** observations[i][k]: variable k (XMEAS_1 … XMV_11) at sample i. */
  observations: number[][];
  /** The file stores variables as lines (as `d00.dat` does). */
  transposed: boolean;
  rejected: RejectedLine[];
  /** Observations with a bad value (each loses its 52 values). */
  rejectedObservations: number;
}

/**
 * Reads a whole Braatz `.dat` run into memory (small files: training and evaluation; the ingest streams with
 * validateTepFile and readTepChunk): whitespace-separated, 52 values per observation. `d00.dat` is stored
 * transposed (52 lines of 500 values); that layout is recognised and turned back into observations.
 */
export async function readTepRun(file: string, keepRejected: number): Promise<TepRun> {
  if (fs.statSync(file).size > TEP_MAX_BYTES) throw new FileFormatError(`a TEP run is at most ${TEP_MAX_BYTES} bytes; this file is larger`);
  const lines: { lineNo: number; fields: string[] }[] = [];
  await scanLines(file, {
    onLine: (text, lineNo) => {
      if (text.trim() !== '') lines.push({ lineNo, fields: text.trim().split(/\s+/) });
    },
  });
  if (lines.length === 0) throw new FileFormatError('the file has no data lines');

  const width = lines[0].fields.length;
  const transposed = lines.length === TEP_VARIABLES && width !== TEP_VARIABLES && lines.every((l) => l.fields.length === width);
  const run: TepRun = { observations: [], transposed, rejected: [], rejectedObservations: 0 };
  const reject = (line: number, reason: string) => {
    run.rejectedObservations++;
    if (run.rejected.length < keepRejected) run.rejected.push({ line, reason });
  };

  if (transposed) {
    // A bad value in a transposed file spoils one observation (column) per bad field.
    const bad = new Map<number, string>();
    const grid = lines.map((l) =>
      l.fields.map((f, i) => {
        const v = parseDecimal(f);
        if (v === null && !bad.has(i)) bad.set(i, `line ${l.lineNo} (${FORMATS.tep.columns[lines.indexOf(l)]}), value ${i + 1} ${describeBadNumber(f)}`);
        return v ?? NaN;
      }),
    );
    for (let i = 0; i < width; i++) {
      if (bad.has(i)) reject(lines[0].lineNo, `observation ${i + 1}: ${bad.get(i)}`);
      else run.observations.push(grid.map((row) => row[i]));
    }
    return run;
  }
  for (const { lineNo, fields } of lines) {
    if (fields.length !== TEP_VARIABLES) {
      reject(lineNo, `expected ${TEP_VARIABLES} values (XMEAS_1 … XMV_11), found ${fields.length}`);
      continue;
    }
    const values = fields.map(parseDecimal);
    const badAt = values.findIndex((v) => v === null);
    if (badAt >= 0) reject(lineNo, `column '${FORMATS.tep.columns[badAt]}' ${describeBadNumber(fields[badAt])}`);
    else run.observations.push(values as number[]);
  }
  return run;
}

export interface TepValidationReport {
  /** Values: observations × 52, rejected ones included. */
  rowsRead: number;
  rowsRejected: number;
  /** The first rejected observations (line, reason). */
  rejected: RejectedLine[];
  /** Chunks of whole observations, each with its first observation's index and its bytes' checksum. */
  chunks: IngestChunk[];
  /** SHA-256 of the file as read. */
  checksum: string;
}

export interface TepValidateOptions {
  /** Keep at most this many rejected observations in the report. */
  keepRejected: number;
  /** Observations per chunk (one transaction each). */
  chunkObservations: number;
  onProgress?: (offset: number) => void;
}

/** Why a line is not an observation of 52 finite decimals, or null when it is one. */
function observationProblem(fields: string[]): string | null {
  if (fields.length !== TEP_VARIABLES) return `expected ${TEP_VARIABLES} values (XMEAS_1 … XMV_11), found ${fields.length}`;
  for (let k = 0; k < fields.length; k++) if (parseDecimal(fields[k]) === null) return `column '${FORMATS.tep.columns[k]}' ${describeBadNumber(fields[k])}`;
  return null;
}

/**
 * One streaming pass over a Braatz `.dat` run (one observation per line): checks every line, cuts chunks of whole
 * observations at line starts and checksums them; nothing is kept but counts and the first rejections. The
 * transposed layout of `d00.dat` (52 lines of one variable each) is recognised at the end; such a file is one chunk.
 */
export async function validateTepFile(file: string, opts: TepValidateOptions): Promise<TepValidationReport> {
  // A transposed run is 52 lines: it must fit in the first chunk.
  const perChunk = Math.max(opts.chunkObservations, TEP_VARIABLES);
  const report: TepValidationReport = { rowsRead: 0, rowsRejected: 0, rejected: [], chunks: [], checksum: '' };
  const checksums = new ChunkChecksums();
  let observations = 0;
  let rejectedObservations = 0;
  let width = -1;
  let sameWidth = true;
  let firstLine = 0;
  // While the file may still be transposed: the first bad value of each of its columns (observations).
  const badColumns = new Map<number, string>();
  let end = 0;
  await scanLines(file, {
    onProgress: opts.onProgress,
    onBytes: (bytes) => checksums.update(bytes),
    onLine: (text, lineNo, start, next) => {
      end = next;
      if (text.trim() === '') return;
      const fields = text.trim().split(/\s+/);
      if (width < 0) [width, firstLine] = [fields.length, lineNo];
      else if (fields.length !== width) sameWidth = false;
      if (observations % perChunk === 0) {
        report.chunks.push({
          chunkNo: report.chunks.length,
          byteStart: start,
          byteEnd: -1,
          firstLine: lineNo,
          rows: 0,
          clean: false,
          checksum: '',
          tep: { firstObservation: observations, transposed: false },
        });
        checksums.startChunk(start);
      }
      report.chunks[report.chunks.length - 1].rows += TEP_VARIABLES;
      observations++;
      const problem = observationProblem(fields);
      if (problem) {
        rejectedObservations++;
        if (report.rejected.length < opts.keepRejected) report.rejected.push({ line: lineNo, reason: problem });
      }
      if (observations <= TEP_VARIABLES && sameWidth && width !== TEP_VARIABLES) {
        fields.forEach((f, i) => {
          if (!badColumns.has(i) && parseDecimal(f) === null)
            badColumns.set(i, `line ${lineNo} (${FORMATS.tep.columns[observations - 1]}), value ${i + 1} ${describeBadNumber(f)}`);
        });
      }
    },
  });
  report.chunks.forEach((c, i) => (c.byteEnd = report.chunks[i + 1]?.byteStart ?? end));
  const sums = checksums.digest();
  report.checksum = sums.file;
  report.chunks.forEach((c, i) => (c.checksum = sums.chunks[i]));

  if (observations === TEP_VARIABLES && sameWidth && width !== TEP_VARIABLES) {
    if (end > TEP_MAX_BYTES) throw new FileFormatError(`a transposed TEP run is read whole, so it is at most ${TEP_MAX_BYTES} bytes; this file is larger`);
    // Transposed: each column is an observation, and a bad value spoils the one observation of its column.
    const [chunk] = report.chunks;
    chunk.rows = width * TEP_VARIABLES;
    chunk.tep = { firstObservation: 0, transposed: true };
    observations = width;
    rejectedObservations = badColumns.size;
    report.rejected = [...badColumns.entries()]
      .sort(([a], [b]) => a - b)
      .slice(0, opts.keepRejected)
      .map(([i, reason]) => ({ line: firstLine, reason: `observation ${i + 1}: ${reason}` }));
  }
  report.rowsRead = observations * TEP_VARIABLES;
  report.rowsRejected = rejectedObservations * TEP_VARIABLES;
  return report;
}

/** An observation of a run: its index (its place in time) and its 52 values. */
export interface TepObservation {
  index: number;
  values: number[];
}

/** Observations read from one chunk; those with a bad value are counted, not yielded. */
export interface TepChunkReader {
  /** Observations block by block (about 1 MiB of the file each; a transposed run in batches of 1,000), with the byte offset reached. */
  blocks: AsyncGenerator<{ offset: number; observations: TepObservation[] }>;
  /** Rejected observations so far; final once `blocks` is exhausted. */
  rejected(): number;
}

const TRANSPOSED_BATCH = 1000;

/** Streams the observations of one chunk that validateTepFile cut, handing every byte read to `onBytes` (checksums). */
export function readTepChunk(
  file: string,
  chunk: Pick<IngestChunk, 'byteStart' | 'byteEnd' | 'firstLine'> & { tep: NonNullable<IngestChunk['tep']> },
  onBytes: (bytes: Buffer) => void,
): TepChunkReader {
  let rejected = 0;
  const scan = (onLine: (fields: string[]) => void) =>
    scanBlocks(file, { start: chunk.byteStart, end: chunk.byteEnd, firstLine: chunk.firstLine, onBytes, onLine: (text) => text.trim() !== '' && onLine(text.trim().split(/\s+/)) });

  async function* rows(): AsyncGenerator<{ offset: number; observations: TepObservation[] }> {
    let index = chunk.tep.firstObservation;
    let observations: TepObservation[] = [];
    const blocks = scan((fields) => {
      const values = fields.length === TEP_VARIABLES ? fields.map(parseDecimal) : null;
      if (values && !values.includes(null)) observations.push({ index, values: values as number[] });
      else rejected++;
      index++;
    });
    for await (const offset of blocks) {
      yield { offset, observations };
      observations = [];
    }
  }

  async function* transposed(): AsyncGenerator<{ offset: number; observations: TepObservation[] }> {
    const grid: (number | null)[][] = [];
    for await (const offset of scan((fields) => grid.push(fields.map(parseDecimal)))) yield { offset, observations: [] };
    const width = grid[0]?.length ?? 0;
    for (let from = 0; from < width; from += TRANSPOSED_BATCH) {
      const observations: TepObservation[] = [];
      for (let i = from; i < Math.min(from + TRANSPOSED_BATCH, width); i++) {
        const values = grid.map((line) => line[i]);
        if (values.includes(null)) rejected++;
        else observations.push({ index: i, values: values as number[] });
      }
      yield { offset: chunk.byteEnd, observations };
    }
  }

  return { blocks: chunk.tep.transposed ? transposed() : rows(), rejected: () => rejected };
}
