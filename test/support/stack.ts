import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadConfig, REPO_ROOT, WORKER_NODE_FLAGS, type AppConfig } from '@him/config';
import { createApiApp } from '../../apps/api/src/app.factory';
import { createWorkers, runWorkers, shutdownWorkers } from '../../apps/worker/src/create-worker';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import type { TestDatabase } from './databases';
import type { TestNamespace } from './namespaces';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface StackOptions {
  db: TestDatabase;
  namespace: TestNamespace;
  env?: Record<string, string>;
  /** Run a worker in this process (default true). */
  worker?: boolean;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The API listening on a free port, plus (optionally) a worker on the same database and namespace. */
export class TestStack {
  private constructor(
    readonly config: AppConfig,
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    private readonly worker?: { workers: Worker[]; running: Promise<void>; close: () => Promise<void> },
  ) {}

  static async start(opts: StackOptions): Promise<TestStack> {
    // Files of one suite stay apart from another's: its own data directory and file store.
    const dataDir = path.join(process.env.TEST_TMP_DIR!, `data-${opts.namespace}-${process.pid}`);
    fs.mkdirSync(dataDir, { recursive: true });
    const config = loadConfig({
      DATA_DIR: dataDir,
      BLOB_DIR: path.join(dataDir, 'blobs'),
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: opts.namespace,
      MES_ADMIN_API_KEY: ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '10000',
      // Only the suites about schedules make them: a nightly run must not start in another suite's namespace.
      ENSURE_SCHEDULES: 'false',
      ...opts.db.env,
      ...opts.env,
    });
    const app = await createApiApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const worker = opts.worker === false ? undefined : await startWorker(config);
    return new TestStack(config, app, baseUrl, worker);
  }

  async http<T = any>(method: string, path: string, opts: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers['x-api-key'] = opts.key;
    if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  }

  /** Uploads a file to `POST /api/v1/jobs/ingest` as multipart/form-data, as the CLI does. */
  async upload<T = any>(fileName: string, content: string | Buffer, fields: Record<string, string> = {}, key = ADMIN_KEY): Promise<HttpResult<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([content]), fileName);
    const res = await fetch(`${this.baseUrl}/api/v1/jobs/ingest`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : text, headers: res.headers };
  }

  /** Polls a job until it is no longer running and returns its final status body. */
  async finishedJob(workflowId: string, timeoutMs = 60_000): Promise<any> {
    return eventually(
      async () => {
        const res = await this.http('GET', `/api/v1/jobs/${workflowId}`, { key: ADMIN_KEY });
        return res.body.status && res.body.status !== 'running' ? res.body : undefined;
      },
      timeoutMs,
      `job ${workflowId} to finish`,
    );
  }

  /** Issues a key of the given role through the API, as an admin would. */
  async issueKey(role: 'viewer' | 'operator' | 'admin', name = `${role}-${Date.now()}`): Promise<string> {
    const res = await this.http('POST', '/api/v1/api-keys', { key: ADMIN_KEY, body: { name, role } });
    if (res.status !== 201) throw new Error(`could not issue key: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.key;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.app.close();
  }
}

/** The worker as `npm start` runs it: one process serving both task queues, their Workers sharing the Nest app. */
async function startWorker(config: AppConfig) {
  const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({ app: ctx, connection, bundlePath: process.env.TEST_WORKFLOW_BUNDLE });
  const running = runWorkers(workers);
  return {
    workers,
    running,
    close: async () => {
      shutdownWorkers(workers);
      await running;
      await connection.close();
      await ctx.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The real worker process (dist/, the prebuilt workflow bundle, WORKER_NODE_FLAGS) on a stack's database, namespace and
 * file store. Its stdout and stderr are thrown away unless `output` is 'pipe' (then the caller must read them).
 */
export function spawnWorkerProcess(
  stack: TestStack,
  db: TestDatabase,
  namespace: TestNamespace,
  env: Record<string, string> = {},
  output: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  return spawn(process.execPath, [...WORKER_NODE_FLAGS, path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], {
    env: {
      ...process.env,
      ...db.env,
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: namespace,
      WORKER_BUNDLE_PATH: process.env.TEST_WORKFLOW_BUNDLE,
      DATA_DIR: stack.config.dataDir,
      BLOB_DIR: stack.config.blobDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', output, output],
  });
}
