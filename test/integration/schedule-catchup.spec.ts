// What a schedule does when Temporal is down at its time, on a real dev server of its own that the test stops and
// restarts on the same database file (the time-skipping test server has no schedules: CreateSchedule is UNIMPLEMENTED).
// Seconds stand in for nights: the schedules are the catalogue's (overlap skip, the start action) with calendar
// instants a few seconds ahead, in the plant's timezone. No worker polls, so a run that started stays running.
// No assertion depends on how fast the machine is; waits only bound a failure. A scheduler counts from its first step:
// one that first runs after a night's time never sees that night (a schedule created a second before the stop neither
// took nor counted its night), so each schedule is described first (that answers once its scheduler has run and
// sleeps until its first night), and a machine too slow for the lead gets a later night. The restart comes more
// than 10 s (Temporal's least window) after the night, so whenever a scheduler wakes it finds the night past a 10 s
// window and within a 10 min one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection, type ScheduleDescription } from '@temporalio/client';
import { loadConfig } from '@him/config';
import { RETRAINABLE_MODELS } from '@him/contracts';
import { NIGHTLY_SWEEP_SCHEDULE, REPORT_RETENTION_SCHEDULE, retrainSchedule, scheduleCatalogue, scheduleOptions, WEEKLY_REPORT_SCHEDULE } from '@him/temporal';
import { SchedulesBootstrap } from '../../apps/api/src/schedules/schedules.bootstrap';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, TestStack } from '../support/stack';
import { freePort } from '../support/ports';
import { DevServer } from '../support/temporal-server';

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;
const SEOUL_OFFSET_MS = 9 * 3_600_000; // Asia/Seoul is UTC+9 all year

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A calendar that matches exactly one instant, written in Seoul's clock time. */
function seoulCalendarAt(at: Date) {
  const local = new Date(at.getTime() + SEOUL_OFFSET_MS);
  return {
    second: local.getUTCSeconds(),
    minute: local.getUTCMinutes(),
    hour: local.getUTCHours(),
    dayOfMonth: local.getUTCDate(),
    month: MONTHS[local.getUTCMonth()],
    year: local.getUTCFullYear(),
    comment: `once at ${at.toISOString()}`,
  };
}

