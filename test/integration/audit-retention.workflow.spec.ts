// The audit-retention workflow on Temporal's time-skipping test server, with the real activities on SQLite.
import { MikroORM } from '@mikro-orm/core';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '@him/config';
import { AUDIT_RETENTION_JOB, jobStart, progressQuery, type AuditRetentionInput, type JobWorkflow } from '@him/contracts';
import { AuditLog } from '@him/db';
import { createWorkers } from '../../apps/worker/src/create-worker';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createTestDatabase, type TestDatabase } from '../support/databases';

describe('auditRetention workflow (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestDatabase;
  let ctx: INestApplicationContext;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER! } },
    });
    db = await createTestDatabase('sqlite', 'retention_wf');
    ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig({ ...db.env, LOG_LEVEL: 'error' })), { logger: ['error'] });
  });

  afterAll(async () => {
    await ctx?.close();
    await env?.teardown();
    await db?.drop();
  });

  it('deletes only entries older than the cutoff, in batches, and reports progress', async () => {
    const orm = ctx.get(MikroORM);
    const em = orm.em.fork();
    const cutoff = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < 25; i++) em.create(AuditLog, { at: new Date(cutoff.getTime() - (i + 1) * 60_000), method: 'POST', path: `/old/${i}`, statusCode: 201 });
    for (let i = 0; i < 3; i++) em.create(AuditLog, { at: new Date(cutoff.getTime() + i * 60_000), method: 'POST', path: `/new/${i}`, statusCode: 201 });
    await em.flush();

    const [worker] = await createWorkers({ app: ctx, connection: env.nativeConnection, bundlePath: process.env.TEST_WORKFLOW_BUNDLE, queues: ['io'] });
    const result = await worker.runUntil(async () => {
      const input: AuditRetentionInput = { cutoff: cutoff.toISOString(), batchSize: 10 };
      const job = jobStart({ type: AUDIT_RETENTION_JOB, input });
      const handle = await env.client.workflow.start<JobWorkflow<typeof AUDIT_RETENTION_JOB>>(job.workflowType, {
        taskQueue: job.taskQueue,
        workflowId: job.workflowId,
        args: [input],
      });
      const out = await handle.result();
      expect(await handle.query(progressQuery)).toEqual({ phase: 'done', done: 25, total: 25, unit: 'entries' });
      return out;
    });

    expect(result).toEqual({ cutoff: cutoff.toISOString(), deleted: 25, batches: 3 });
    const check = orm.em.fork();
    expect(await check.count(AuditLog, { path: { $like: '/old/%' } })).toBe(0);
    expect(await check.count(AuditLog, { path: { $like: '/new/%' } })).toBe(3);
  });

  it('continues as new every few batches, so its history stays small, and sums the runs', async () => {
    const orm = ctx.get(MikroORM);
    const em = orm.em.fork();
    const cutoff = new Date('2025-12-01T00:00:00Z');
    for (let i = 0; i < 25; i++) em.create(AuditLog, { at: new Date(cutoff.getTime() - (i + 1) * 60_000), method: 'POST', path: `/older/${i}`, statusCode: 201 });
    await em.flush();

    const [worker] = await createWorkers({ app: ctx, connection: env.nativeConnection, bundlePath: process.env.TEST_WORKFLOW_BUNDLE, queues: ['io'] });
    const { result, firstRun, progress } = await worker.runUntil(async () => {
      const input: AuditRetentionInput = { cutoff: cutoff.toISOString(), batchSize: 10, batchesPerRun: 1 };
      const job = jobStart({ type: AUDIT_RETENTION_JOB, input });
      const handle = await env.client.workflow.start<JobWorkflow<typeof AUDIT_RETENTION_JOB>>(job.workflowType, {
        taskQueue: job.taskQueue,
        workflowId: job.workflowId,
        args: [input],
      });
      const out = await handle.result();
      return { result: out, firstRun: await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe(), progress: await handle.query(progressQuery) };
    });

    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    expect(result).toEqual({ cutoff: cutoff.toISOString(), deleted: 25, batches: 3 });
    expect(progress).toEqual({ phase: 'done', done: 25, total: 25, unit: 'entries' });
    expect(await orm.em.fork().count(AuditLog, { path: { $like: '/older/%' } })).toBe(0);
  });
});
