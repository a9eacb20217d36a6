import * as path from 'node:path';

/** Where uploads wait for their ingest, each under the SHA-256 of its content (BLOB_DIR/uploads). */
export const uploadStore = (blobDir: string): string => path.join(blobDir, 'uploads');

/** The name prefix of an upload still being received (or abandoned by a crash while it was). */
export const INCOMING_PREFIX = '.incoming-';
