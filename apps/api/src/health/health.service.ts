import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Client } from '@temporalio/client';
import { APP_VERSION, AppConfig } from '@him/config';
import { pingDatabase } from '@him/db';
import { SchedulesBootstrap } from '../schedules/schedules.bootstrap';
import type { DependencyCheckDto, LivenessResponseDto, ReadinessResponseDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;

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
    return { status: 'ready', database_kind: this.config.database.kind, checks: { database, temporal }, schedules: this.schedules.current };
  }
}
