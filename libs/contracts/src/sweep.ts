import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DriftAssessment } from './drift';
import { InvalidInputError } from './errors';

/** Job type `diagnosis-sweep`: diagnose every series with data past its watermark, then roll up the KPIs of the days it touched. */
export const SWEEP_JOB = 'diagnosis-sweep';

/** A series the sweep follows: a machine+sensor capture stream (`g3/1`) or a process lot (its code). */
export type SeriesKind = 'capture_stream' | 'lot';
export interface SeriesRef {
  kind: SeriesKind;
  key: string;
}

export interface SweepInput {
  /**
   * The day the sweep is for (YYYY-MM-DD in the plant's timezone): today for one started by hand. A scheduled run
   * has none (a schedule's arguments are fixed): it takes the night from its scheduled start time in `timezone`.
   * Names the job; which data is diagnosed is decided by the watermarks, not by it.
   */
  day?: string;
  /** IANA timezone of the plant, for a scheduled run's day. */
  timezone?: string;
  /** Series diagnosed at once (bounded fan-out); the configured default when omitted. */
  concurrency?: number;
  requestedBy?: string;
  /** Set by the workflow itself when it continues as new: series still to do and the totals so far. */
  carried?: SweepCarry;
}

/** What a sweep hands to its next run when it continues as new: small, never bulk data. */
export interface SweepCarry {
  pending: SeriesRef[];
  totals: SweepTotals;
  days: string[];
  seriesTotal: number;
  /** Series that failed in the runs before (a few: the others are counted in `totals` only). */
  failures?: SweepFailure[];
}

export interface SweepFailure {
  series: SeriesRef;
  reason: string;
}

export interface SweepTotals {
  series_done: number;
  series_failed: number;
  /** Captures (capture streams) or observations (lots) diagnosed. */
  items: number;
  /** 1 s windows diagnosed (capture streams). */
  windows: number;
  diagnoses_written: number;
  anomalies_written: number;
  predictions_written: number;
}

/** What diagnosing one series from its watermark to its end did (an activity's result). */
export interface SeriesSweepResult {
  series: SeriesRef;
  items: number;
  windows: number;
  diagnoses_written: number;
  anomalies_written: number;
  predictions_written: number;
  /** Model versions used (`name@version`). */
  models: string[];
  /** UTC days (YYYY-MM-DD) whose data was diagnosed: the KPI rollup recomputes these. */
  days: string[];
  /** Data time the series is now diagnosed up to (ISO), null when nothing was new. */
  data_until: string | null;
}

export interface SweepResult extends SweepTotals {
  day: string;
  series_total: number;
  /** Series whose diagnosis failed (the others are kept; the next sweep tries these again). */
  failures: SweepFailure[];
  days: string[];
  /** The workflow id of the KPI rollup it ran, or null when no day was touched. */
  kpi_rollup: string | null;
  /**
   * Why that rollup failed, when it did. The sweep still completes: its diagnoses and watermarks are committed, and
   * the next sweep will not touch these days again, so re-run `POST /api/v1/jobs/kpi-rollup` over `days` then.
   */
  kpi_rollup_failure?: string;
  /** Each monitored model's feature drift on the days touched, and what was done about it. */
  drift?: DriftAssessment[];
}

/**
 * The per-series diagnosis activities the sweep fans out to (CPU queue): each diagnoses one series from its
 * watermark to its end, advancing the watermark in the transaction of its writes, and heartbeats as it goes.
 */
export interface SeriesDiagnosisActivities {
  diagnoseCaptureStream(series: SeriesRef, jobId: string): Promise<SeriesSweepResult>;
  /**
   * A shard of capture streams, one after the other in one activity; per stream its result, or null where it failed
   * (the worker logs why and the sweep retries that stream on its own).
   */
  diagnoseCaptureStreams(shard: SeriesRef[], jobId: string): Promise<(SeriesSweepResult | null)[]>;
  diagnoseLot(series: SeriesRef, jobId: string): Promise<SeriesSweepResult>;
}

/** Capture streams per activity at most (see captureStreamShardSize). */
export const MAX_STREAMS_PER_SHARD = 16;

/**
 * Capture streams per activity for a sweep of `streams` streams at `concurrency`: about two shards per lane, so a lane
 * that drew light streams takes another shard while a heavy one finishes. An activity is far dearer to Temporal than a
 * capture stream is to diagnose (the sweep bench: 20 one-stream activities cost the dev server 0.4 CPU s, a third of
 * the sweep; in 4 shards, 0.14 s), hence shards, and not one activity per lane, for the balance.
 */
export function captureStreamShardSize(streams: number, concurrency: number): number {
  return Math.min(MAX_STREAMS_PER_SHARD, Math.max(1, Math.ceil(streams / (2 * concurrency))));
}

/** Series diagnosed at once when the input names no concurrency. */
export const SWEEP_DEFAULT_CONCURRENCY = 2;
export const SWEEP_MAX_CONCURRENCY = 8;

/** A capture stream's series key: `g3/1`. */
export const captureStreamKey = (machineName: string, sensorNo: string): string => `${machineName}/${sensorNo}`;

export function parseCaptureStreamKey(key: string): { machineName: string; sensorNo: string } {
  const slash = key.lastIndexOf('/');
  if (slash <= 0 || slash === key.length - 1) throw new InvalidInputError(`'${key}' is not a capture stream key (machine/sensor)`);
  return { machineName: key.slice(0, slash), sensorNo: key.slice(slash + 1) };
}

/** The calendar date (YYYY-MM-DD) of `at` in an IANA timezone. Pure Intl, so workflow code may call it. */
export function plantDay(at: Date, timezone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Temporal's own search attribute on a run a schedule started: the time it was scheduled for. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
