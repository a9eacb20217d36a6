/** @jest-environment ./test/support/onnx-environment.ts */
// The scheduled retrain: the catalogue's `retrain-vibration-classifier` schedule (promotion `auto`) fires on the real
// Temporal dev server and starts the real retrain workflow on a real worker and database. The time-skipping test
// server has no schedules (CreateSchedule is UNIMPLEMENTED), so the schedule's cron is swapped for a calendar instant
// a few seconds ahead, as test/integration/schedule-catchup.spec.ts does; everything else is the catalogue's.
// The first run meets the shipped classifier (≈100 % held out) and is not promoted; the second meets a poor champion
// an admin promoted, and replaces it.
import { Client, Connection, type ScheduleDescription } from '@temporalio/client';
import { recordingChunks } from '@him/datagen';
import { mlpClassifier, VIBRATION_CLASSIFIER_INPUT, VIBRATION_FEATURE_COUNT } from '@him/ml';
import { retrainSchedule, scheduleCatalogue, scheduleOptions, type ScheduleDefinition } from '@him/temporal';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { ADMIN_KEY, eventually, TestStack } from '../support/stack';

jest.setTimeout(240_000);

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

/** A calendar that matches exactly one instant (UTC). */
const calendarAt = (at: Date) => ({
  second: at.getUTCSeconds(),
  minute: at.getUTCMinutes(),
  hour: at.getUTCHours(),
  dayOfMonth: at.getUTCDate(),
  month: MONTHS[at.getUTCMonth()],
  year: at.getUTCFullYear(),
  comment: `once at ${at.toISOString()}`,
});

/** A valid classifier that always answers "looseness": a champion any real training beats. */
function constantLoosenessModel(): Uint8Array {
  return mlpClassifier([{ weights: new Float32Array(4 * VIBRATION_FEATURE_COUNT), bias: Float32Array.from([0, 0, 5, 0]) }], {
    inputName: VIBRATION_CLASSIFIER_INPUT,
    featureCount: VIBRATION_FEATURE_COUNT,
    classes: 4,
  });
}

describe('scheduled retrain (Temporal dev server, promotion auto)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let client: Client;
  let definition: ScheduleDefinition;
  const ID = retrainSchedule('vibration-classifier');
  const describeSchedule = (): Promise<ScheduleDescription> => client.schedule.getHandle(ID).describe();
  const versions = async () =>
    (await stack.http('GET', '/api/v1/models?name=vibration-classifier', { key: ADMIN_KEY })).body as { version: number; status: string; created_by: string }[];

  /**
   * Lets the schedule fire once, a few seconds from now, and returns the result of the run it starts. A scheduler
   * that first looks after its instant never sees it, so the instant counts only once the schedule names it as its
   * next action; a machine too slow for the lead gets a later one.
   */
  async function fireOnce(): Promise<any> {
    const before = (await describeSchedule()).info.recentActions.length;
    for (let leadMs = 5000; ; leadMs *= 2) {
      const due = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
      await client.schedule
        .getHandle(ID)
        .update((current) => ({ ...current, spec: { calendars: [calendarAt(due)], timezone: 'UTC' }, state: { ...current.state, paused: false } }));
      const next = await eventually(async () => (await describeSchedule()).info.nextActionTimes[0], leadMs / 2, 'the schedule to name its next action');
      if (next.getTime() === due.getTime() && Date.now() < due.getTime() - 500) break;
      if (leadMs > 60_000) throw new Error('the schedule never took an instant ahead of it');
    }
    const action = await eventually(async () => (await describeSchedule()).info.recentActions[before], 60_000, 'the scheduled run to start');
    expect(action.action.workflow.workflowId).toMatch(new RegExp(`^retrain-vibration-classifier-\\d{4}-\\d\\d-\\d\\dT`));
    return client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId).result();
  }

  beforeAll(async () => {
    db = await createTestDatabase('sqlite', 'retrain-schedule');
    stack = await TestStack.start({ db, namespace: 'retrain-schedule' });
    client = new Client({ connection: await Connection.connect({ address: stack.config.temporal.address }), namespace: stack.config.temporal.namespace });
    // Four recordings of g1 to train on (sensor 4 is held out), as a plant's history would hold.
    for (let sensor = 1; sensor <= 4; sensor++) {
      const started = await stack.upload(`g1_sensor${sensor}.csv`, [...recordingChunks({ machine: 1, sensor, seed: 'retrain-schedule', seconds: 45, header: true })].join(''));
      expect((await stack.finishedJob(started.body.workflow_id)).status).toBe('completed');
    }
    definition = scheduleCatalogue(stack.config).find((d) => d.id === ID)!;
    // The catalogue's schedule as start-up makes it: paused, promotion auto, asked for by the schedule.
    await client.schedule.create(scheduleOptions(definition));
  });

  afterAll(async () => {
    await client?.schedule
      .getHandle(ID)
      .delete()
      .catch(() => undefined);
    await client?.connection.close();
    await stack?.close();
    await db?.drop();
  });

  it('is created paused, to start the retrain workflow with promotion auto', async () => {
    const d = await describeSchedule();
    expect(d.state.paused).toBe(true);
    expect(d.action).toMatchObject({ workflowType: 'retrainModel', args: [{ model: 'vibration-classifier', promote: 'auto', requestedBy: 'schedule' }] });
    expect(definition.cron).toBe('0 4 * * 0');
  });

  it('fires: a challenger no better than the shipped champion is registered and not promoted', async () => {
    const result = await fireOnce();
    expect(result).toMatchObject({ model: 'vibration-classifier', version: 2, promoted: false, policy: 'auto', champion: { version: 1 } });
    expect(result.challenger.score).toBeLessThan(result.champion.score.score + result.margin);
    expect(result.decision).toMatch(/champion kept/);
    const [v2, v1] = await versions();
    expect(v2).toMatchObject({ version: 2, status: 'candidate', created_by: 'retrain (schedule)' });
    expect(v1.status).toBe('active');
  });

  it('fires again: a challenger better than a poor champion by the margin replaces it', async () => {
    const form = new FormData();
    form.append('file', new Blob([constantLoosenessModel()]), 'model.onnx');
    const uploaded = await fetch(`${stack.baseUrl}/api/v1/models/vibration-classifier`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY }, body: form });
    expect(uploaded.status).toBe(201);
    expect((await stack.http('POST', '/api/v1/models/vibration-classifier/3/promote', { key: ADMIN_KEY })).status).toBe(200);

    const result = await fireOnce();
    expect(result).toMatchObject({ version: 4, promoted: true, policy: 'auto', champion: { version: 3, score: { score: 0.25 } } });
    expect(result.challenger.score).toBeGreaterThanOrEqual(0.25 + result.margin);
    const [v4, v3] = await versions();
    expect(v4).toMatchObject({ version: 4, status: 'active', created_by: 'retrain (schedule)' });
    expect(v3.status).toBe('retired');
  });
});
