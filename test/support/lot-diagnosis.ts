import { MikroORM } from '@mikro-orm/core';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { AppConfig } from '@him/config';
import type { SeriesSweepResult } from '@him/contracts';
import { LotDiagnosisActivities } from '../../activities';
import { WorkerModule } from '../../apps/worker/src/worker.module';

/**
 * The worker's LotDiagnosisActivities, built by the worker's own module on the stack's database and registry, run in
 * an activity context (heartbeats go to a mock) until the sweep workflow that calls it lands.
 */
export class LotDiagnosis {
  private constructor(
    private readonly ctx: INestApplicationContext,
    private readonly activities: LotDiagnosisActivities,
    readonly orm: MikroORM,
  ) {}

  static async start(config: AppConfig): Promise<LotDiagnosis> {
    const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
    return new LotDiagnosis(ctx, ctx.get(LotDiagnosisActivities), ctx.get(MikroORM));
  }

  diagnose(lotCode: string, jobId: string): Promise<SeriesSweepResult> {
    return new MockActivityEnvironment().run((code: string, job: string) => this.activities.diagnoseLot({ kind: 'lot', key: code }, job), lotCode, jobId);
  }

  close(): Promise<void> {
    return this.ctx.close();
  }
}
