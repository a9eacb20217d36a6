import type { IngestChunk, IngestKindName, RejectedLine } from '@him/contracts';
import { ChunkChecksums } from './checksums';
import { FORMATS, isHeader, isMisorderedHeader, splitFields, type LineFormat } from './formats';
import { describeBadNumber, parseDecimal } from './numbers';
import { FileFormatError, scanLines } from './scanner';

/** A data line that passed: its fields as written (exact text goes to the database) and their values. */
export interface CheckedLine {
  fields: string[];
  values: number[];
}

/**
 * Lines of plain decimals without exponents (what sensors write) match one regex per line: no
 * per-field parsing. Such numbers are always finite when short. Anything else takes the field-by-field path.
 */
const DIGITS = '(?:\\d+\\.?\\d*|\\.\\d+)';
const plainLineRegex = new Map<LineFormat, RegExp | null>();
const MAX_PLAIN_LINE = 250;

function plainLine(format: LineFormat): RegExp | null {
  if (!plainLineRegex.has(format)) {
    // A column that must not be negative takes no minus sign here; a line with one goes the field-by-field way.
    const fields = format.columns.map((_, i) => `${format.nonNegative?.includes(i) ? '\\+?' : '[+-]?'}${DIGITS}`);
    plainLineRegex.set(format, format.separator ? new RegExp(`^${fields.join(format.separator)}$`) : null);
  }
  return plainLineRegex.get(format)!;
}

/** True when the line is certainly a good data line (the fast path of validation). */
export function isPlainDataLine(text: string, format: LineFormat): boolean {
  return text.length <= MAX_PLAIN_LINE && plainLine(format)?.test(text) === true;
}

/** Checks one data line: column count and a finite decimal number in every column. */
export function checkLine(text: string, format: LineFormat): CheckedLine | { reason: string } {
  // The scanner splits at LF (dropping a CR before it): a CR left inside is a line end of its own.
  if (format.separator && text.includes('\r'))
    return { reason: 'holds a carriage return (CR) that ends no line: are the line ends CR alone (old Mac)? Save the file with LF or CRLF line ends' };
  const fields = splitFields(text, format);
  if (fields.length !== format.columns.length) {
    return { reason: `expected ${format.columns.length} columns (${columnList(format)}), found ${fields.length}` };
  }
  const values = new Array<number>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const v = parseDecimal(fields[i]);
    if (v === null) {
      if (isHeader(fields, format)) return { reason: 'header row repeated in the middle of the file' };
      if (isMisorderedHeader(fields, format))
        return { reason: `is a header of ${fields.map((f) => f.trim()).join(', ')}; the columns must be ${columnList(format)}, in that order` };
      return { reason: `column '${format.columns[i]}' ${describeBadNumber(fields[i])}` };
    }
    if (v < 0 && format.nonNegative?.includes(i)) return { reason: `column '${format.columns[i]}' is negative (${fields[i]}); ${format.kind} times count up from 0` };
    values[i] = v;
  }
  return { fields, values };
}

function columnList(format: LineFormat): string {
  return format.columns.length > 6 ? `${format.columns[0]} … ${format.columns[format.columns.length - 1]}` : format.columns.join(', ');
}

export interface ValidationReport {
  /** Data lines (header and blank lines excluded). */
  rowsRead: number;
  rowsRejected: number;
  /** The first rejected lines (all of them when within the error budget). */
  rejected: RejectedLine[];
  /** Line number of the header row, when the file has one. */
  headerLine: number | null;
  chunks: IngestChunk[];
  /** Seconds between the first two data rows' Time values: the sampling interval of a capture. */
  firstInterval: number | null;
  /** SHA-256 of the file as read. */
  checksum: string;
}

export interface ValidateOptions {
  /** Keep at most this many rejected lines in the report. */
  keepRejected: number;
  /** Data lines per chunk (one transaction each). */
  chunkRows: number;
  onProgress?: (offset: number) => void;
}

/**
 * One pass over a CSV file (vibration recording or capture): counts and checks every line and cuts the file
 * into chunks at line starts. Nothing is written anywhere; the caller decides whether the file is accepted.
 * A capture is one waveform keyed by its times: times that do not increase (a sample out of place, or one time
 * with two values, of which the database would keep only the first) reject the whole file, whatever the budget.
 */
export async function validateCsvFile(file: string, kind: Exclude<IngestKindName, 'tep'>, opts: ValidateOptions): Promise<ValidationReport> {
  const format = FORMATS[kind];
  const report: ValidationReport = { rowsRead: 0, rowsRejected: 0, rejected: [], headerLine: null, chunks: [], firstInterval: null, checksum: '' };
  const checksums = new ChunkChecksums();
  let seenData = false;
  let rowsInChunk = 0;
  const firstTimes: number[] = [];
  let end = 0;
  let lastTime = -Infinity;
  let lastText = '';
  let lastLine = 0;
  const inTimeOrder = (time: number, text: string, lineNo: number) => {
    if (!(time > lastTime)) {
      throw new FileFormatError(`line ${lineNo}: Time ${text} does not come after ${lastText} (line ${lastLine}); a capture's samples must be in time order, each time once`);
    }
    lastTime = time;
    lastText = text;
    lastLine = lineNo;
  };
  const ordered = kind === 'capture';
  await scanLines(file, {
    onProgress: opts.onProgress,
    onBytes: (bytes) => checksums.update(bytes),
    onLine: (text, lineNo, start, next) => {
      end = next;
      const chunk = report.chunks[report.chunks.length - 1];
      if (text.trim() === '') {
        if (chunk && seenData) chunk.clean = false;
        return;
      }
      if (!seenData && report.headerLine === null && isHeader(splitFields(text, format), format)) {
        report.headerLine = lineNo;
        return;
      }
      seenData = true;
      if (rowsInChunk === opts.chunkRows) rowsInChunk = 0;
      if (rowsInChunk === 0) {
        report.chunks.push({ chunkNo: report.chunks.length, byteStart: start, byteEnd: -1, firstLine: lineNo, rows: 0, clean: true, checksum: '' });
        checksums.startChunk(start);
      }
      const current = report.chunks[report.chunks.length - 1];
      rowsInChunk++;
      current.rows++;
      report.rowsRead++;
      // CR ends, padding or a missing final newline would reach a raw CSV load as junk: such chunks go row by row.
      if (next - start !== text.length + 1 || text !== text.trim()) current.clean = false;
      if (firstTimes.length === 2 && isPlainDataLine(text, format)) {
        if (ordered) {
          const time = text.slice(0, text.indexOf(','));
          inTimeOrder(Number(time), time, lineNo);
        }
        return;
      }
      const checked = checkLine(text, format);
      if ('reason' in checked) {
        current.clean = false;
        report.rowsRejected++;
        if (report.rejected.length < opts.keepRejected) report.rejected.push({ line: lineNo, reason: checked.reason });
        return;
      }
      if (ordered) inTimeOrder(checked.values[0], checked.fields[0], lineNo);
      if (firstTimes.length < 2) firstTimes.push(checked.values[0]);
    },
  });
  // Each chunk ends where the next begins; the last one at the end of the file.
  report.chunks.forEach((c, i) => (c.byteEnd = report.chunks[i + 1]?.byteStart ?? end));
  const sums = checksums.digest();
  report.checksum = sums.file;
  report.chunks.forEach((c, i) => (c.checksum = sums.chunks[i]));
  if (firstTimes.length === 2) report.firstInterval = firstTimes[1] - firstTimes[0];
  return report;
}
