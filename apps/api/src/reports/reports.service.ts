import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { ConflictException, GoneException, Injectable, StreamableFile } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { ConflictError, InvalidInputError, NotFoundError, REPORT_JOB, reportFileName, reportRangeProblem, type ReportFormat, type ReportParams } from '@him/contracts';
import { EquipmentRepository, LotRepository, ReportRepository, ReportStatus, type Report } from '@him/db';
import { removeReportFiles, reportRequestKey, reportTitle, resolveInStore } from '@him/reports';
import { temporalUiUrl } from '@him/temporal';
import { assertDayRange } from '../common/day-range';
import { JobsService } from '../jobs/jobs.service';
import type { ReportCreateDto, ReportCreatedDto, ReportPageDto, ReportResponseDto, ReportSearchDto } from './reports.dto';

export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

const DAY_MS = 86_400_000;

// JSON can carry text no database column holds (a lone UTF-16 surrogate, control characters): such a name names no
// machine or lot, and must not reach the database driver, which refuses it with an error of its own.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_PLAIN = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_PLAIN_TEXT = 'each name must be text without control characters or unpaired surrogates';
const isPlainText = (name: string): boolean => !NOT_PLAIN.test(name);

/** A downloadable file: what the controller streams and the headers it sends. */
export interface ReportDownload {
  file: StreamableFile;
  etag: string;
}

