// The workflows are imported as types only: nothing of workflows/ is loaded with the contracts.
import type * as workflows from '../../../workflows';
import { AUDIT_RETENTION_JOB } from './audit-retention';
import { describeDriftTrigger } from './drift';
import { INGEST_JOB } from './ingest';
import { KPI_ROLLUP_JOB } from './kpi';
import { SEARCH_ATTRIBUTES } from './jobs';
import { REPORT_JOB, REPORT_RETENTION_JOB, WEEKLY_REPORT_JOB } from './report';
import { RETRAIN_JOB } from './retrain';
import { SWEEP_JOB } from './sweep';
import { TASK_QUEUES, type TaskQueue } from './task-queues';

/** The workflows the worker registers (workflows/index.ts), by exported name. */
export type Workflows = typeof workflows;
export type WorkflowName = keyof Workflows;
export type WorkflowInput<N extends WorkflowName> = Parameters<Workflows[N]>[0];
export type WorkflowOutput<N extends WorkflowName> = Awaited<ReturnType<Workflows[N]>>;

/** One job type: which workflow runs it, on which queue, under which id and search attributes. */
export interface JobDefinition<N extends WorkflowName> {
  /** The workflow function's exported name: renaming the workflow, or changing its input, fails to compile. */
  workflowType: N;
  /** Its workflow tasks' queue; each activity names its own (proxyActivities in the workflow). */
  taskQueue: TaskQueue;
  /** Deterministic, so the same job never runs twice at once: a second start joins the running one. */
  workflowId(input: WorkflowInput<N>): string;
  /** The MainEntity search attribute: what the job works on. */
  mainEntity(input: WorkflowInput<N>): string;
  /** One line the Temporal Web UI shows for the run (its static summary), e.g. `ingest g1_sensor1.csv`. */
  summary(input: WorkflowInput<N>): string;
}

function job<N extends WorkflowName>(definition: JobDefinition<N>): JobDefinition<N> {
  return definition;
}

/**
 * Every job type. The API's job starters, the worker's registration and the schedules read it: a new job type is an
 * entry here, its workflow file, its activities and its request DTO.
 */
export const JOB_CATALOGUE = {
  [AUDIT_RETENTION_JOB]: job({
    workflowType: 'auditRetention',
    taskQueue: TASK_QUEUES.io,
    // One job per cutoff day: every request of a day joins it.
    workflowId: (input) => `${AUDIT_RETENTION_JOB}-before-${input.cutoff.slice(0, 10)}`,
    mainEntity: () => 'audit_log',
    summary: (input) => `audit retention: entries before ${input.cutoff.slice(0, 10)}`,
  }),
  [INGEST_JOB]: job({
    workflowType: 'ingestWithDedupe',
    taskQueue: TASK_QUEUES.io,
    // The content's checksum: the same file is one job, however often and however fast it is sent.
    workflowId: (input) => `${INGEST_JOB}-${input.checksum}`,
    mainEntity: (input) => input.fileName,
    summary: (input) => `ingest ${input.fileName}`,
  }),
  [RETRAIN_JOB]: job({
    workflowType: 'retrainModel',
    taskQueue: TASK_QUEUES.io,
    // One retrain per model at a time.
    workflowId: (input) => `${RETRAIN_JOB}-${input.model}`,
    mainEntity: (input) => input.model,
    summary: (input) => `retrain ${input.model} (promote: ${input.promote})${input.trigger ? ` · ${describeDriftTrigger(input.trigger)}` : ''}`,
  }),
  [SWEEP_JOB]: job({
    workflowType: 'diagnosisSweep',
    taskQueue: TASK_QUEUES.io,
    // One sweep per night: the schedule's run and a hand-started one of the same day join.
    // (A scheduled run's id is the schedule's, with its time appended by Temporal.)
    workflowId: (input) => `${SWEEP_JOB}-${input.day ?? 'scheduled'}`,
    mainEntity: () => 'all series',
    summary: (input) => (input.day ? `nightly sweep for ${input.day}` : 'nightly sweep (scheduled)'),
  }),
  [KPI_ROLLUP_JOB]: job({
    workflowType: 'kpiRollup',
    taskQueue: TASK_QUEUES.io,
    // The same range is the same job; upserts make any overlap harmless.
    workflowId: (input) => `${KPI_ROLLUP_JOB}-${input.from}-${input.to}`,
    mainEntity: (input) => `${input.from}..${input.to}`,
    summary: (input) => (input.from === input.to ? `KPI rollup for ${input.from}` : `KPI rollup ${input.from} → ${input.to}`),
  }),
  [REPORT_JOB]: job({
    workflowType: 'generateReport',
    taskQueue: TASK_QUEUES.io,
    // The report row is one per distinct request: a second start while it renders joins the first.
    workflowId: (input) => `${REPORT_JOB}-${input.reportId}`,
    mainEntity: (input) => `report ${input.reportId}`,
    summary: (input) => (input.title ? `report ${input.reportId}: ${input.title}` : `report ${input.reportId}`),
  }),
  [WEEKLY_REPORT_JOB]: job({
    workflowType: 'weeklyReport',
    taskQueue: TASK_QUEUES.io,
    // Scheduled runs get their time appended by Temporal; a hand start is the schedule's "trigger now".
    workflowId: () => `${WEEKLY_REPORT_JOB}-scheduled`,
    mainEntity: () => 'previous ISO week',
    summary: (input) => `weekly report of the previous ISO week (${input.formats.join(', ')}, ${input.lang})`,
  }),
  [REPORT_RETENTION_JOB]: job({
    workflowType: 'reportRetention',
    taskQueue: TASK_QUEUES.io,
    workflowId: (input) => `${REPORT_RETENTION_JOB}-${input.olderThanDays}d`,
    mainEntity: () => 'report files',
    summary: (input) => `report retention: files of reports older than ${input.olderThanDays} days`,
  }),
};

export type JobType = keyof typeof JOB_CATALOGUE;
export const JOB_TYPES = Object.keys(JOB_CATALOGUE) as JobType[];
export type JobWorkflowName<T extends JobType> = (typeof JOB_CATALOGUE)[T]['workflowType'];
/** The workflow function's type, for `client.workflow.start<JobWorkflow<T>>`. */
export type JobWorkflow<T extends JobType> = Workflows[JobWorkflowName<T>];
export type JobInput<T extends JobType> = WorkflowInput<JobWorkflowName<T>>;
export type JobOutput<T extends JobType> = WorkflowOutput<JobWorkflowName<T>>;

/** A job to start: its type and its workflow's input, checked against each other. */
export type JobRequest<T extends JobType = JobType> = { [K in T]: { type: K; input: JobInput<K> } }[T];

/** What a job's workflow starts with: queue, id and search attributes, all from the catalogue. */
export function jobStart<T extends JobType>({ type, input }: JobRequest<T>) {
  const definition: JobDefinition<WorkflowName> = JOB_CATALOGUE[type];
  return {
    workflowType: definition.workflowType as JobWorkflowName<T>,
    taskQueue: definition.taskQueue,
    workflowId: definition.workflowId(input),
    staticSummary: definition.summary(input),
    searchAttributes: [
      { key: SEARCH_ATTRIBUTES.jobType, value: type as string },
      { key: SEARCH_ATTRIBUTES.mainEntity, value: definition.mainEntity(input) },
    ],
  };
}

/** The task queues that run workflows: the worker registers the workflow bundle on these. */
export const WORKFLOW_TASK_QUEUES: readonly TaskQueue[] = [...new Set(Object.values(JOB_CATALOGUE).map((j) => j.taskQueue))];
