import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import type { AppConfig } from '@him/config';
import { FILE_NOT_ALLOWED } from '@him/contracts';
import { uploadStore } from '@him/ingest';

/**
 * The files an ingest may touch. A workflow can be started by anyone who reaches Temporal (its UI, its CLI), so
 * the activities re-check what the API already did: a file is read only inside the upload store or the data
 * directory, symbolic links resolved, and only uploads are ever deleted.
 */
export class IngestFileAccess {
  constructor(private readonly config: AppConfig) {}

  /** The real path of a job's file, or a non-retryable FILE_NOT_ALLOWED failure. */
  readable(file: string, deleteWhenDone = false): string {
    const real = realPath(file);
    const upload = isInside(real, realPath(uploadStore(this.config.blobDir)));
    if (!upload && !isInside(real, realPath(this.config.dataDir))) {
      throw ApplicationFailure.create({ type: FILE_NOT_ALLOWED, nonRetryable: true, message: 'the job names a file outside the upload store and the data directory: refused' });
    }
    if (deleteWhenDone && !upload) {
      throw ApplicationFailure.create({
        type: FILE_NOT_ALLOWED,
        nonRetryable: true,
        message: 'the job asks to delete a file that is not an upload: refused (only uploads are deleted)',
      });
    }
    return real;
  }

  /** Deletes a job's upload when the job says so; never a file outside the upload store. */
  removeUpload(input: { path: string; deleteWhenDone: boolean }): void {
    if (!input.deleteWhenDone) return;
    const real = realPath(input.path);
    if (isInside(real, realPath(uploadStore(this.config.blobDir)))) fs.rmSync(real, { force: true });
  }
}

/** Symbolic links resolved; for a path that does not exist (yet, or any more), its nearest existing folder's. */
function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch (err) {
    const parent = path.dirname(file);
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === file) throw err;
    return path.join(realPath(parent), path.basename(file));
  }
}

const isInside = (file: string, dir: string): boolean => file.startsWith(dir + path.sep);
