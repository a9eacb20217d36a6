import { createHash, type Hash } from 'node:crypto';

/**
 * SHA-256 of a whole file and of each chunk of it, in the one pass that reads it: fed the file's bytes in order, and
 * told where each chunk starts before the bytes of that offset arrive. A chunk runs to the next one's start (the
 * last to the end); bytes before the first chunk (a header) count for the file only.
 */
export class ChunkChecksums {
  private readonly file = createHash('sha256');
  private readonly starts: number[] = [];
  private readonly chunks: string[] = [];
  private current?: Hash;
  private offset = 0;

  startChunk(at: number): void {
    this.starts.push(at);
  }

  update(bytes: Buffer): void {
    this.file.update(bytes);
    const end = this.offset + bytes.length;
    let pos = 0;
    while (this.starts.length && this.starts[0] < end) {
      const at = this.starts.shift()! - this.offset;
      if (this.current) this.chunks.push(this.current.update(bytes.subarray(pos, at)).digest('hex'));
      this.current = createHash('sha256');
      pos = at;
    }
    this.current?.update(bytes.subarray(pos));
    this.offset = end;
  }

  /** The file's checksum, and each chunk's in order. */
  digest(): { file: string; chunks: string[] } {
    if (this.current) this.chunks.push(this.current.digest('hex'));
    this.current = undefined;
    return { file: this.file.digest('hex'), chunks: this.chunks };
  }
}
