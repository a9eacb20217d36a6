// The worker process' Prometheus metrics (WORKER_METRICS_PORT, served by the Temporal SDK's exporter): its pollers
// per task queue, the outcome of a job it ran, by workflow type, and the activities' own throughput counters (rows
// ingested by outcome, windows swept by model); and the API's count of the jobs it ran, by type and status.
import type { ChildProcess } from 'node:child_process';
import { captureChunks, planCaptures, scriptedFaultHistory, tepSampleRows, tepText } from '@him/datagen';
import { FORMATS } from '@him/ingest';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { vibrationCsv, withLine } from '../support/ingest-files';
import { freePort } from '../support/ports';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

/** Observations of the TEP lot the sweep diagnoses. */
const TEP_OBSERVATIONS = 120;

describe('worker metrics', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let worker: ChildProcess;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'worker-metrics');
    stack = await TestStack.start({ db, namespace: 'worker-metrics', worker: false });
    port = await freePort();
    worker = spawnWorkerProcess(stack, db, 'worker-metrics', { WORKER_METRICS_PORT: String(port) });
  }, 120_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) await new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGTERM')));
    await stack?.close();
    await db?.drop();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    return res?.ok ? res.text() : undefined;
  };

  /** The sum of the series of one name whose labels include these, or undefined when there is none. */
  const sum = (text: string, name: string, labels: Record<string, string>) => {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
    return lines.length ? lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0) : undefined;
  };

  /** Uploads a file and waits for its job; returns the job's final state. */
  const ingest = async (fileName: string, content: string, fields: Record<string, string> = {}) => {
    const started = await stack.upload(fileName, content, fields);
    expect(started.status).toBe(202);
    return stack.finishedJob(started.body.workflow_id, 60_000);
  };

  it('serves the SDK’s metrics: pollers of both task queues, and a completed job by its workflow type', async () => {
    // Pollers show once each queue's first long poll is under way.
    const pollers = (queue: string) => new RegExp(`^temporal_num_pollers\\{[^}]*task_queue="${queue}"[^}]*\\} [1-9]`, 'm');
    const polling = await eventually(
      async () => {
        const text = await scrape();
        return text && pollers('him-mes-io').test(text) && pollers('him-mes-cpu').test(text) ? text : undefined;
      },
      60_000,
      'the worker to poll both queues',
    );
    expect(polling).toMatch(/^# HELP temporal_num_pollers /m);

    const started = await stack.http('POST', '/api/v1/jobs/audit-retention', { key: ADMIN_KEY, body: {} });
    expect(started.status).toBe(202);
    expect((await stack.finishedJob(started.body.workflow_id, 60_000)).status).toBe('completed');
    const after = await eventually(
      async () => {
        const text = await scrape();
        return text && /^temporal_workflow_completed\{[^}]*workflow_type="auditRetention"[^}]*\} 1/m.test(text) ? text : undefined;
      },
      30_000,
      'the completed workflow to be counted',
    );
    expect(after).toMatch(/^temporal_activity_execution_latency_(bucket|count)\{[^}]*activity_type="[a-zA-Z]+"/m);
  });

  it('counts the rows it ingested by kind and outcome and the windows it swept by model; the API counts the jobs by status', async () => {
    // 3,000 rows, one of them bad (within max_errors), then 2,000 of which the first 1,000 are already stored.
    const first = await ingest('g1_sensor1.csv', withLine(vibrationCsv(3000), 10, '1,2,3'), { machine_name: 'wm1', max_errors: '1' });
    expect(first.result).toMatchObject({ rows_read: 3000, rows_inserted: 2999, rows_duplicate: 0, rows_rejected: 1 });
    const overlap = await ingest('g1_sensor1.csv', vibrationCsv(2000, { from: 2000 }), { machine_name: 'wm1' });
    expect(overlap.result).toMatchObject({ rows_read: 2000, rows_inserted: 1000, rows_duplicate: 1000, rows_rejected: 0 });
    // Over its error budget: rejected before any row is loaded, so it adds no rows, and its job fails.
    expect((await ingest('g1_sensor2.csv', withLine(vibrationCsv(100), 5, '1,2,3'), { machine_name: 'wm1' })).status).toBe('failed');
    // Two captures of 2 s and a TEP lot of 120 observations (one value per tag each), then a sweep that diagnoses the
    // captures' four 1 s windows and has each TEP model score the lot's observations.
    const start = new Date('2026-11-01T00:00:00Z');
    const captures = planCaptures({
      start,
      days: 1,
      everyHours: 12,
      machines: [1],
      sensorsPerMachine: 1,
      seconds: 2,
      seed: 'worker-metrics',
      history: scriptedFaultHistory(start),
    });
    let samples = 0;
    for (const capture of captures) {
      const text = [...captureChunks(capture)].join('');
      samples += text.split('\n').filter((line) => /^\d/.test(line)).length;
      expect((await ingest(capture.file, text)).status).toBe('completed');
    }
    const lot = await ingest('line1-run1.dat', tepText(tepSampleRows(TEP_OBSERVATIONS, 'worker-metrics')), { start_time: start.toISOString() });
    expect(lot.result).toMatchObject({ rows_read: TEP_OBSERVATIONS * FORMATS.tep.columns.length, rows_rejected: 0 });
    const sweep = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day: '2026-11-02', concurrency: 1 } });
    expect(sweep.status).toBe(202);
    const swept = await stack.finishedJob(sweep.body.workflow_id, 120_000);
    expect(swept.result).toMatchObject({ series_done: 2, items: 2 + TEP_OBSERVATIONS, windows: 4 });

    const text = await eventually(
      async () => {
        const scraped = await scrape();
        return scraped && sum(scraped, 'him_sweep_windows_total', { model: 'tep-lstm' }) !== undefined ? scraped : undefined;
      },
      30_000,
      'the swept windows to be counted',
    );
    const rows = (kind: string, outcome: string) => sum(text, 'him_ingest_rows_total', { kind, outcome });
    expect([rows('vibration', 'inserted'), rows('vibration', 'duplicate'), rows('vibration', 'rejected')]).toEqual([2999 + 1000, 1000, 1]);
    expect([rows('capture', 'inserted'), rows('capture', 'duplicate'), rows('capture', 'rejected')]).toEqual([samples, 0, 0]);
    expect([rows('tep', 'inserted'), rows('tep', 'duplicate'), rows('tep', 'rejected')]).toEqual([TEP_OBSERVATIONS * FORMATS.tep.columns.length, 0, 0]);
    expect(text).toMatch(/^# TYPE him_ingest_rows_total counter$/m);
    // Labelled by the activity that recorded it, too.
    expect(text).toMatch(/^him_ingest_rows_total\{[^}]*activityType="loadIngestChunk"[^}]*namespace="worker-metrics"[^}]*taskQueue="him-mes-io"[^}]*\} \d+$/m);
    // One rows/s observation per chunk loaded (each file here is one chunk), in the throughput buckets.
    expect(sum(text, 'him_ingest_chunk_rows_per_second_count', { kind: 'vibration' })).toBe(2);
    expect(sum(text, 'him_ingest_chunk_rows_per_second_count', { kind: 'capture' })).toBe(captures.length);
    expect(text).toMatch(/^him_ingest_chunk_rows_per_second_bucket\{[^}]*le="250000"[^}]*\} \d+$/m);
    expect(sum(text, 'him_sweep_windows_total', { model: 'vibration-classifier' })).toBe(4);
    expect(sum(text, 'him_sweep_series_windows_per_second_count', { model: 'vibration-classifier' })).toBe(1);
    for (const model of ['tep-detector', 'tep-lstm']) {
      expect(sum(text, 'him_sweep_windows_total', { model, activityType: 'diagnoseLot' })).toBe(TEP_OBSERVATIONS);
      expect(sum(text, 'him_sweep_series_windows_per_second_count', { model })).toBe(1);
    }

    // The API counts the jobs in Temporal: what this suite ran, whichever process ran them.
    const jobs = await eventually(
      async () => {
        const scraped = await (await fetch(`${stack.baseUrl}/metrics`)).text();
        return sum(scraped, 'him_jobs', { job_type: 'diagnosis-sweep', status: 'completed' }) === 1 ? scraped : undefined;
      },
      20_000,
      'the API to count the sweep',
    );
    const jobCount = (job_type: string, status: string) => sum(jobs, 'him_jobs', { job_type, status });
    expect([jobCount('ingest', 'completed'), jobCount('ingest', 'failed'), jobCount('ingest', 'running')]).toEqual([2 + captures.length + 1, 1, 0]);
    expect(jobCount('audit-retention', 'completed')).toBe(1);
  }, 240_000);
});
