import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, Connection, WorkflowExecutionDescription, WorkflowExecutionInfo, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { AppConfig } from '@him/config';
import {
  ConflictError,
  describeJobFailure,
  JOB_STATUSES,
  JOB_TYPES,
  jobStart,
  NotFoundError,
  SEARCH_ATTRIBUTES,
  progressQuery,
  type JobRequest,
  type JobStatus,
  type JobType,
  type JobWorkflow,
} from '@him/contracts';
import { ensureSearchAttributes, temporalUiUrl } from '@him/temporal';
import { callTemporal } from '../temporal/temporal-calls';
import type { JobResponseDto, JobSearchDto, JobStartedResponseDto, JobSummaryDto } from './jobs.dto';

const STATUS_BY_TEMPORAL: Record<string, JobStatus> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
};

const VISIBILITY_STATUS: Record<JobStatus, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
  continued_as_new: 'ContinuedAsNew',
};

const STATUS_BY_VISIBILITY = Object.fromEntries(Object.entries(VISIBILITY_STATUS).map(([status, visible]) => [visible, status])) as Record<string, JobStatus>;

const QUERY_TIMEOUT_MS = 3000;

/** Jobs of one type in one status, as Temporal's visibility counts them. */
export interface JobCount {
  type: JobType;
  status: JobStatus;
  count: number;
}

/** Starts, lists, inspects and cancels job workflows through the Temporal client. */
@Injectable()
export class JobsService {
  private readonly log = new Logger('jobs');
  private searchAttributesReady?: Promise<void>;

  constructor(
    @Inject(Client) private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  /** Starts a job's workflow as the catalogue says (queue, id, search attributes); a running one is joined. */
  async start<T extends JobType>(request: JobRequest<T>): Promise<JobStartedResponseDto> {
    const job = jobStart(request);
    return this.guard(async () => {
      await this.ensureSearchAttributes();
      const handle = await this.client.workflow.start<JobWorkflow<T>>(job.workflowType, {
        taskQueue: job.taskQueue,
        workflowId: job.workflowId,
        staticSummary: job.staticSummary,
        args: [request.input] as Parameters<JobWorkflow<T>>,
        // A second request for a running job joins it instead of starting another.
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: new TypedSearchAttributes(job.searchAttributes),
      });
      this.log.log(`started ${request.type} as ${handle.workflowId}`);
      return {
        workflow_id: handle.workflowId,
        run_id: handle.firstExecutionRunId,
        status_url: this.statusUrl(handle.workflowId),
        temporal_ui_url: temporalUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, handle.workflowId, handle.firstExecutionRunId),
      };
    });
  }

  async list(q: JobSearchDto): Promise<JobSummaryDto[]> {
    const clauses = [`${SEARCH_ATTRIBUTES.jobType.name} IS NOT NULL`];
    if (q.type) clauses.push(`${SEARCH_ATTRIBUTES.jobType.name} = '${q.type}'`);
    if (q.status) clauses.push(`ExecutionStatus = '${VISIBILITY_STATUS[q.status]}'`);
    return this.guard(async () => {
      await this.ensureSearchAttributes();
      const jobs: JobSummaryDto[] = [];
      for await (const wf of this.client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(q.limit, 100) })) {
        jobs.push(this.summary(wf));
        if (jobs.length >= q.limit) break;
      }
      return jobs;
    });
  }

  /**
   * Every job type's jobs by status (0 where there are none): running ones, and finished ones until the namespace's
   * retention drops them. Visibility groups a count by status only, so it is one count per type, all at once under
   * one deadline.
   */
  async countByStatus(timeoutMs: number): Promise<JobCount[]> {
    return this.client.withDeadline(Date.now() + timeoutMs, async () => {
      await this.ensureSearchAttributes();
      const perType = await Promise.all(
        JOB_TYPES.map(async (type): Promise<JobCount[]> => {
          const { groups } = await this.client.workflow.count(`${SEARCH_ATTRIBUTES.jobType.name} = '${type}' GROUP BY ExecutionStatus`);
          const counted = new Map(groups.map((g) => [STATUS_BY_VISIBILITY[String(g.groupValues.flat()[0])], g.count]));
          return JOB_STATUSES.map((status) => ({ type, status, count: counted.get(status) ?? 0 }));
        }),
      );
      return perType.flat();
    });
  }

  async get(workflowId: string): Promise<JobResponseDto> {
    return this.guard(async () => {
      const handle = this.client.workflow.getHandle(workflowId);
      const description = await this.describe(workflowId);
      const status = STATUS_BY_TEMPORAL[description.status.name] ?? 'running';
      const [progress, outcome] = await Promise.all([
        this.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(progressQuery)).catch(() => null),
        status === 'running' ? Promise.resolve({ result: null, error: null }) : this.outcome(workflowId),
      ]);
      return {
        ...this.summary(description),
        progress: progress ?? null,
        result: outcome.result,
        error: outcome.error,
      };
    });
  }

  async cancel(workflowId: string): Promise<JobResponseDto> {
    return this.guard(async () => {
      const description = await this.describe(workflowId);
      if (description.status.name !== 'RUNNING') {
        throw new ConflictError(`Job ${workflowId} is not running (${STATUS_BY_TEMPORAL[description.status.name] ?? description.status.name})`);
      }
      await this.client.workflow.getHandle(workflowId).cancel();
      return this.get(workflowId);
    });
  }

  private async describe(workflowId: string): Promise<WorkflowExecutionDescription> {
    try {
      return await this.client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`Job ${workflowId} not found`);
      throw err;
    }
  }

  private async outcome(workflowId: string): Promise<{ result: unknown; error: JobResponseDto['error'] }> {
    try {
      return { result: await this.client.workflow.getHandle(workflowId).result(), error: null };
    } catch (err) {
      // The root cause (an activity's failure, not its wrapper); an internal error's text stays in the worker log.
      if (err instanceof WorkflowFailedError) return { result: null, error: describeJobFailure(err) };
      throw err;
    }
  }

  private summary(wf: WorkflowExecutionInfo | WorkflowExecutionDescription): JobSummaryDto {
    return {
      workflow_id: wf.workflowId,
      run_id: wf.runId,
      type: wf.typedSearchAttributes.get(SEARCH_ATTRIBUTES.jobType) ?? null,
      main_entity: wf.typedSearchAttributes.get(SEARCH_ATTRIBUTES.mainEntity) ?? null,
      status: STATUS_BY_TEMPORAL[wf.status.name] ?? 'running',
      started_at: wf.startTime.toISOString(),
      closed_at: wf.closeTime?.toISOString() ?? null,
      status_url: this.statusUrl(wf.workflowId),
      temporal_ui_url: temporalUiUrl(this.config.temporal.uiUrl, this.config.temporal.namespace, wf.workflowId, wf.runId),
    };
  }

  private statusUrl(workflowId: string): string {
    return `${this.config.publicUrl}/api/v1/jobs/${encodeURIComponent(workflowId)}`;
  }

  private ensureSearchAttributes(): Promise<void> {
    this.searchAttributesReady ??= ensureSearchAttributes(this.client.connection as Connection, this.config.temporal.namespace).catch((err) => {
      this.searchAttributesReady = undefined;
      throw err;
    });
    return this.searchAttributesReady;
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return callTemporal(this.client, this.config.temporal.address, fn);
  }
}
