import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';

/** Custom search attributes, so the Temporal Web UI and the jobs list can filter by them. */
export const SEARCH_ATTRIBUTES = {
  jobType: defineSearchAttributeKey('JobType', SearchAttributeType.KEYWORD),
  mainEntity: defineSearchAttributeKey('MainEntity', SearchAttributeType.KEYWORD),
} as const;

/** Progress every job workflow answers through the `progress` query. */
export interface JobProgress {
  phase: string;
  done: number;
  total: number | null;
  unit: string;
  message?: string;
  /** For jobs that read a file. */
  bytes_done?: number;
  bytes_total?: number;
}

export const progressQuery = defineQuery<JobProgress>('progress');

export const JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
