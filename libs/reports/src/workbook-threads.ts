import * as path from 'node:path';
import { Piscina } from 'piscina';
import { compiledFile } from '@him/config';
import type { ReportDocument } from './report-document';
import type { StoredFile } from './report-store';
import type { WorkbookTask } from './workbook-thread';

/** Threads load JavaScript: the build's copy when this module runs as TypeScript (see compiledFile). */
const THREAD_FILE = compiledFile(path.join(__dirname, `workbook-thread${path.extname(__filename)}`));

/**
 * A workbook thread's heap. Its young generation is larger than the worker's own (WORKER_NODE_FLAGS): a workbook makes
 * millions of short-lived cell objects, and 100 k diagnoses + 20 k anomalies took 5.0–5.4 s to write with 8 MB, 3.2–3.4 s
 * with 64 MB. Its old generation holds little (the rows stream through); a low limit makes V8 collect it early.
 */
const THREAD_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 64 };
/** The threads are stopped after this long without a workbook: their memory goes back when no report is being made. */
const IDLE_MS = 60_000;

/** Where a thread reads a report's rows: a module exporting `openReportRowReader(options)` (REPORT_ROWS_MODULE of @him/db). */
export interface RowSource {
  module: string;
  /** Given to `openReportRowReader` in each thread (the database settings): plain data. */
  options: unknown;
}

/** A workbook to write: the document, and the rows it lists (the scope and each table's last id). */
export interface WorkbookRows {
  scope: unknown;
  maxIds: WorkbookTask['maxIds'];
}

/**
 * Threads that write report workbooks, each reading the rows it lists on a connection of its own, so a report uses
 * both cores: the workbook in a thread, the PDF on the worker's main thread.
 */
export class WorkbookThreads {
  private pool: Piscina<WorkbookTask, StoredFile> | undefined;
  private idle: NodeJS.Timeout | undefined;
  private writing = 0;

  constructor(
    private readonly threads: number,
    private readonly source: RowSource,
  ) {}

  /** Writes a report's workbook into `file`; answers its size and SHA-256. */
  async write(document: ReportDocument, rows: WorkbookRows, file: string): Promise<StoredFile> {
    clearTimeout(this.idle);
    this.writing += 1;
    try {
      return await this.running().run({ document, file, source: this.source, ...rows });
    } finally {
      this.writing -= 1;
      if (this.writing === 0) this.idle = setTimeout(() => void this.close(), IDLE_MS).unref();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private running(): Piscina<WorkbookTask, StoredFile> {
    return (this.pool ??= new Piscina({
      filename: THREAD_FILE,
      // Started with the pool (piscina's on-demand start with none never ran a task under jest); the pool itself is
      // closed when idle.
      minThreads: 1,
      maxThreads: this.threads,
      resourceLimits: THREAD_LIMITS,
    }));
  }
}
