import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@him/config';
import { InvalidInputError, type IngestInput } from '@him/contracts';
import { INCOMING_PREFIX, notTextReason, resolveIngest, unsafeFileNameReason, uploadStore } from '@him/ingest';
import { createValidationPipe } from '../common/validation';
import { IngestJobDto } from './ingest.dto';

const SNIFF_BYTES = 64 * 1024;

/**
 * Turns an ingest request (multipart upload or JSON path) into a workflow input: the file lands in the
 * shared store under its SHA-256, and everything that can be refused without reading every line is refused
 * here, before a workflow starts.
 *
 * A stored upload is shared by every request with the same content and read by its running ingest, so it is
 * written once and never touched by a request again: each request writes its own temporary file, checks it,
 * and links it under the checksum only if no file is there yet; a request deletes only its temporary file.
 */
@Injectable()
export class IngestFilesService {
  private readonly validation = createValidationPipe();

  constructor(private readonly config: AppConfig) {}

  async fromRequest(req: FastifyRequest): Promise<IngestInput> {
    if (req.isMultipart()) return this.fromUpload(req);
    if (!req.headers['content-type']?.startsWith('application/json')) {
      throw new InvalidInputError('send the file as multipart/form-data (field `file`) or JSON {"path": …}');
    }
    const dto = await this.validate(req.body ?? {});
    if (!dto.path) throw new InvalidInputError('path is required with a JSON body', [{ field: 'path', message: 'path is required (or upload the file as multipart/form-data)' }]);
    return this.fromPath(dto);
  }

  private async fromUpload(req: FastifyRequest): Promise<IngestInput> {
    const fields: Record<string, string> = {};
    let received: { path: string; checksum: string; bytes: number; fileName: string } | undefined;
    try {
      // preservePath: see the name as sent, so '../' is refused rather than silently cut off.
      for await (const part of req.parts({ preservePath: true, limits: { fileSize: this.config.ingestMaxBytes, files: 1, fields: 20 } })) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file')
            throw new InvalidInputError(`unexpected file field '${part.fieldname}'`, [{ field: part.fieldname, message: 'the file goes in the field `file`' }]);
          const unsafe = unsafeFileNameReason(part.filename);
          if (unsafe) {
            part.file.resume();
            throw new InvalidInputError(`unsafe file name: ${unsafe}`, [{ field: 'file', message: `file name ${unsafe}` }]);
          }
          received = { ...(await this.store(part.file)), fileName: part.filename };
          if (part.file.truncated)
            throw new PayloadTooLargeException({ code: 'PAYLOAD_TOO_LARGE', message: `the file is larger than the limit of ${this.config.ingestMaxBytes} bytes` });
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
      if (!received) throw new InvalidInputError('no file in the upload', [{ field: 'file', message: 'upload the file in the multipart field `file`' }]);
      const dto = await this.validate(fields);
      if (dto.path) throw new InvalidInputError('send either a file or a path, not both', [{ field: 'path', message: 'not allowed with an upload' }]);
      const input = await this.finish(dto, received, true);
      return { ...input, path: this.publish(received.path, received.checksum) };
    } finally {
      if (received) fs.rmSync(received.path, { force: true });
    }
  }

  private async fromPath(dto: IngestJobDto): Promise<IngestInput> {
    const root = fs.realpathSync(this.config.dataDir);
    const requested = path.resolve(root, dto.path!);
    let real: string;
    try {
      real = fs.realpathSync(requested);
    } catch {
      throw new InvalidInputError(`no such file: ${dto.path}`, [{ field: 'path', message: 'no such file under the data directory' }]);
    }
    if (real !== root && !real.startsWith(root + path.sep)) {
      throw new InvalidInputError('path must be inside the data directory', [{ field: 'path', message: `must be a file under ${this.config.dataDir}` }]);
    }
    const stat = fs.statSync(real);
    if (!stat.isFile()) throw new InvalidInputError('path is not a regular file', [{ field: 'path', message: 'not a regular file' }]);
    if (stat.size > this.config.ingestMaxBytes)
      throw new PayloadTooLargeException({ code: 'PAYLOAD_TOO_LARGE', message: `the file is larger than the limit of ${this.config.ingestMaxBytes} bytes` });
    const hash = createHash('sha256');
    await pipeline(fs.createReadStream(real), hash);
    return this.finish(dto, { path: real, checksum: hash.digest('hex'), bytes: stat.size, fileName: path.basename(real) }, false);
  }

