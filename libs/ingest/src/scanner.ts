import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';

/** A problem with the file as a whole: no line of it can be trusted. */
export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

export interface ScanOptions {
  /** Byte offset of a line start (0 = file start). */
  start?: number;
  /** Byte offset to stop at (exclusive; a line start, or the file size). */
  end?: number;
  /** Line number of the line at `start`. */
  firstLine?: number;
  /** Called for every line without its line break; `next` is the byte offset of the following line. */
  onLine: (text: string, lineNo: number, start: number, next: number) => void;
  /** scanLines only: called after each block of lines with the offset reached (progress, heartbeats). */
  onProgress?: (offset: number) => void;
  /** Called after each block's lines with the block's bytes: every byte of [start, end) once, in order (checksums). */
  onBytes?: (bytes: Buffer) => void;
}

const READ_BLOCK = 1 << 20;
const MAX_LINE_BYTES = 1 << 20;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
// Valid lines are ASCII; anything else needs a closer look.
// eslint-disable-next-line no-control-regex -- a NUL byte is what marks a binary file
const SUSPECT = /[\x00\x80-\xff]/;

/**
 * What the first bytes of a file say it is when that is not UTF-8 text: UTF-16 or UTF-32 (with or without a
 * byte-order mark), or a compressed archive or image under a text name. Null when nothing gives it away (the
 * lines are checked one by one after that).
 */
export function notTextReason(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  const save = 'save it as UTF-8 (or plain ASCII) CSV';
  if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff)) return `the file is UTF-32 encoded; ${save}`;
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return `the file is UTF-16 encoded; ${save}`;
  if (starts(0x1f, 0x8b)) return 'the file is gzip-compressed; unpack it and send the CSV inside';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'the file is a ZIP archive (as an Excel .xlsx workbook is); export the sheet as CSV (UTF-8) and send that';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'the file is binary (a PNG image), not CSV text';
  // Without a byte-order mark, ASCII text in UTF-16 or UTF-32 has NUL bytes at fixed places of each 2 or 4 bytes.
  const n = Math.min(head.length, 4096);
  const sample = head.subarray(0, n - (n % 4));
  if (sample.length >= 8 && sample.includes(0)) {
    const zeros = [0, 0, 0, 0];
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zeros[i % 4]++;
    const [z0, z1, z2, z3] = zeros.map((z) => z / (sample.length / 4));
    if ((z0 < 0.1 && z1 > 0.9 && z2 > 0.9 && z3 > 0.9) || (z0 > 0.9 && z1 > 0.9 && z2 > 0.9 && z3 < 0.1)) return `the file is UTF-32 encoded; ${save}`;
    const even = (z0 + z2) / 2;
    const odd = (z1 + z3) / 2;
    if ((even < 0.1 && odd > 0.9) || (even > 0.9 && odd < 0.1)) return `the file is UTF-16 encoded; ${save}`;
  }
  return null;
}

/** Streams a file line by line with exact byte offsets; see scanBlocks. */
export async function scanLines(file: string, opts: ScanOptions): Promise<void> {
  for await (const offset of scanBlocks(file, opts)) opts.onProgress?.(offset);
}

/**
 * Streams a file line by line with exact byte offsets (so a load can resume at any line start), calling
 * `onLine` for each line of a ~1 MiB block and then yielding the offset reached: a consumer can stop between
 * blocks (backpressure) without the lines ever being collected. Accepts a UTF-8 BOM and CRLF line ends;
 * refuses binary content and text that is not UTF-8.
 */
export async function* scanBlocks(file: string, opts: Omit<ScanOptions, 'onProgress'>): AsyncGenerator<number> {
  const start = opts.start ?? 0;
  let lineNo = opts.firstLine ?? 1;
  let offset = start; // byte offset of pending[0]
  let pending: Buffer = Buffer.alloc(0);
  const stream = fs.createReadStream(file, { start, end: opts.end !== undefined ? opts.end - 1 : undefined, highWaterMark: READ_BLOCK });

  const emit = (block: Buffer, isLast: boolean): number => {
    // latin1 maps each byte to one character, so string indexes are byte offsets.
    const text = block.toString('latin1');
    let pos = 0;
    if (offset === 0) {
      const notText = notTextReason(block);
      if (notText) throw new FileFormatError(notText);
      if (UTF8_BOM.every((b, i) => block[i] === b)) pos = 3;
    }
    const suspect = SUSPECT.test(pos ? text.slice(pos) : text);
    while (pos < text.length) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) {
        if (!isLast) break;
        nl = text.length;
      }
      let line = text.slice(pos, nl);
      if (suspect && SUSPECT.test(line)) line = decodeSuspectLine(block, pos, nl - pos, lineNo);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      opts.onLine(line, lineNo, offset + pos, offset + Math.min(nl + 1, text.length));
      lineNo++;
      pos = nl + 1;
    }
    return Math.min(pos, block.length);
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const block = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const consumed = emit(block, false);
    opts.onBytes?.(block.subarray(0, consumed));
    pending = block.subarray(consumed);
    offset += consumed;
    if (pending.length > MAX_LINE_BYTES) throw new FileFormatError(`line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes: not a line-oriented text file`);
    yield offset;
  }
  if (pending.length) {
    emit(pending, true);
    opts.onBytes?.(pending);
    offset += pending.length;
  }
  yield offset;
}

function decodeSuspectLine(block: Buffer, at: number, length: number, lineNo: number): string {
  const bytes = block.subarray(at, at + length);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new FileFormatError(`the file is binary, not CSV text (NUL byte on line ${lineNo})`);
  if (!isUtf8(bytes)) throw new FileFormatError(`line ${lineNo} is not valid UTF-8: wrong encoding? Save the file as UTF-8 (or plain ASCII) CSV`);
  return bytes.toString('utf8');
}
