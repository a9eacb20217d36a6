import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { APP_VERSION, AppConfig } from '@him/config';
import { TASK_QUEUES } from '@him/contracts';
import { pingDatabase } from '@him/db';
import { SchedulesBootstrap } from '../schedules/schedules.bootstrap';
import type { DependencyCheckDto, LivenessResponseDto, ReadinessResponseDto, TaskQueuePollersDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;
/** A worker long-polls for up to a minute and polls again at once: one not seen for longer is gone. */
const POLLER_SEEN_WITHIN_MS = 90_000;
/** The queues a working system needs polled: workflows and I/O activities on io, CPU activities on cpu. */
const POLLED: { taskQueue: string; kind: 'workflow' | 'activity' }[] = [
  { taskQueue: TASK_QUEUES.io, kind: 'workflow' },
  { taskQueue: TASK_QUEUES.io, kind: 'activity' },
  { taskQueue: TASK_QUEUES.cpu, kind: 'activity' },
];
const TASK_QUEUE_TYPE = { workflow: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, activity: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY };

async function timed(check: () => Promise<unknown>): Promise<DependencyCheckDto> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)))]);
    return { status: 'up', latency_ms: Date.now() - started };
  } catch (err) {
    return { status: 'down', latency_ms: Date.now() - started, error: (err as Error).message.split('\n')[0].slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();

  constructor(
    private readonly orm: MikroORM,
    @Inject(Client) private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly schedules: SchedulesBootstrap,
  ) {}

  liveness(): LivenessResponseDto {
    return { status: 'ok', version: APP_VERSION, uptime_s: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  async readiness(): Promise<ReadinessResponseDto> {
    const [database, temporal] = await Promise.all([
      timed(() => pingDatabase(this.orm)),
      timed(() => this.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => this.temporal.connection.workflowService.getSystemInfo({}))),
    ]);
    const down = Object.entries({ database, temporal }).filter(([, c]) => c.status === 'down');
    if (down.length > 0) {
      throw new ServiceUnavailableException({
        code: 'NOT_READY',
        message: `Not ready: ${down.map(([name]) => name).join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`,
        details: down.map(([name, c]) => ({ component: name, message: c.error ?? 'down' })),
      });
    }
    const workers = await this.workerPresence().catch(() => [] as TaskQueuePollersDto[]);
    const missing = workers.filter((w) => w.pollers === 0);
    const reason = workers.length === 0 ? 'Temporal did not say which workers poll' : missing.map((w) => `no worker polls ${w.task_queue} (${w.kind} tasks)`).join('; ');
    return {
      status: reason ? 'degraded' : 'ready',
      ...(reason ? { reason } : {}),
      database_kind: this.config.database.kind,
      checks: { database, temporal },
      workers,
      schedules: this.schedules.current,
    };
  }

  /** Workers seen polling each queue lately (Temporal's DescribeTaskQueue). */
  private workerPresence(): Promise<TaskQueuePollersDto[]> {
    const service = this.temporal.connection.workflowService;
    return this.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
      Promise.all(
        POLLED.map(async ({ taskQueue, kind }) => {
          const { pollers } = await service.describeTaskQueue({ namespace: this.config.temporal.namespace, taskQueue: { name: taskQueue }, taskQueueType: TASK_QUEUE_TYPE[kind] });
          const recent = (pollers ?? []).filter((p) => Date.now() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 <= POLLER_SEEN_WITHIN_MS);
          return { task_queue: taskQueue, kind, pollers: recent.length };
        }),
      ),
    );
  }
}
