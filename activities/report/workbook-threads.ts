import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig, compiledFile } from '@him/config';
import { REPORT_ROWS_MODULE } from '@him/db';
import { WorkbookThreads } from '@him/reports';

/**
 * The worker's workbook threads, reading from the worker's database: one per CPU-queue slot (WORKER_CPU_CONCURRENCY),
 * started when a workbook is written and stopped after a minute idle.
 */
@Injectable()
export class ReportWorkbookThreads extends WorkbookThreads implements OnModuleDestroy {
  constructor(config: AppConfig) {
    super(config.worker.concurrency.cpu, { module: compiledFile(REPORT_ROWS_MODULE), options: config.database });
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
