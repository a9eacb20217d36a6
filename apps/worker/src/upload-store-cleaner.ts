import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { IngestLedgerRepository } from '@him/db';
import { uploadStore } from '@him/ingest';

/** Age after which an upload no running ingest uses counts as abandoned: far longer than an upload waits for its ingest. */
export const UPLOAD_GRACE_MS = 24 * 3_600_000;
const SWEEP_EVERY_MS = 3_600_000;

/**
 * An ingest deletes its upload when it ends, but one that never ends (a crash, a workflow terminated from the
 * Temporal UI) or an upload cut off mid-transfer leaves its file behind. The worker removes such files when it
 * starts and every hour: older than the grace period, and not the content of an ingest the ledger shows running.
 */
@Injectable()
export class UploadStoreCleaner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('upload-store');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly ledger: IngestLedgerRepository,
  ) {}

  onApplicationBootstrap(): void {
    const sweep = () => void this.sweep().catch((err: Error) => this.log.warn(`could not clean the upload store: ${err.message}`));
    sweep();
    this.timer = setInterval(sweep, SWEEP_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Removes the abandoned files of the store; returns their names. */
  async sweep(): Promise<string[]> {
    const dir = uploadStore(this.config.blobDir);
    const abandoned = () => {
      const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      return names.filter((name) => {
        const stat = fs.lstatSync(path.join(dir, name), { throwIfNoEntry: false });
        return stat?.isFile() && Date.now() - stat.mtimeMs > UPLOAD_GRACE_MS;
      });
    };
    if (abandoned().length === 0) return [];
    const running = await this.ledger.runningChecksums();
    // Listed again after the ledger was read: an upload sent meanwhile has a fresh mtime (the API marks reused files).
    const removed = abandoned().filter((name) => !running.has(name));
    for (const name of removed) fs.rmSync(path.join(dir, name), { force: true });
    if (removed.length) this.log.log(`removed ${removed.length} abandoned upload(s)`);
    return removed;
  }
}
