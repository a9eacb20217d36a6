import * as fs from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { Context, heartbeat } from '@temporalio/activity';
import { AppConfig } from '@him/config';
import { addUtcDays, NotFoundError, type PreparedReport, type PublishedReportFile, type ReportFormat, type ReportLanguage, type ReportResult } from '@him/contracts';
import { ReportRepository, ReportStatus, type Report } from '@him/db';
import {
  removeReportFiles,
  reportDocumentPath,
  reportFilePath,
  reportRequestKey,
  reportTitle,
  resolveInStore,
  writeAtomically,
  writeReportPdf,
  publishAtomically,
} from '@him/reports';
import { Activity } from '../activity.decorator';
import { ReportGathering, reviveGathered } from './report-gathering';
import { ReportWorkbookThreads } from './workbook-threads';

/** Heartbeats while a file renders: the render activities' heartbeat timeout is 30 s. */
const HEARTBEAT_MS = 5000;

/** Runs `work`, heartbeating every few seconds while it runs: a worker that dies is noticed at the heartbeat timeout. */
async function whileBeating<T>(detail: string, work: () => Promise<T>): Promise<T> {
  const beating = setInterval(() => heartbeat(detail), HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(beating);
  }
}

/** Activities of the report jobs: gather (I/O), render each format (CPU), publish or fail (I/O), open the weekly one, purge. */
@Injectable()
export class ReportActivities {
  constructor(
    private readonly reports: ReportRepository,
    private readonly gathering: ReportGathering,
    private readonly workbooks: ReportWorkbookThreads,
    private readonly config: AppConfig,
  ) {}

  /**
   * Marks the report running, gathers its document (written to the blob store for the renderers) and records on the
   * report what it is made from: data window, model versions, row counts, data checksum.
   */
  @Activity()
  async prepareReport(reportId: number, workflowId: string): Promise<PreparedReport> {
    return whileBeating('gathering', async () => {
      const report = await this.report(reportId);
      await this.reports.markRunning(reportId, workflowId);
      const gathered = await this.gathering.gather(report);
      await writeAtomically(this.config.blobDir, reportDocumentPath(reportId), async (out) => {
        out.end(JSON.stringify(gathered));
      });
      const { document } = gathered;
      await this.reports.recordContents(reportId, {
        dataWindow: document.dataWindow,
        modelVersions: document.modelVersions,
        rowCounts: document.rowCounts,
        dataChecksum: document.dataChecksum,
      });
      return { formats: report.params.formats, rows: document.rowCounts };
    });
  }

  /**
   * Renders one format from the gathered document into the blob store, atomically: the PDF here, the workbook in a
   * workbook thread that reads the rows itself. Heartbeats while it works.
   */
  @Activity({ queue: 'cpu' })
  async renderReport(reportId: number, format: ReportFormat): Promise<PublishedReportFile> {
    const { document, scope, maxIds } = reviveGathered(await fs.readFile(resolveInStore(this.config.blobDir, reportDocumentPath(reportId)), 'utf8'));
    const relative = reportFilePath(reportId, format);
    return whileBeating(format, async () => {
      const stored =
        format === 'pdf'
          ? await writeAtomically(this.config.blobDir, relative, (out) => writeReportPdf(document, out))
          : await publishAtomically(this.config.blobDir, relative, (temp) => this.workbooks.write(document, { scope, maxIds }, temp));
      return { format, path: relative, ...stored };
    });
  }

  /** Makes the files downloadable: the report becomes ready with them, in one write. */
  @Activity()
  async publishReport(reportId: number, files: PublishedReportFile[]): Promise<void> {
    await this.reports.publish(reportId, files);
  }

  @Activity()
  async failReport(reportId: number, message: string): Promise<void> {
    await this.reports.markFailed(reportId, message);
  }

  /**
   * The weekly schedule's report of the ISO week starting `from`: opened like an API request for it (so the same
   * request by hand joins it); `ready` when it was made already.
   */
  @Activity()
  async openWeeklyReport(from: string, formats: ReportFormat[], lang: ReportLanguage): Promise<{ reportId: number; ready?: ReportResult }> {
    const params = { type: 'weekly' as const, from, to: addUtcDays(from, 6), equipment: [], lots: [], formats: [...formats].sort(), lang };
    const { report } = await this.reports.open({ requestKey: reportRequestKey(params), title: reportTitle(params), params, createdBy: 'schedule:weekly-report' });
    if (report.status === ReportStatus.Ready) {
      return { reportId: report.id, ready: { report_id: report.id, status: 'ready', files: report.files ?? [], rows: report.rowCounts ?? {} } };
    }
    if (report.status !== ReportStatus.Pending) await this.reports.restart(report.id);
    return { reportId: report.id };
  }

  /** Deletes the files of up to `batchSize` reports created before the cutoff; each purge is audited. */
  @Activity()
  async purgeExpiredReports(cutoff: string, batchSize: number): Promise<{ purged: number; bytes: number }> {
    let purged = 0;
    let bytes = 0;
    const workflowId = Context.current().info.workflowExecution?.workflowId;
    for (const report of await this.reports.findExpired(new Date(cutoff), batchSize)) {
      bytes += await removeReportFiles(this.config.blobDir, report.id);
      if (await this.reports.markPurged(report.id, { actor: 'report-retention', route: 'workflow:reportRetention', requestId: workflowId })) purged += 1;
      heartbeat(purged);
    }
    return { purged, bytes };
  }

  private async report(reportId: number): Promise<Report> {
    const report = await this.reports.findById(reportId);
    if (!report) throw new NotFoundError(`No report ${reportId}`);
    return report;
  }
}
