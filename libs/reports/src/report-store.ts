import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReportFormat } from '@him/contracts';

/**
 * Where reports' files live: BLOB_DIR/reports/<report id>/, named from the id and the format only (never from request
 * text). Files are written under a temporary name and renamed into place once complete and synced, so a reader sees
 * the whole file or none, and a worker killed mid-write leaves only a temporary file that nothing serves.
 */
export const reportStore = (blobDir: string): string => path.join(blobDir, 'reports');

const TEMP_PREFIX = '.incoming-';

/** The file of one format of a report, relative to the blob store (what the report row keeps). */
export const reportFilePath = (reportId: number, format: ReportFormat): string => path.join('reports', String(reportId), `report-${reportId}.${format}`);

/** The gathered document both renderers read, beside the files. */
export const reportDocumentPath = (reportId: number): string => path.join('reports', String(reportId), 'document.json');

/** A path the report row keeps, resolved in the blob store; refuses anything that would leave the store. */
export function resolveInStore(blobDir: string, relative: string): string {
  const store = reportStore(blobDir);
  const full = path.resolve(blobDir, relative);
  if (!full.startsWith(store + path.sep)) throw new Error(`report file path ${relative} is outside the report store`);
  return full;
}

export interface StoredFile {
  bytes: number;
  sha256: string;
}

/** Writes a file through `write`, hashing it as it goes, and syncs it to disk before answering. */
export async function writeHashedFile(file: string, write: (out: Writable) => Promise<void>): Promise<StoredFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  const counter: Transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await Promise.all([write(counter), pipeline(counter, createWriteStream(file))]);
  } catch (err) {
    counter.destroy();
    throw err;
  }
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Publishes a file atomically: `produce` writes it under a temporary name in the target's folder (and answers its size
 * and SHA-256), and it is renamed over `relative` only when `produce` succeeded. Temporary files left in the folder by earlier,
 * killed attempts at the same file are removed first.
 */
export async function publishAtomically(blobDir: string, relative: string, produce: (temp: string) => Promise<StoredFile>): Promise<StoredFile> {
  const target = resolveInStore(blobDir, relative);
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const base = path.basename(target);
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith(`${TEMP_PREFIX}${base}.`)) await fs.rm(path.join(dir, name), { force: true });
  }
  const temp = path.join(dir, `${TEMP_PREFIX}${base}.${randomUUID()}`);
  try {
    const stored = await produce(temp);
    await fs.rename(temp, target);
    return stored;
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/** publishAtomically of a file written here, through `write`. */
export function writeAtomically(blobDir: string, relative: string, write: (out: Writable) => Promise<void>): Promise<StoredFile> {
  return publishAtomically(blobDir, relative, (temp) => writeHashedFile(temp, write));
}

/** Deletes a report's folder (its files, document and any temporary file); returns the bytes freed. */
export async function removeReportFiles(blobDir: string, reportId: number): Promise<number> {
  const dir = path.join(reportStore(blobDir), String(reportId));
  let bytes = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) bytes += (await fs.stat(path.join(dir, name))).size;
  await fs.rm(dir, { recursive: true, force: true });
  return bytes;
}