describe('schedule catch-up after an outage (dev server restarted on its database file)', () => {
  const dir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'catchup-'));
  const dbFile = path.join(dir, 'temporal.db');
  let port: number;
  let server: DevServer | undefined;
  let client: Client | undefined;
  let db: TestDatabase | undefined;
  let stack: TestStack | undefined;
  const sweep = scheduleCatalogue(loadConfig({ PLANT_TIMEZONE: 'Asia/Seoul' }))[0];

  /** Starts the dev server on its database file and connects a client to it. */
  async function startServer(): Promise<Client> {
    server = new DevServer(port, dbFile);
    await server.start();
    return new Client({ connection: await Connection.connect({ address: server.address }) });
  }

  async function stopServer(): Promise<void> {
    await client?.connection.close();
    client = undefined;
    await server?.stop();
  }

  /** A schedule of the catalogue's kind whose nights are the given instants; its runs' ids start with `workflowId`. */
  const create = (id: string, catchupWindowMs: number, nights: Date[], workflowId?: string) => {
    const options = scheduleOptions({ ...sweep, id, catchupWindowMs });
    const action = { ...options.action, workflowId: workflowId ?? options.action.workflowId };
    return client!.schedule.create({ ...options, action, spec: { calendars: nights.map(seoulCalendarAt), timezone: 'Asia/Seoul' } });
  };
  const describeSchedule = (id: string): Promise<ScheduleDescription> => client!.schedule.getHandle(id).describe();

  /**
   * Creates schedules (id → catch-up window, nights 2 s apart) whose first night is one instant a few seconds ahead
   * and returns once each one's scheduler sleeps until it (describe lists it next) and `then` is done, all before it.
   * A machine too slow for that gets a later instant and new ids: a scheduler that first ran after its time would
   * have skipped it unseen.
   */
  async function scheduleAhead(schedules: Record<string, { windowMs: number; nights?: number; workflowId?: string }>, then: () => Promise<unknown> = async () => undefined) {
    for (let attempt = 1, leadMs = 6000; ; attempt++, leadMs *= 2) {
      const due = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
      const ids = Object.fromEntries(Object.keys(schedules).map((name) => [name, `${name}-${attempt}`]));
      for (const [name, { windowMs, nights = 1, workflowId }] of Object.entries(schedules)) {
        await create(
          ids[name],
          windowMs,
          Array.from({ length: nights }, (_, i) => new Date(due.getTime() + i * 2000)),
          workflowId,
        );
      }
      const next = await Promise.all(Object.values(ids).map(async (id) => (await describeSchedule(id)).info.nextActionTimes[0]?.toISOString()));
      // A scheduler that ran in time lists the instant; one that ran after it lists nothing (the calendar is over).
      expect(next.filter((t) => t !== undefined)).toEqual(next.filter((t) => t !== undefined).map(() => due.toISOString()));
      if (next.every((t) => t !== undefined)) {
        await then();
        if (Date.now() < due.getTime()) return { due, ids };
      }
      if (attempt === 3) throw new Error(`no schedule could be set up ahead of its time (last lead ${leadMs} ms)`);
      client ??= await startServer();
    }
  }

  beforeAll(async () => {
    port = await freePort();
    db = await createTestDatabase('sqlite', 'schedule_catchup');
    // The API starts while its Temporal server is not there yet: were it to wait for Temporal, this would not return.
    stack = await TestStack.start({
      db,
      namespace: 'schedule-catchup',
      worker: false,
      env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: 'default', ENSURE_SCHEDULES: 'true' },
    });
  }, 90_000);

  afterAll(async () => {
    // Each step runs whatever the one before did, so a failed run leaves no server or connection behind.
    const steps = [() => stack?.close(), () => db?.drop(), () => stopServer()];
    const errors: unknown[] = [];
    for (const step of steps)
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => errors.push(err));
    fs.rmSync(dir, { recursive: true, force: true });
    if (errors.length) throw errors[0];
  }, 60_000);

  it('starts the API while Temporal is down and creates the schedules in the background once it is up', async () => {
    expect((await stack!.http('GET', '/api/v1/health')).status).toBe(200);
    expect((await stack!.http('GET', '/api/v1/schedules', { key: ADMIN_KEY })).status).toBe(503);
    const bootstrap = stack!.app.get(SchedulesBootstrap);
    expect(bootstrap.current.status).toBe('pending');

    client = await startServer();
    await eventually(async () => (bootstrap.current.status === 'ensured' ? true : undefined), 90_000, 'the schedules to be created');
    const list = await stack!.http('GET', '/api/v1/schedules', { key: ADMIN_KEY });
    expect(list.status).toBe(200);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([
      NIGHTLY_SWEEP_SCHEDULE,
      WEEKLY_REPORT_SCHEDULE,
      REPORT_RETENTION_SCHEDULE,
      ...RETRAINABLE_MODELS.map(retrainSchedule),
    ]);
    expect((await client.schedule.getHandle(NIGHTLY_SWEEP_SCHEDULE).describe()).spec.timezone).toBe('Asia/Seoul');
  }, 120_000);

  it('fires at the configured local time', async () => {
    const { due, ids } = await scheduleAhead({ 'on-time': { windowMs: sweep.catchupWindowMs } });
    const d = await eventually(
      async () => {
        const now = await describeSchedule(ids['on-time']);
        return now.info.recentActions.length ? now : undefined;
      },
      90_000,
      'the scheduled run',
    );
    expect(d.info.numActionsTaken).toBe(1);
    const [run] = d.info.recentActions;
    expect(run.scheduledAt.toISOString()).toBe(due.toISOString());
    expect(run.takenAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect(run.action.workflow.workflowId).toBe(`diagnosis-sweep-scheduled-${due.toISOString().slice(0, 19)}Z`);
  }, 120_000);

  it('takes a run missed in an outage once when Temporal is back within the catch-up window, and never when later', async () => {
    // The same night missed inside and outside the window, and four nights missed inside it (runs of their own ids:
    // two schedules starting one workflow id would take turns); Temporal stops before the first, every scheduler asleep.
    const { due, ids } = await scheduleAhead(
      { within: { windowMs: 600_000 }, outside: { windowMs: 10_000 }, several: { windowMs: 600_000, nights: 4, workflowId: 'several-missed' } },
      stopServer,
    );
    // Back more than 10 s after it, past the last of the four (a scheduler measures the window when it wakes, after
    // this), and well within 10 minutes.
    await sleep(due.getTime() + 11_000 - Date.now());
    const restartedAt = Date.now();
    client = await startServer();

    // Each scheduler wakes on its timer, due long ago, and settles what it missed in one step.
    const s = await eventually(
      async () => {
        const [within, outside, several] = await Promise.all(
          [ids.within, ids.outside, ids.several].map((id) => client!.withDeadline(Date.now() + 10_000, () => describeSchedule(id)).catch(() => undefined)),
        );
        const woke = within?.info.numActionsTaken && outside?.info.numActionsMissedCatchupWindow && several?.info.numActionsTaken;
        return woke ? { within, outside, several } : undefined;
      },
      90_000,
      'the schedulers to wake after the restart',
    );
    expect(s.within.info.numActionsTaken).toBe(1);
    expect(s.within.info.numActionsMissedCatchupWindow).toBe(0);
    expect(s.within.info.recentActions).toHaveLength(1);
    expect(s.within.info.recentActions[0].scheduledAt.toISOString()).toBe(due.toISOString());
    expect(s.within.info.recentActions[0].takenAt.getTime()).toBeGreaterThanOrEqual(restartedAt);

    expect(s.outside.info.numActionsMissedCatchupWindow).toBe(1);
    expect(s.outside.info.numActionsTaken).toBe(0);
    expect(s.outside.info.recentActions).toEqual([]);

    // Several missed nights start one run, the first; the others are skipped while it runs (overlap skip).
    expect(s.several.info.numActionsTaken).toBe(1);
    expect(s.several.info.numActionsSkippedOverlap).toBe(3);
    expect(s.several.info.numActionsMissedCatchupWindow).toBe(0);
    expect(s.several.info.recentActions.map((a) => a.action.workflow.workflowId)).toEqual([`several-missed-${due.toISOString().slice(0, 19)}Z`]);
  }, 180_000);
});
