// Jobs as the API gives them (POST /jobs/<type>, GET /jobs, GET /jobs/{workflow_id}), and how far one is.
import { ApiError } from './api';

export interface JobProgress {
  phase: string;
  done: number;
  total: number | null;
  unit: string;
  message?: string;
  // Ingest reports bytes too: its row total is unknown until the file is read.
  bytes_done?: number;
  bytes_total?: number;
}

export interface JobSummary {
  workflow_id: string;
  run_id: string;
  type: string | null;
  main_entity: string | null;
  status: string;
  started_at: string;
  closed_at: string | null;
  temporal_ui_url: string;
}

export interface JobError {
  message: string;
  type: string;
  details?: unknown;
}

export interface JobDetail extends JobSummary {
  progress: JobProgress | null;
  result: unknown;
  error: JobError | null;
}

export interface JobStarted {
  workflow_id: string;
  run_id: string;
  temporal_ui_url: string;
}

export const jobPath = (workflowId: string): string => `/jobs/${encodeURIComponent(workflowId)}`;

/** How far a job is, 0..1, or null when it cannot tell (the bar is then indeterminate). */
export function progressFraction(progress: JobProgress | null | undefined): number | null {
  if (!progress) return null;
  if (progress.total) return progress.done / progress.total;
  if (progress.bytes_total) return (progress.bytes_done ?? 0) / progress.bytes_total;
  return null;
}

export function progressText(progress: JobProgress | null | undefined): string {
  if (!progress) return '';
  const count = `${progress.done.toLocaleString()}${progress.total === null ? '' : ` / ${progress.total.toLocaleString()}`} ${progress.unit}`;
  return [progress.phase, count, progress.message].filter(Boolean).join(' · ');
}

/** A failed job's error as the API words it, for ErrorNote; an ingest's rejected lines as `line N: reason`. */
export function jobError(error: JobError): ApiError {
  const details = error.details;
  const lines = (details as { errors?: unknown } | null | undefined)?.errors;
  return new ApiError({
    status: 0,
    code: error.type,
    message: error.message,
    details: Array.isArray(lines)
      ? (lines as { line: number; reason: string }[]).map((l) => ({ line: l.line, message: l.reason }))
      : Array.isArray(details)
        ? (details as { field?: string; message: string }[])
        : undefined,
  });
}
