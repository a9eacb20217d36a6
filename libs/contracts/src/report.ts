import { addUtcDays, isUtcDay } from './kpi';

/** Job type `report`: renders a report's files (xlsx, pdf) from the database and publishes them with their checksums. */
export const REPORT_JOB = 'report';
/** Job type `weekly-report`: what the `weekly-report` schedule starts; opens the previous ISO week's report and renders it. */
export const WEEKLY_REPORT_JOB = 'weekly-report';
/** Job type `report-retention`: deletes the files of reports older than the retention, keeping their rows (410 Gone). */
export const REPORT_RETENTION_JOB = 'report-retention';

export const REPORT_TYPES = ['daily', 'weekly', 'equipment', 'lot'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const REPORT_FORMATS = ['xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGUAGES = ['en', 'ko'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export const REPORT_STATUSES = ['pending', 'running', 'ready', 'failed', 'purged'] as const;
export type ReportStatusName = (typeof REPORT_STATUSES)[number];

/** What a report is of: the request, normalised (sorted, deduplicated), so the same request is the same report. */
export interface ReportParams {
  type: ReportType;
  /** First and last UTC day, inclusive. */
  from: string;
  to: string;
  /** Equipment names; empty: all. */
  equipment: string[];
  /** Lot codes; empty: all lots of the range. */
  lots: string[];
  formats: ReportFormat[];
  lang: ReportLanguage;
}

export interface ReportInput {
  /** The report row the API (or the weekly schedule's run) opened. */
  reportId: number;
  /** For the Temporal UI's summary, e.g. `Weekly report 2026-W47`. */
  title?: string;
}

/** The weekly schedule's fixed input: each run reports on the ISO week before its start, in the plant's timezone. */
export interface WeeklyReportInput {
  timezone: string;
  formats: ReportFormat[];
  lang: ReportLanguage;
}

/** What the report activities hand the workflow after gathering: only ids, counts and names, never rows. */
export interface PreparedReport {
  formats: ReportFormat[];
  rows: Record<string, number>;
}

export interface PublishedReportFile {
  format: ReportFormat;
  /** Relative to the blob store. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ReportResult {
  report_id: number;
  status: ReportStatusName;
  files: PublishedReportFile[];
  rows: Record<string, number>;
}

export interface ReportRetentionInput {
  /** Reports created more than this many days before the run's start lose their files. */
  olderThanDays: number;
  batchSize: number;
}

export interface ReportRetentionResult {
  cutoff: string;
  purged: number;
  bytes: number;
}

/** ISO 8601 week of a day: `2026-W47` (the week of its Thursday). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of the ISO week before the one `day` falls in. */
export function previousIsoWeekMonday(day: string): string {
  const monday = addUtcDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  return addUtcDays(monday, -7);
}

/** Why a report request's range does not fit its type, or null (daily: one day; weekly: Monday to Sunday). */
export function reportRangeProblem(type: ReportType, from: string, to: string): string | null {
  if (!isUtcDay(from) || !isUtcDay(to)) return 'from and to must be calendar days written YYYY-MM-DD';
  if (from > to) return 'from must not be after to';
  if (type === 'daily' && from !== to) return 'a daily report covers one day: from = to';
  if (type === 'weekly' && (new Date(`${from}T00:00:00Z`).getUTCDay() !== 1 || to !== addUtcDays(from, 6))) {
    return 'a weekly report covers one ISO week: from a Monday to the Sunday after it';
  }
  return null;
}

/** The name a downloaded file gets: `him-mes_weekly_2026-W47.xlsx`; only the type and days, never user text. */
export function reportFileName(params: Pick<ReportParams, 'type' | 'from' | 'to'>, format: ReportFormat): string {
  const period = params.type === 'weekly' ? isoWeek(params.from) : params.from === params.to ? params.from : `${params.from}_${params.to}`;
  return `him-mes_${params.type}_${period}.${format}`;
}