/** Creates reports (one per distinct request), lists them, serves their files and deletes them. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The report of this request: a new one is created and its job started; an identical earlier request's report is
   * joined (running) or returned (ready) unless `force`; a failed or purged one is rendered again.
   */
  async create(body: ReportCreateDto, requestedBy?: string): Promise<ReportCreatedDto> {
    const params = await this.params(body);
    const { report, created } = await this.reports.open({ requestKey: reportRequestKey(params), title: reportTitle(params), params, createdBy: requestedBy });
    const again = body.force || report.status === ReportStatus.Failed || report.status === ReportStatus.Purged;
    if (!created && !again && report.status === ReportStatus.Ready) return this.created(report, ReportStatus.Ready, false);
    if (again) await this.reports.restart(report.id, requestedBy);
    await this.jobs.start({ type: REPORT_JOB, input: { reportId: report.id, title: report.title } });
    return this.created(report, again ? ReportStatus.Pending : report.status, created);
  }

  async list(q: ReportSearchDto): Promise<ReportPageDto> {
    const { items, total } = await this.reports.findPage(
      {
        type: q.type,
        status: q.status as ReportStatus | undefined,
        from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
        to: q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + DAY_MS) : undefined,
      },
      q.limit,
      q.offset,
    );
    return { items: items.map((r) => this.map(r)), total };
  }

  async get(id: number): Promise<ReportResponseDto> {
    return this.map(await this.found(id));
  }

  /** A ready report's file, streamed; 409 while it is being made (or failed), 410 once purged. */
  async download(id: number, format: ReportFormat): Promise<ReportDownload> {
    const report = await this.found(id);
    if (report.status === ReportStatus.Purged)
      throw new GoneException({ code: 'GONE', message: `Report ${id}'s files were deleted on ${report.purgedAt?.toISOString().slice(0, 10)} (retention)` });
    if (report.status !== ReportStatus.Ready) {
      const why =
        report.status === ReportStatus.Failed
          ? `failed (${report.error ?? 'no reason recorded'}); POST the request again to retry`
          : `is ${report.status}; try again when it is ready`;
      throw new ConflictException({ code: 'CONFLICT', message: `Report ${id} ${why}` });
    }
    const file = report.files?.find((f) => f.format === format);
    if (!file) throw new NotFoundError(`Report ${id} has no ${format} file (it was made as ${(report.files ?? []).map((f) => f.format).join(', ')})`);
    const full = resolveInStore(this.config.blobDir, file.path);
    // The row says ready; a file that is not there (deleted by hand) is gone, not a server fault.
    const stat = await fs.stat(full).catch(() => null);
    if (!stat) throw new GoneException({ code: 'GONE', message: `Report ${id}'s ${format} file is no longer in the store` });
    const stream = createReadStream(full);
    return {
      etag: `"${file.sha256}"`,
      file: new StreamableFile(stream, {
        type: REPORT_CONTENT_TYPES[format],
        disposition: `attachment; filename="${reportFileName(report.params, format)}"`,
        length: stat.size,
      }),
    };
  }

  /** Deletes a report's files (admin); the row stays as the record, purged. */
  async remove(id: number, by: { actor: string; role: string; apiKeyId?: number; requestId?: string }): Promise<ReportResponseDto> {
    const report = await this.found(id);
    if (report.status === ReportStatus.Pending || report.status === ReportStatus.Running)
      throw new ConflictError(`Report ${id} is ${report.status}; delete it when it has finished`);
    if (report.status !== ReportStatus.Purged) {
      await removeReportFiles(this.config.blobDir, id);
      await this.reports.markPurged(id, { ...by, route: 'DELETE /api/v1/reports/:id' });
    }
    return this.map(await this.found(id));
  }

  /** The request in its normal form, checked against its type and the database. */
  private async params(body: ReportCreateDto): Promise<ReportParams> {
    const problem = reportRangeProblem(body.type, body.from, body.to);
    if (problem) throw new InvalidInputError(`Invalid report range: ${problem}`, [{ field: 'to', message: problem }]);
    assertDayRange(body.from, body.to, this.config.kpiMaxRangeDays);
    const equipment = [...new Set(body.equipment ?? [])].sort();
    const lots = [...new Set(body.lots ?? [])].sort();
    for (const [field, names] of [
      ['equipment', equipment],
      ['lots', lots],
    ] as const) {
      const bad = names.find((name) => !isPlainText(name));
      if (bad !== undefined) {
        throw new InvalidInputError(`${field} names ${JSON.stringify(bad)}, which is not plain text`, [{ field, message: NOT_PLAIN_TEXT }]);
      }
    }
    if (body.type === 'lot' && lots.length === 0)
      throw new InvalidInputError('A lot report names its lots', [{ field: 'lots', message: 'name at least one lot for a lot report' }]);
    for (const name of equipment) if ((await this.equipment.findIdByCode(name)) === null) throw new NotFoundError(`No equipment named ${name}`);
    for (const code of lots) if (!(await this.lots.findByCode(code))) throw new NotFoundError(`No lot ${code}`);
    return { type: body.type, from: body.from, to: body.to, equipment, lots, formats: [...new Set<ReportFormat>(body.formats ?? ['xlsx', 'pdf'])].sort(), lang: body.lang ?? 'en' };
  }

  private async found(id: number): Promise<Report> {
    const report = await this.reports.findById(id);
    if (!report) throw new NotFoundError(`No report ${id}`);
    return report;
  }

  private created(report: Report, status: ReportStatus, created: boolean): ReportCreatedDto {
    // A ready report returned as it is names the job that made it (for a scheduled one, the weekly-report run's); else the job just started.
    const workflowId = status === ReportStatus.Ready && report.workflowId ? report.workflowId : `${REPORT_JOB}-${report.id}`;
    return {
      report_id: report.id,
      workflow_id: workflowId,
      status_url: `${this.config.publicUrl}/api/v1/reports/${report.id}`,
      temporal_ui_url: temporalUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, workflowId),
      status,
      created,
    };
  }

  private map(r: Report): ReportResponseDto {
    const base = `${this.config.publicUrl}/api/v1/reports/${r.id}`;
    return {
      report_id: r.id,
      title: r.title,
      type: r.params.type,
      status: r.status,
      params: r.params,
      files: (r.files ?? []).map((f) => ({
        format: f.format,
        bytes: f.bytes,
        sha256: f.sha256,
        file_name: reportFileName(r.params, f.format),
        download_url: `${base}/download?format=${f.format}`,
      })),
      data_window: r.dataWindow ?? null,
      model_versions: r.modelVersions ?? null,
      row_counts: r.rowCounts ?? null,
      data_checksum: r.dataChecksum ?? null,
      workflow_id: r.workflowId ?? null,
      temporal_ui_url: r.workflowId ? temporalUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, r.workflowId) : null,
      error: r.error ?? null,
      created_by: r.createdBy ?? null,
      created_at: r.createdAt.toISOString(),
      finished_at: r.finishedAt?.toISOString() ?? null,
      purged_at: r.purgedAt?.toISOString() ?? null,
    };
  }
}
