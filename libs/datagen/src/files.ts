import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Chunk size for streamed files: big enough for fast writes, small enough to forward as one packet. */
export const CHUNK_BYTES = 64 * 1024;

/** Groups text lines into newline-terminated chunks of about `chunkBytes` characters. */
export function* lineChunks(lines: Iterable<string>, chunkBytes = CHUNK_BYTES): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line + '\n';
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
}

/** Streams chunks to `file` with backpressure (creating its folder); returns the bytes written. */
export async function writeChunks(file: string, chunks: Iterable<string>): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  let bytes = 0;
  function* counted(): Generator<string> {
    for (const chunk of chunks) {
      bytes += Buffer.byteLength(chunk);
      yield chunk;
    }
  }
  await pipeline(Readable.from(counted()), createWriteStream(file));
  return bytes;
}
