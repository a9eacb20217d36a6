import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AppConfig } from '@him/config';
import { dstClockProblem, ensureSchedules, ensureSearchAttributes, scheduleCatalogue } from '@him/temporal';

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 15_000;

export type SchedulesState = { status: 'ensured'; at: string } | { status: 'pending'; error?: string } | { status: 'disabled' };

/**
 * Creates or updates the catalogue's schedules when the API starts (ENSURE_SCHEDULES), in the background: the API
 * must answer (and report "not ready") while Temporal is down, so this retries with back-off until it gets through,
 * saying so in the log and in readiness. Several API processes starting at once are fine (ensureSchedule).
 */
@Injectable()
export class SchedulesBootstrap implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('schedules');
  private state: SchedulesState = { status: 'pending' };
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(Client) private readonly client: Client,
    private readonly config: AppConfig,
  ) {}

  get current(): SchedulesState {
    return this.state;
  }

  onApplicationBootstrap(): void {
    if (!this.config.schedules.ensureAtStart) {
      this.state = { status: 'disabled' };
      return;
    }
    for (const def of scheduleCatalogue(this.config)) {
      const problem = dstClockProblem(def);
      if (problem) this.log.warn(`${def.id}: ${problem}; choose a time outside 01:00–03:00 or a zone without DST (cron '${def.cron}')`);
    }
    void this.attempt(FIRST_RETRY_MS);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(nextDelayMs: number): Promise<void> {
    try {
      await ensureSearchAttributes(this.client.connection as Connection, this.config.temporal.namespace);
      const outcomes = await this.client.withDeadline(Date.now() + 30_000, () => ensureSchedules(this.client, scheduleCatalogue(this.config)));
      this.state = { status: 'ensured', at: new Date().toISOString() };
      this.log.log(
        `schedules: ${Object.entries(outcomes)
          .map(([id, outcome]) => `${id} ${outcome}`)
          .join(', ')}`,
      );
    } catch (err) {
      if (this.stopped) return;
      const error = (err as Error).message.split('\n')[0].slice(0, 300);
      this.state = { status: 'pending', error };
      this.log.warn(`schedules not created yet (${error}); retrying in ${Math.round(nextDelayMs / 1000)} s`);
      this.timer = setTimeout(() => void this.attempt(Math.min(nextDelayMs * 2, MAX_RETRY_MS)), nextDelayMs);
    }
  }
}
