import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, Connection, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { AppConfig } from '@him/config';
import { ConflictError, InvalidInputError, NotFoundError } from '@him/contracts';
import { describedCron, ensureSchedule, ensureSearchAttributes, scheduleCatalogue, SCHEDULE_OVERLAP, temporalUiUrl, type ScheduleDefinition } from '@him/temporal';
import { callTemporal } from '../temporal/temporal-calls';
import type { ScheduleBackfillResponseDto, ScheduleResponseDto } from './schedules.dto';

const DAY_MS = 86_400_000;
/** A backfill covers at most a quarter: longer gaps are the KPI rollup's own backfill (day-partitioned). */
export const MAX_BACKFILL_DAYS = 92;
const NEXT_RUNS = 5;
/** Past nights backfilled run one after another, never at once. */
const BACKFILL_OVERLAP = ScheduleOverlapPolicy.BUFFER_ALL;

/** Lists and operates the catalogue's schedules (libs/temporal): nothing else in the namespace is reachable here. */
@Injectable()
export class SchedulesService {
  private readonly log = new Logger('schedules');
  private readonly definitions: Map<string, ScheduleDefinition>;

  constructor(
    @Inject(Client) private readonly client: Client,
    private readonly config: AppConfig,
  ) {
    this.definitions = new Map(scheduleCatalogue(config).map((d) => [d.id, d]));
  }

  list(): Promise<ScheduleResponseDto[]> {
    return this.call(async () => Promise.all([...this.definitions.keys()].map(async (id) => this.toDto(id, await this.describe(id)))));
  }

  get(id: string): Promise<ScheduleResponseDto> {
    return this.call(async () => this.toDto(id, await this.describe(id)));
  }

  /** Starts a run now; skipped, like a scheduled one, while the last run still runs (the schedule's overlap policy). */
  trigger(id: string, actor?: string): Promise<ScheduleResponseDto> {
    return this.call(async () => {
      await this.describe(id);
      await this.handle(id).trigger(SCHEDULE_OVERLAP);
      this.log.log(`${id} triggered by ${actor ?? 'unknown'}`);
      return this.toDto(id, await this.describe(id));
    });
  }

  pause(id: string, note: string | undefined, actor?: string): Promise<ScheduleResponseDto> {
    return this.call(async () => {
      await this.describe(id);
      await this.handle(id).pause(this.note('paused', note, actor));
      return this.toDto(id, await this.describe(id));
    });
  }

  unpause(id: string, note: string | undefined, actor?: string): Promise<ScheduleResponseDto> {
    return this.call(async () => {
      await this.describe(id);
      await this.handle(id).unpause(this.note('unpaused', note, actor));
      return this.toDto(id, await this.describe(id));
    });
  }

  /** Runs the schedule for every due time in [from, to] that it would have had, oldest first, one after another. */
  backfill(id: string, from: Date, to: Date, actor?: string, now = new Date()): Promise<ScheduleBackfillResponseDto> {
    if (!(from < to)) throw new InvalidInputError('from must be before to', [{ field: 'to', message: 'must be after from' }]);
    if (to > now) throw new InvalidInputError('to must not be in the future: the schedule runs future times itself', [{ field: 'to', message: 'must not be in the future' }]);
    if (to.getTime() - from.getTime() > MAX_BACKFILL_DAYS * DAY_MS) {
      throw new InvalidInputError(`a backfill covers at most ${MAX_BACKFILL_DAYS} days`, [{ field: 'to', message: `must be at most ${MAX_BACKFILL_DAYS} days after from` }]);
    }
    return this.call(async () => {
      const current = await this.describe(id);
      // Temporal would take a paused schedule's backfill and run it on unpause, unannounced: refuse it instead.
      if (current.state.paused) throw new ConflictError(`Schedule ${id} is paused; unpause it before backfilling (POST /api/v1/schedules/${id}/unpause)`);
      await this.handle(id).backfill({ start: from, end: to, overlap: BACKFILL_OVERLAP });
      this.log.log(`${id} backfilled ${from.toISOString()} → ${to.toISOString()} by ${actor ?? 'unknown'}`);
      return {
        id,
        from: from.toISOString(),
        to: to.toISOString(),
        overlap_policy: BACKFILL_OVERLAP.toLowerCase(),
        schedule: this.toDto(id, await this.describe(id)),
      };
    });
  }

  private handle(id: string): ScheduleHandle {
    return this.client.schedule.getHandle(id);
  }

  /** The schedule's description; an id outside the catalogue is a 404, and a catalogued one missing in Temporal is made now. */
  private async describe(id: string): Promise<ScheduleDescription> {
    const definition = this.definitions.get(id);
    if (!definition) throw new NotFoundError(`No schedule ${id}; the schedules are ${[...this.definitions.keys()].join(', ')}`);
    try {
      return await this.handle(id).describe();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    // Deleted in the Web UI, or the start-up creation has not got through yet.
    await ensureSearchAttributes(this.client.connection as Connection, this.config.temporal.namespace);
    await ensureSchedule(this.client, definition);
    return this.handle(id).describe();
  }

  private note(what: string, note: string | undefined, actor?: string): string {
    return `${note ?? what} (${actor ?? 'unknown'}, ${new Date().toISOString()})`;
  }

  private toDto(id: string, d: ScheduleDescription): ScheduleResponseDto {
    const definition = this.definitions.get(id)!;
    const ui = this.config.temporal;
    return {
      id,
      job_type: definition.job.type,
      cron: describedCron(d),
      timezone: d.spec.timezone ?? 'UTC',
      paused: d.state.paused,
      note: d.state.note || null,
      // Temporal's default when none is set is skip.
      overlap_policy: (d.policies.overlap ?? ScheduleOverlapPolicy.SKIP).toLowerCase(),
      catchup_window_s: Math.round(d.policies.catchupWindow / 1000),
      next_runs: d.info.nextActionTimes.slice(0, NEXT_RUNS).map((t) => t.toISOString()),
      recent_runs: d.info.recentActions.map((a) => ({
        workflow_id: a.action.workflow.workflowId,
        run_id: a.action.workflow.firstExecutionRunId,
        scheduled_at: a.scheduledAt.toISOString(),
        started_at: a.takenAt.toISOString(),
        status_url: `${this.config.publicUrl}/api/v1/jobs/${encodeURIComponent(a.action.workflow.workflowId)}`,
        temporal_ui_url: temporalUiUrl(ui.uiUrl, ui.namespace, a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId),
      })),
      running: d.info.runningActions.map((a) => a.workflow.workflowId),
      counts: {
        actions_taken: d.info.numActionsTaken,
        skipped_overlap: d.info.numActionsSkippedOverlap,
        missed_catchup_window: d.info.numActionsMissedCatchupWindow,
      },
      temporal_ui_url: `${ui.uiUrl}/namespaces/${encodeURIComponent(ui.namespace)}/schedules/${encodeURIComponent(id)}`,
    };
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return callTemporal(this.client, this.config.temporal.address, fn);
  }
}
