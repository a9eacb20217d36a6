// Temporal Schedules through the API, on the real Temporal dev server: the time-skipping test server answers
// CreateSchedule with UNIMPLEMENTED, so nothing here skips time. Each run the schedule starts is a `diagnosisSweep`
// of this suite's own worker (test/support/schedule-stub.workflows.ts) that lasts until the test releases it.
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '@him/config';
import { RETRAINABLE_MODELS, TASK_QUEUES } from '@him/contracts';
import { ensureSchedules, NIGHTLY_SWEEP_SCHEDULE, REPORT_RETENTION_SCHEDULE, retrainSchedule, scheduleCatalogue, scheduleOptions, WEEKLY_REPORT_SCHEDULE } from '@him/temporal';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { releaseSignal } from '../support/schedule-stub.workflows';
import { ADMIN_KEY, eventually, TestStack } from '../support/stack';

const NAMESPACE = 'schedules';
const ID = NIGHTLY_SWEEP_SCHEDULE;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

describe('schedules (API → Temporal dev server)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let client: Client;
  let connection: NativeConnection;
  let worker: Worker;
  let working: Promise<void>;
  let operator: string;
  let viewer: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'schedules');
    stack = await TestStack.start({ db, namespace: NAMESPACE, worker: false, env: { ENSURE_SCHEDULES: 'true', PLANT_TIMEZONE: 'Asia/Seoul', SWEEP_CRON: '0 2 * * *' } });
    client = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }), namespace: NAMESPACE });
    connection = await NativeConnection.connect({ address: stack.config.temporal.address });
    worker = await Worker.create({ connection, namespace: NAMESPACE, taskQueue: TASK_QUEUES.io, workflowsPath: require.resolve('../support/schedule-stub.workflows') });
    working = worker.run();
    operator = await stack.issueKey('operator', 'operator-1');
    viewer = await stack.issueKey('viewer');
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await working;
    await connection?.close();
    await client?.connection.close();
    await stack?.close();
    await db?.drop();
  });

  const schedule = async (key = viewer) => {
    const res = await stack.http('GET', `/api/v1/schedules/${ID}`, { key });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Releases every run of the schedule still going; returns how many it released. */
  const releaseRunning = async () => {
    const running: string[] = (await schedule()).running;
    await Promise.all(running.map((id) => client.workflow.getHandle(id).signal(releaseSignal)));
    return running.length;
  };
  const runsOfSchedule = async () => {
    const ids: string[] = [];
    for await (const wf of client.workflow.list({ query: `TemporalScheduledById = '${ID}'` })) ids.push(wf.workflowId);
    return ids;
  };

  it('is created at start from the configuration: 02:00 Asia/Seoul, overlap skip, one day of catch-up', async () => {
    const ready = await eventually(async () => {
      const res = await stack.http('GET', '/api/v1/health/ready');
      return res.body.schedules?.status === 'ensured' ? res.body : undefined;
    });
    expect(ready.schedules.at).toEqual(expect.any(String));
    const list = await stack.http('GET', '/api/v1/schedules', { key: viewer });
    expect(list.status).toBe(200);
    // The catalogue's, in its order: the sweep, the weekly report (Monday 06:00 there), the report retention, then a
    // retrain per model, created paused (Sunday mornings once an operator unpauses them).
    expect(list.body.map((x: { id: string }) => x.id)).toEqual([ID, WEEKLY_REPORT_SCHEDULE, REPORT_RETENTION_SCHEDULE, ...RETRAINABLE_MODELS.map(retrainSchedule)]);
    expect(list.body[1]).toMatchObject({ job_type: 'weekly-report', cron: '0 6 * * 1', timezone: 'Asia/Seoul', paused: false });
    expect(list.body[2]).toMatchObject({ job_type: 'report-retention', cron: '30 3 * * *', timezone: 'Asia/Seoul', paused: false });
    expect(list.body.slice(3)).toEqual([
      expect.objectContaining({ id: 'retrain-vibration-classifier', job_type: 'retrain', cron: '0 4 * * 0', paused: true }),
      expect.objectContaining({ id: 'retrain-tep-detector', job_type: 'retrain', cron: '20 4 * * 0', paused: true }),
      expect.objectContaining({ id: 'retrain-tep-lstm', job_type: 'retrain', cron: '40 4 * * 0', paused: true }),
    ]);
    const retrain = await client.schedule.getHandle('retrain-tep-lstm').describe();
    expect(retrain.action).toMatchObject({ workflowType: 'retrainModel', args: [{ model: 'tep-lstm', promote: 'auto', requestedBy: 'schedule' }] });
    const s = list.body[0];
    expect(s).toMatchObject({ id: ID, job_type: 'diagnosis-sweep', cron: '0 2 * * *', timezone: 'Asia/Seoul', paused: false, overlap_policy: 'skip', catchup_window_s: 86_400 });
    expect(s.temporal_ui_url).toBe(`${stack.config.temporal.uiUrl}/namespaces/${NAMESPACE}/schedules/${ID}`);
    // 02:00 in Seoul (UTC+9, no DST) is 17:00 UTC, every day.
    expect(s.next_runs).toHaveLength(5);
    for (const [i, t] of s.next_runs.entries()) {
      expect(t).toMatch(/T17:00:00\.000Z$/);
      if (i > 0) expect(Date.parse(t) - Date.parse(s.next_runs[i - 1])).toBe(DAY_MS);
    }
    const d = await client.schedule.getHandle(ID).describe();
    expect(d.action).toMatchObject({
      workflowType: 'diagnosisSweep',
      taskQueue: TASK_QUEUES.io,
      args: [{ timezone: 'Asia/Seoul', concurrency: 2 }],
      staticSummary: 'nightly sweep (scheduled)',
    });
  });

  it('is never duplicated: processes starting at once leave one schedule; a changed cron, timezone or catch-up updates it and keeps it paused', async () => {
    const config = (env: Record<string, string> = {}) => loadConfig({ PLANT_TIMEZONE: 'Asia/Seoul', SWEEP_CRON: '0 2 * * *', ...env });
    // Four processes starting at once on a namespace without it: one creates it, the others find it as they want it.
    await client.schedule.getHandle(ID).delete();
    const fresh = await Promise.all(Array.from({ length: 4 }, () => ensureSchedules(client, scheduleCatalogue(config()))));
    expect(fresh.map((o) => o[ID]).sort()).toEqual(['created', 'unchanged', 'unchanged', 'unchanged']);
    const same = await Promise.all(Array.from({ length: 4 }, () => ensureSchedules(client, scheduleCatalogue(config()))));
    expect(same.map((o) => o[ID])).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    const created = (await client.schedule.getHandle(ID).describe()).info.createdAt;

    expect((await stack.http('POST', `/api/v1/schedules/${ID}/pause`, { key: operator, body: { note: 'maintenance window' } })).status).toBe(200);
    const changed = config({ SWEEP_CRON: '30 3 * * 1-5', PLANT_TIMEZONE: 'America/New_York', SCHEDULE_CATCHUP_WINDOW: '6h' });
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => ensureSchedules(client, scheduleCatalogue(changed))));
    expect(outcomes.map((o) => o[ID])).toContain('updated');
    const s = await schedule();
    expect(s).toMatchObject({ cron: '30 3 * * 1-5', timezone: 'America/New_York', catchup_window_s: 6 * 3600, paused: true });
    expect(s.note).toMatch(/^maintenance window \(operator-1, /);
    let ids: string[] = [];
    for await (const listed of client.schedule.list()) ids.push(listed.scheduleId);
    expect(ids.filter((id) => id === ID)).toHaveLength(1);
    expect((await client.schedule.getHandle(ID).describe()).info.createdAt).toEqual(created);

    expect((await ensureSchedules(client, scheduleCatalogue(config())))[ID]).toBe('updated');
    expect((await stack.http('POST', `/api/v1/schedules/${ID}/unpause`, { key: operator })).status).toBe(200);
    expect(await schedule()).toMatchObject({ cron: '0 2 * * *', timezone: 'Asia/Seoul', catchup_window_s: 86_400, paused: false });
    ids = [];
    for await (const listed of client.schedule.list()) ids.push(listed.scheduleId);
    expect(ids.filter((id) => id === ID)).toHaveLength(1);
  });

  it('is updated when an API starts with a changed SWEEP_CRON, and put back by one with the old', async () => {
    const startApi = async (cron: string) => {
      const api = await TestStack.start({ db, namespace: NAMESPACE, worker: false, env: { ENSURE_SCHEDULES: 'true', PLANT_TIMEZONE: 'Asia/Seoul', SWEEP_CRON: cron } });
      await eventually(async () => ((await api.http('GET', '/api/v1/health/ready')).body.schedules?.status === 'ensured' ? true : undefined));
      await api.close();
    };
    await startApi('15 4 * * *');
    expect(await schedule()).toMatchObject({ cron: '15 4 * * *', timezone: 'Asia/Seoul' });
    expect((await schedule()).next_runs[0]).toMatch(/T19:15:00\.000Z$/);
    await startApi('0 2 * * *');
    expect(await schedule()).toMatchObject({ cron: '0 2 * * *', timezone: 'Asia/Seoul' });
  });

  it('keeps 02:00 local across DST changes: New York fires at 07:00Z in winter and 06:00Z in summer, and skips the night that has no 02:00', async () => {
    const times = async (timezone: string, startAt: string) => {
      const def = { ...scheduleCatalogue(loadConfig({ PLANT_TIMEZONE: timezone }))[0], id: `dst-${timezone.replace('/', '-')}-${startAt.slice(0, 10)}` };
      const options = scheduleOptions(def);
      await client.schedule.create({ ...options, spec: { ...options.spec, startAt: new Date(startAt) }, state: { paused: true } });
      const d = await client.schedule.getHandle(def.id).describe();
      await client.schedule.getHandle(def.id).delete();
      return d.info.nextActionTimes.map((t) => t.toISOString().slice(0, 16));
    };
    // 2027-03-14: clocks go from 02:00 EST to 03:00 EDT, so that night has no 02:00 (Temporal matches clock time).
    expect(await times('America/New_York', '2027-03-12T00:00:00Z')).toEqual([
      '2027-03-12T07:00',
      '2027-03-13T07:00',
      '2027-03-15T06:00',
      '2027-03-16T06:00',
      '2027-03-17T06:00',
      '2027-03-18T06:00',
      '2027-03-19T06:00',
      '2027-03-20T06:00',
      '2027-03-21T06:00',
      '2027-03-22T06:00',
    ]);
    // 2027-11-07: 02:00 EDT becomes 01:00 EST; 02:00 comes once, in EST.
    expect((await times('America/New_York', '2027-11-05T00:00:00Z')).slice(0, 4)).toEqual(['2027-11-05T06:00', '2027-11-06T06:00', '2027-11-07T07:00', '2027-11-08T07:00']);
    // The plant's default: no DST, 17:00Z every night of the year.
    expect(new Set((await times('Asia/Seoul', '2027-03-12T00:00:00Z')).map((t) => t.slice(11)))).toEqual(new Set(['17:00']));
  });

  it('starts a run on trigger, and skips a second trigger while that run still runs', async () => {
    const before = await schedule();
    const res = await stack.http('POST', `/api/v1/schedules/${ID}/trigger`, { key: operator });
    expect(res.status).toBe(202);
    const running = await eventually(async () => ((await schedule()).running.length === 1 ? (await schedule()).running : undefined));
    expect(running[0]).toMatch(/^diagnosis-sweep-scheduled-\d{4}-\d{2}-\d{2}T/);

    expect((await stack.http('POST', `/api/v1/schedules/${ID}/trigger`, { key: operator })).status).toBe(202);
    const after = await eventually(async () => {
      const s = await schedule();
      return s.counts.skipped_overlap === before.counts.skipped_overlap + 1 ? s : undefined;
    });
    expect(after.counts.actions_taken).toBe(before.counts.actions_taken + 1);
    expect(after.running).toEqual(running);
    // Visibility lags a little behind; what it settles on is the one run.
    await eventually(async () => (JSON.stringify(await runsOfSchedule()) === JSON.stringify(running) ? true : undefined), 10_000, 'one run in visibility');

    // The run is the schedule's own: it carries the job's summary and search attributes.
    const wf = await client.workflow.getHandle(running[0]).describe();
    expect(await wf.staticSummary()).toBe('nightly sweep (scheduled)');
    expect(wf.searchAttributes.JobType).toEqual(['diagnosis-sweep']);
    const job = await stack.http('GET', `/api/v1/jobs/${encodeURIComponent(running[0])}`, { key: viewer });
    expect(job.body).toMatchObject({ type: 'diagnosis-sweep', status: 'running' });

    expect(await releaseRunning()).toBe(1);
    await eventually(async () => ((await schedule()).running.length === 0 ? true : undefined));
    expect((await schedule()).recent_runs.at(-1)).toMatchObject({ workflow_id: running[0], status_url: expect.stringContaining(encodeURIComponent(running[0])) });
  });

  it('pauses and unpauses with a note; a paused schedule refuses a backfill with 409', async () => {
    const paused = await stack.http('POST', `/api/v1/schedules/${ID}/pause`, { key: operator, body: { note: 'database upgrade' } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, note: expect.stringMatching(/^database upgrade \(operator-1, \d{4}-/) });
    expect((await client.schedule.getHandle(ID).describe()).state.paused).toBe(true);

    const now = Date.now();
    const refused = await stack.http('POST', `/api/v1/schedules/${ID}/backfill`, {
      key: ADMIN_KEY,
      body: { from: new Date(now - 3 * DAY_MS).toISOString(), to: new Date(now - DAY_MS).toISOString() },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 409, code: 'CONFLICT', message: expect.stringContaining('paused') });

    const unpaused = await stack.http('POST', `/api/v1/schedules/${ID}/unpause`, { key: operator, body: { note: 'upgrade done' } });
    expect(unpaused.status).toBe(200);
    expect(unpaused.body).toMatchObject({ paused: false, note: expect.stringMatching(/^upgrade done \(operator-1, /) });
    expect((await client.schedule.getHandle(ID).describe()).state.paused).toBe(false);

    // Writes are audited under the route they matched.
    const audit = await stack.http('GET', '/api/v1/audit-log?limit=20', { key: ADMIN_KEY });
    const routes = audit.body.filter((e: any) => e.route?.startsWith('/api/v1/schedules')).map((e: any) => `${e.route} ${e.status_code}`);
    expect(routes).toEqual(expect.arrayContaining(['/api/v1/schedules/:id/pause 200', '/api/v1/schedules/:id/backfill 409', '/api/v1/schedules/:id/unpause 200']));
  });

  it('backfills the nights of a past range, one run per 02:00 Seoul, one after another', async () => {
    // Three nights: 02:00 Seoul = 17:00Z on each of the three days before yesterday.
    const lastNight = new Date(Math.floor((Date.now() - 2 * DAY_MS) / DAY_MS) * DAY_MS + 17 * HOUR_MS);
    const nights = [2, 1, 0].map((back) => new Date(lastNight.getTime() - back * DAY_MS).toISOString());
    const before = (await schedule()).counts.actions_taken;
    const res = await stack.http('POST', `/api/v1/schedules/${ID}/backfill`, {
      key: ADMIN_KEY,
      body: { from: new Date(Date.parse(nights[0]) - HOUR_MS).toISOString(), to: new Date(Date.parse(nights[2]) + HOUR_MS).toISOString() },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: ID, overlap_policy: 'buffer_all' });

    const done = await eventually(
      async () => {
        await releaseRunning();
        const s = await schedule();
        return s.counts.actions_taken === before + 3 && s.running.length === 0 ? s : undefined;
      },
      60_000,
      'three backfilled runs',
    );
    const backfilled = done.recent_runs.slice(-3);
    expect(backfilled.map((r: any) => r.scheduled_at)).toEqual(nights.map((t) => new Date(t).toISOString()));
    expect(backfilled.map((r: any) => r.workflow_id)).toEqual(nights.map((t) => `diagnosis-sweep-scheduled-${t.slice(0, 19)}Z`));
    // Buffered, not overlapping: each started only once the one before had finished.
    const runs = await Promise.all(backfilled.map((r: any) => client.workflow.getHandle(r.workflow_id).describe()));
    for (let i = 1; i < runs.length; i++) expect(runs[i].startTime.getTime()).toBeGreaterThanOrEqual(runs[i - 1].closeTime!.getTime());
    const results = await Promise.all(backfilled.map((r: any) => client.workflow.getHandle(r.workflow_id).result()));
    expect(results.map((r: any) => r.timezone)).toEqual(['Asia/Seoul', 'Asia/Seoul', 'Asia/Seoul']);
  }, 90_000);

  it('answers bad requests with the error shape: unknown schedule 404, bad ranges 400, roles 403', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    for (const [method, path] of [
      ['GET', '/api/v1/schedules/no-such-schedule'],
      ['POST', '/api/v1/schedules/no-such-schedule/trigger'],
      ['POST', '/api/v1/schedules/no-such-schedule/pause'],
    ] as const) {
      const res = await stack.http(method, path, { key: ADMIN_KEY });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', message: expect.stringContaining(ID) });
    }
    const unknown = await stack.http('POST', '/api/v1/schedules/no-such-schedule/backfill', { key: ADMIN_KEY, body: { from: iso(now - 2 * DAY_MS), to: iso(now - DAY_MS) } });
    expect(unknown.status).toBe(404);

    const backfill = (body: unknown, key = ADMIN_KEY) => stack.http('POST', `/api/v1/schedules/${ID}/backfill`, { key, body });
    for (const [body, field] of [
      [{ from: iso(now - DAY_MS), to: iso(now - 2 * DAY_MS) }, 'to'],
      [{ from: iso(now - DAY_MS), to: iso(now - DAY_MS) }, 'to'],
      [{ from: iso(now - 100 * DAY_MS), to: iso(now - DAY_MS) }, 'to'],
      [{ from: iso(now - DAY_MS), to: iso(now + DAY_MS) }, 'to'],
      [{ from: 'yesterday', to: iso(now - DAY_MS) }, 'from'],
      [{ from: iso(now - 2 * DAY_MS) }, 'to'],
    ] as const) {
      const res = await backfill(body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: any) => d.field)).toContain(field);
    }
    expect((await backfill({ from: iso(now - 2 * DAY_MS), to: iso(now - DAY_MS) }, operator)).status).toBe(403);
    expect((await stack.http('POST', `/api/v1/schedules/${ID}/trigger`, { key: viewer })).status).toBe(403);
    expect((await stack.http('POST', `/api/v1/schedules/${ID}/pause`, { key: operator, body: { note: '' } })).status).toBe(400);
    expect((await stack.http('GET', '/api/v1/schedules')).status).toBe(401);
    expect((await client.schedule.getHandle(ID).describe()).policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
  });
});
