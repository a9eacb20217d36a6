// The sweep's orchestration on the Temporal dev server, with the worker wired as in production around
// stand-in activities: bounded fan-out, a series that keeps failing is listed and the rest go on, continue-as-new
// carries what is left, a run without a day takes it in the plant's timezone, the KPI rollup of the days touched runs as
// a child, and a failed one is recorded.
import type { INestApplicationContext } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { AppConfig, loadConfig } from '@him/config';
import { InvalidInputError, jobStart, plantDay, SWEEP_JOB, utcDaysBetween, type JobWorkflow, type SeriesRef, type SeriesSweepResult, type SweepInput } from '@him/contracts';
import { CaptureDiagnosisActivities, DriftActivities, KpiRollupActivities, SweepActivities } from '../../activities';
import { ensureSearchAttributes } from '@him/temporal';
import { createWorkers } from '../../apps/worker/src/create-worker';
import type { TestNamespace } from '../support/namespaces';
import { SERIES_PER_RUN } from '../../workflows/diagnosis-sweep.workflow';

const NAMESPACE: TestNamespace = 'sweep-workflow';

// The dev server rather than the time-skipping one: the rollup child carries the job search attributes, which only a
// server that registers them accepts. A failing series' retries (5 s, 10 s) run in real time.
describe('diagnosis sweep workflow (dev server)', () => {
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
    await ensureSearchAttributes(connection, NAMESPACE);
    client = new Client({ connection, namespace: NAMESPACE });
    native = await NativeConnection.connect({ address: process.env.TEST_TEMPORAL_ADDRESS });
  });

  afterAll(async () => {
    await native?.close();
    await connection?.close();
  });

  /** Runs a sweep over `series` stand-in capture streams; `failing` keys throw on every attempt; the rollup's days write nothing, or fail. */
  async function sweep(input: SweepInput, series: SeriesRef[], failing: string[] = [], rollup: 'succeeds' | 'fails' = 'succeeds') {
    const stats = { inFlight: 0, maxInFlight: 0, attempts: new Map<string, number>(), driftJudged: [] as string[][] };
    const pending = Object.assign(Object.create(SweepActivities.prototype), { findPendingSeries: async () => series });
    const diagnosis = Object.assign(Object.create(CaptureDiagnosisActivities.prototype), {
      diagnoseCaptureStream: async (ref: SeriesRef): Promise<SeriesSweepResult> => {
        stats.attempts.set(ref.key, (stats.attempts.get(ref.key) ?? 0) + 1);
        stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (failing.includes(ref.key)) throw new Error(`lost the connection diagnosing ${ref.key}`);
          const days = ['2026-11-01', '2026-11-03'];
          return {
            series: ref,
            items: 2,
            windows: 4,
            diagnoses_written: 6,
            anomalies_written: 0,
            predictions_written: 0,
            models: ['vibration-classifier@1'],
            days,
            data_until: null,
          };
        } finally {
          stats.inFlight--;
        }
      },
    });
    const kpis = Object.assign(Object.create(KpiRollupActivities.prototype), {
      rollupKpiDays: async (from: string, to: string) => {
        if (rollup === 'fails') throw new InvalidInputError(`no KPIs for ${from}..${to}`);
        return { days: utcDaysBetween(from, to), equipmentDays: 0 };
      },
      findLotsForKpi: async () => [],
    });
    // The drift judgement of the days touched: nothing drifted (drift.e2e covers the judgement itself).
    const drift = Object.assign(Object.create(DriftActivities.prototype), {
      assessDrift: async (days: string[]) => (stats.driftJudged.push(days), []),
    });
    const config = loadConfig({ LOG_LEVEL: 'error', WORKER_CPU_CONCURRENCY: '8', TEMPORAL_NAMESPACE: NAMESPACE });
    const app = {
      get: (cls: unknown) =>
        cls === AppConfig
          ? config
          : cls === SweepActivities
            ? pending
            : cls === CaptureDiagnosisActivities
              ? diagnosis
              : cls === KpiRollupActivities
                ? kpis
                : cls === DriftActivities
                  ? drift
                  : Object.create((cls as { prototype: object }).prototype),
    } as unknown as INestApplicationContext;
    const workers = await createWorkers({ app, connection: native, bundlePath: process.env.TEST_WORKFLOW_BUNDLE, queues: ['io', 'cpu'] });
    const job = jobStart({ type: SWEEP_JOB, input });
    const workflowId = `${job.workflowId}-${series.length}-${process.pid}`;
    const run = async () => {
      const handle = await client.workflow.start<JobWorkflow<typeof SWEEP_JOB>>(job.workflowType, { taskQueue: job.taskQueue, workflowId, args: [input] });
      const result = await handle.result();
      const description = await handle.describe();
      return { result, workflowId, continuedAsNew: description.runId !== handle.firstExecutionRunId, startTime: description.startTime };
    };
    // Two workers (io, cpu) run until the sweep is done.
    const [io, cpu] = workers;
    const outcome = await io.runUntil(cpu.runUntil(run()));
    return { ...outcome, stats };
  }

  /** The series activities a sweep's first run scheduled, in order: type and stream keys. */
  async function scheduledActivities(workflowId: string): Promise<[string, string[]][]> {
    const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
    const converter = client.options.loadedDataConverter.payloadConverter;
    return (events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a?.activityType?.name?.startsWith('diagnose'))
      .map((a) => {
        const [refs] = a!.input!.payloads!.map((p) => converter.fromPayload(p));
        return [a!.activityType!.name!, ([] as SeriesRef[]).concat(refs as SeriesRef | SeriesRef[]).map((r) => r.key)];
      });
  }

  const streams = (n: number): SeriesRef[] => Array.from({ length: n }, (_, i) => ({ kind: 'capture_stream', key: `g${i + 1}/1` }));

  it('diagnoses at most `concurrency` series at once, in shards; lists a series that keeps failing and finishes the others', async () => {
    const { result, stats, workflowId } = await sweep({ day: '2026-11-04', concurrency: 3 }, streams(7), ['g3/1']);
    expect(stats.maxInFlight).toBeLessThanOrEqual(3);
    expect(stats.maxInFlight).toBeGreaterThan(1);
    // 7 streams at 3 lanes: shards of two (about two per lane), the last stream alone, and the one that failed in its
    // shard alone again (which lane gets there first varies).
    const scheduled = await scheduledActivities(workflowId);
    expect(scheduled.slice(0, 3)).toEqual([
      ['diagnoseCaptureStreams', ['g1/1', 'g2/1']],
      ['diagnoseCaptureStreams', ['g3/1', 'g4/1']],
      ['diagnoseCaptureStreams', ['g5/1', 'g6/1']],
    ]);
    expect(scheduled.slice(3)).toEqual(
      expect.arrayContaining([
        ['diagnoseCaptureStream', ['g7/1']],
        ['diagnoseCaptureStream', ['g3/1']],
      ]),
    );
    expect(scheduled).toHaveLength(5);
    // Once in its shard, then its own three attempts.
    expect(stats.attempts.get('g3/1')).toBe(4);
    expect(result).toMatchObject({ day: '2026-11-04', series_total: 7, series_done: 6, series_failed: 1, items: 12, windows: 24, diagnoses_written: 36 });
    expect(result.failures).toEqual([{ series: { kind: 'capture_stream', key: 'g3/1' }, reason: expect.stringMatching(/internal error/) }]);
    expect(result.days).toEqual(['2026-11-01', '2026-11-03']);
    expect(result.kpi_rollup).toBe('kpi-rollup-2026-11-01-2026-11-03');
    expect(result.kpi_rollup_failure).toBeUndefined();
    // Drift is judged once, over the days touched, after the last series.
    expect(stats.driftJudged).toEqual([['2026-11-01', '2026-11-03']]);
    expect(result.drift).toEqual([]);
  }, 120_000);

  it(`continues as new after ${SERIES_PER_RUN} series and carries the rest and the totals`, async () => {
    const count = SERIES_PER_RUN + 5;
    const { result, continuedAsNew } = await sweep({ day: '2026-11-05', concurrency: 8 }, streams(count), [], 'fails');
    expect(continuedAsNew).toBe(true);
    expect(result).toMatchObject({ day: '2026-11-05', series_total: count, series_done: count, series_failed: 0, windows: 4 * count });
    // The rollup failed: the sweep keeps its own work and says why.
    expect(result.kpi_rollup_failure).toMatch(/no KPIs for 2026-11-01\.\.2026-11-03/);
  }, 180_000);

  it('takes the day of a run started without one (a schedule) in the plant timezone', async () => {
    const { result, startTime } = await sweep({ timezone: 'Pacific/Kiritimati' }, []);
    expect(result).toMatchObject({ day: plantDay(startTime, 'Pacific/Kiritimati'), series_total: 0, kpi_rollup: null });
  });
});