  /** Streams an upload into a temporary file of the store while hashing it. */
  private async store(file: NodeJS.ReadableStream): Promise<{ path: string; checksum: string; bytes: number }> {
    const dir = uploadStore(this.config.blobDir);
    fs.mkdirSync(dir, { recursive: true });
    const incoming = path.join(dir, `${INCOMING_PREFIX}${randomUUID()}`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await pipeline(
        file,
        async function* (source) {
          for await (const chunk of source as AsyncIterable<Buffer>) {
            hash.update(chunk);
            bytes += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(incoming),
      );
    } catch (err) {
      fs.rmSync(incoming, { force: true });
      throw err;
    }
    return { path: incoming, checksum: hash.digest('hex'), bytes };
  }

  /**
   * Puts an accepted upload under its checksum, where equal uploads share it, unless a file is there already:
   * a hard link fails rather than replace it, so the file a running ingest reads is never swapped or truncated.
   * A file found there is marked as just used, so the worker's cleaner does not take it as abandoned.
   */
  private publish(incoming: string, checksum: string): string {
    const final = path.join(uploadStore(this.config.blobDir), checksum);
    for (;;) {
      try {
        fs.linkSync(incoming, final);
        return final;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      try {
        const now = new Date();
        fs.utimesSync(final, now, now);
        return final;
      } catch (err) {
        // Its ingest ended and deleted it just now: link ours instead.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  /** Refuses what is wrong with the file as a whole (empty, binary, kind or names unknown) before any workflow. */
  private async finish(dto: IngestJobDto, file: { path: string; checksum: string; bytes: number; fileName: string }, upload: boolean): Promise<IngestInput> {
    if (file.bytes === 0) throw new InvalidInputError('the file is empty', [{ field: 'file', message: 'the file is empty' }]);
    const head = Buffer.alloc(Math.min(file.bytes, SNIFF_BYTES));
    const fd = fs.openSync(file.path, 'r');
    try {
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    const notText = notTextReason(head);
    if (notText) throw new InvalidInputError(notText, [{ field: 'file', message: notText }]);
    if (head.includes(0)) throw new InvalidInputError('the file is binary, not CSV text', [{ field: 'file', message: 'binary content (NUL bytes)' }]);
    const firstLine = head
      .toString('latin1')
      .replace(/^\xef\xbb\xbf/, '')
      .split('\n')
      .find((l) => l.trim() !== '');
    const collectedAt = dto.collected_at?.toISOString();
    const startTime = dto.start_time?.toISOString();
    const resolved = resolveIngest(file.fileName, { kind: dto.kind, machineName: dto.machine_name, sensorNo: dto.sensor_no, collectedAt, startTime }, firstLine?.trim());
    if (!resolved.ok) throw new InvalidInputError(resolved.problems.map((p) => p.message).join('; '), resolved.problems);
    return {
      checksum: file.checksum,
      bytes: file.bytes,
      fileName: file.fileName,
      path: file.path,
      deleteWhenDone: upload,
      kind: resolved.value.kind,
      machineName: dto.machine_name,
      sensorNo: dto.sensor_no,
      collectedAt,
      startTime,
      maxErrors: dto.max_errors,
    };
  }

  private validate(body: unknown): Promise<IngestJobDto> {
    return this.validation.transform(body, { type: 'body', metatype: IngestJobDto, data: '' });
  }
}
