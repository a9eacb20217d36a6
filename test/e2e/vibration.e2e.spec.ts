// The seed's routes as its clients use them, on each database kind: single and bulk writes that are idempotent
// on the natural key, bulk validation that names the row and field and stores nothing, the grouped reads
// (per-series range, per-machine recent), and raw-SQL reads that answer exactly what ORM reads answer.
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, VibrationData, VibrationDiagnosis } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

const DATA = '/api/v1/vibration-data';
const DIAGNOSIS = '/api/v1/vibration-diagnosis';
const RECORDING = '2026-11-22T08:00:00.000Z';

/** Values as recordings carry them (≤ 7 decimals): mysql2's text-protocol parser rounds 17-digit doubles. */
const round7 = (x: number) => Number(x.toFixed(7));

function sample(machine: string, sensor: string, i: number) {
  return {
    machine_name: machine,
    sensor_no: sensor,
    collected_at: RECORDING,
    measured_time: round7(i / 1400),
    normal: round7(Math.sin(i)),
    unbalance: round7(Math.cos(i)),
    looseness: i * 1e-3,
    unbalance_looseness: -i,
  };
}

function diagnosis(machine: string, minute: number, extra: Record<string, unknown> = {}) {
  return { machine_name: machine, detected_at: new Date(Date.UTC(2026, 3, 26) + minute * 60_000).toISOString(), fault_type: minute % 4, ...extra };
}

describe.each(DATABASE_KINDS)('vibration routes on %s', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let orm: MikroORM;
  let viewer: string;
  let operator: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind, `vibration_${kind}`);
    stack = await TestStack.start({ db, namespace: 'readiness', worker: false });
    orm = await MikroORM.init(ormOptions(db.config));
    viewer = await stack.issueKey('viewer');
    operator = await stack.issueKey('operator');
  });

  afterAll(async () => {
    await orm?.close(true);
    await stack?.close();
    await db?.drop();
  });

  const countSamples = (machineName: string) => orm.em.fork().count(VibrationData, { machineName });
  const countDiagnoses = (machineName: string) => orm.em.fork().count(VibrationDiagnosis, { machineName });

  describe('vibration data', () => {
    it('stores one sample (201, created) and answers a repeat with the stored row (200, not created)', async () => {
      const body = sample('single', 's1', 7);
      const first = await stack.http('POST', DATA, { key: operator, body });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ id: expect.any(Number), ...body, created: true });

      const again = await stack.http('POST', DATA, { key: operator, body: { ...body, normal: 99 } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, created: false });

      // Without collected_at the sample belongs to the undated recording, so its key is still deterministic.
      const { collected_at: _, ...undated } = sample('single', 's1', 7);
      const u1 = await stack.http('POST', DATA, { key: operator, body: undated });
      const u2 = await stack.http('POST', DATA, { key: operator, body: undated });
      expect([u1.status, u2.status]).toEqual([201, 200]);
      expect(u1.body).toMatchObject({ collected_at: '1970-01-01T00:00:00.000Z', created: true });
      expect(u2.body).toEqual({ ...u1.body, created: false });
      expect(await countSamples('single')).toBe(2);

      const listed = await stack.http('GET', `${DATA}?machine_name=single`, { key: viewer });
      expect(listed.status).toBe(200);
      const stored = ({ created: _c, ...row }: Record<string, unknown>) => row;
      // Newest first: the 2026 recording before the undated one.
      expect(listed.body).toEqual([stored(first.body), stored(u1.body)]);
    });

    it('stores and finds a sample at measured_time ±(2^53 − 1), and refuses one beyond with 400 naming the field', async () => {
      // Beyond 2^53 a whole double goes into the SQL as an integer literal that neither database reads back exactly
      // (SQLite did not find the row it had just stored: 500); and no recording is 285 million years long.
      for (const measured_time of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
        const body = { ...sample('huge-time', 's1', 0), measured_time };
        const first = await stack.http('POST', DATA, { key: operator, body });
        expect([first.status, first.body.measured_time]).toEqual([201, measured_time]);
        const again = await stack.http('POST', DATA, { key: operator, body });
        expect(again.status).toBe(200);
      }
      const beyond = await stack.http('POST', DATA, { key: operator, body: { ...sample('huge-time', 's1', 0), measured_time: 5.124002542297259e16 } });
      expect(beyond.status).toBe(400);
      expect(beyond.body.details).toEqual([{ field: 'measured_time', message: expect.stringContaining('measured_time') }]);
    });

    it('sees rows the ORM wrote as duplicates, and reads them back by raw SQL unchanged (same date encoding)', async () => {
      const em = orm.em.fork();
      const written = em.create(VibrationData, {
        machineName: 'orm',
        sensorNo: 's1',
        collectedAt: new Date('2026-11-23T10:20:30.456Z'),
        measuredTime: 1.25,
        normal: 0.5,
        unbalance: 0.25,
        looseness: -0.125,
        unbalanceLooseness: 2,
      });
      await em.flush();
      const expected = {
        id: written.id,
        machine_name: 'orm',
        sensor_no: 's1',
        collected_at: '2026-11-23T10:20:30.456Z',
        measured_time: 1.25,
        normal: 0.5,
        unbalance: 0.25,
        looseness: -0.125,
        unbalance_looseness: 2,
      };
      const repeat = await stack.http('POST', DATA, { key: operator, body: { ...expected, id: undefined, normal: 1 } });
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual({ ...expected, created: false });

      const listed = await stack.http('GET', `${DATA}?machine_name=orm&collected_at=2026-11-23T10:20:30.456Z`, { key: viewer });
      const ranged = await stack.http('GET', `${DATA}/grouped-range?start=0&end=2&machine_name=orm`, { key: viewer });
      expect(listed.body).toEqual([expected]);
      expect(ranged.body).toEqual([expected]);
      expect((await stack.http('GET', `${DATA}?machine_name=orm&collected_at=2026-11-23T10:20:30.455Z`, { key: viewer })).body).toEqual([]);
    });

    it('bulk-loads a bare array, then counts an overlapping {rows} upload exactly as inserted + duplicate', async () => {
      const rows = Array.from({ length: 3750 }, (_, i) => sample('bulk', `s${i % 2}`, i));
      const first = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: rows.slice(0, 2500) });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ received: 2500, inserted: 2500, duplicate: 0 });

      const overlap = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: { rows: rows.slice(1250, 3750) } });
      expect(overlap.status).toBe(200);
      expect(overlap.body).toEqual({ received: 2500, inserted: 1250, duplicate: 1250 });
      expect(await countSamples('bulk')).toBe(3750);

      const listed = await stack.http('GET', `${DATA}?machine_name=bulk&sensor_no=s1&limit=10000`, { key: viewer });
      expect(listed.body).toHaveLength(1875);
      expect(listed.body[0]).toEqual({ id: expect.any(Number), ...rows[3749] });
    });

    it('stores each row once when overlapping uploads arrive at the same time', async () => {
      const rows = Array.from({ length: 2000 }, (_, i) => sample('race', `s${i % 4}`, i));
      const orders = [rows, [...rows].reverse(), [...rows.slice(1000), ...rows.slice(0, 1000)]];
      const results = await Promise.all(orders.map((body) => stack.http('POST', `${DATA}/bulk`, { key: operator, body })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.reduce((sum, r) => sum + r.body.inserted, 0)).toBe(2000);
      expect(results.reduce((sum, r) => sum + r.body.duplicate, 0)).toBe(4000);
      expect(await countSamples('race')).toBe(2000);
    });

    it('refuses a bulk upload with any bad row, naming row and field, and stores none of it', async () => {
      const rows = Array.from({ length: 10 }, (_, i) => sample('badbulk', 's1', i));
      const bad = rows.map((r, i) => (i === 3 ? { ...r, normal: '0.5' } : i === 7 ? { ...r, unbalance: null, surprise: 1 } : r));
      const bare = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: bad });
      expect(bare.status).toBe(400);
      expect(bare.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: expect.stringMatching(/2 of 10 rows.*nothing was stored/) });
      expect(bare.body.details).toEqual(
        expect.arrayContaining([
          { field: '3.normal', message: 'normal must be a finite number' },
          { field: '7.unbalance', message: 'unbalance must be a finite number' },
          { field: '7.surprise', message: expect.stringMatching(/should not exist/) },
        ]),
      );

      const enveloped = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: { rows: bad } });
      expect(enveloped.status).toBe(400);
      expect(enveloped.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['rows.3.normal', 'rows.7.unbalance']));

      const dated = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: [{ ...rows[0], collected_at: '2026-02-30T00:00:00Z' }, 5] });
      expect(dated.body.details).toEqual([
        { field: '0.collected_at', message: expect.stringMatching(/ISO 8601/) },
        { field: '1', message: 'each row must be a JSON object' },
      ]);
      expect(await countSamples('badbulk')).toBe(0);

      const shapeless = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: { data: rows } });
      expect(shapeless.status).toBe(400);
      expect(shapeless.body.details[0].field).toBe('rows');

      const tooMany = await stack.http('POST', `${DATA}/bulk`, { key: operator, body: Array.from({ length: 10_001 }, (_, i) => sample('badbulk', 's1', i)) });
      expect(tooMany.status).toBe(413);
      expect(tooMany.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/At most 10000 rows.*10001/) });
      expect(await countSamples('badbulk')).toBe(0);
    });

    it('answers grouped-range: per series at most limit rows inside [start, end], in series and time order', async () => {
      const rows = ['a', 'b'].flatMap((sensor) => Array.from({ length: 300 }, (_, i) => ({ ...sample('range', sensor, 0), measured_time: i * 0.5 })));
      expect((await stack.http('POST', `${DATA}/bulk`, { key: operator, body: rows })).body.inserted).toBe(600);

      const res = await stack.http('GET', `${DATA}/grouped-range?start=10&end=20&limit=15&machine_name=range`, { key: viewer });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(30);
      expect(res.body.map((r: any) => `${r.sensor_no}@${r.measured_time}`)).toEqual(
        ['a', 'b'].flatMap((sensor) => Array.from({ length: 15 }, (_, i) => `${sensor}@${10 + i * 0.5}`)),
      );

      // Both bounds are inclusive; a limit beyond the range returns the range.
      const bounded = await stack.http('GET', `${DATA}/grouped-range?start=10&end=12&limit=5000&machine_name=range&sensor_no=b`, { key: viewer });
      expect(bounded.body.map((r: any) => r.measured_time)).toEqual([10, 10.5, 11, 11.5, 12]);

      // More series than one UNION block holds (SQLite caps a compound SELECT at 500 terms).
      const many = Array.from({ length: 240 }, (_, i) => ({ ...sample('many', `s${String(i % 120).padStart(3, '0')}`, 0), measured_time: Math.floor(i / 120) }));
      expect((await stack.http('POST', `${DATA}/bulk`, { key: operator, body: many })).body.inserted).toBe(240);
      const wide = await stack.http('GET', `${DATA}/grouped-range?start=0&end=10&limit=1&machine_name=many`, { key: viewer });
      expect(wide.body.map((r: any) => `${r.sensor_no}@${r.measured_time}`)).toEqual(Array.from({ length: 120 }, (_, i) => `s${String(i).padStart(3, '0')}@0`));
      const newest = await stack.http('GET', `${DATA}?machine_name=many&limit=150`, { key: viewer });
      expect(newest.body).toHaveLength(150);
      expect(newest.body.slice(0, 120).every((r: any) => r.measured_time === 1)).toBe(true);

      // Unfiltered: every series of the table, each capped and ordered.
      const all = await stack.http('GET', `${DATA}/grouped-range?start=0&end=1000&limit=3`, { key: viewer });
      const keys = all.body.map((r: any) => [r.machine_name, r.sensor_no]);
      expect(new Set(keys.filter((k: string[]) => !['many', 'race'].includes(k[0])).map(String))).toEqual(
        new Set(['bulk,s0', 'bulk,s1', 'orm,s1', 'range,a', 'range,b', 'single,s1']),
      );
      for (const key of new Set(keys.map(String))) expect(keys.filter((k: string[]) => String(k) === key).length).toBeLessThanOrEqual(3);
      const order = all.body.map((r: any) => [r.machine_name, r.sensor_no, r.measured_time]);
      expect(order).toEqual([...order].sort((x, y) => x[0].localeCompare(y[0]) || x[1].localeCompare(y[1]) || x[2] - y[2]));
    });

    it('names the field of bad grouped-range and list parameters', async () => {
      const reversed = await stack.http('GET', `${DATA}/grouped-range?start=20&end=10`, { key: viewer });
      expect(reversed.status).toBe(400);
      expect(reversed.body.details).toEqual([{ field: 'end', message: 'end must not be less than start' }]);

      const missing = await stack.http('GET', `${DATA}/grouped-range?end=abc&limit=5001`, { key: viewer });
      expect(missing.status).toBe(400);
      expect([...new Set(missing.body.details.map((d: any) => d.field))].sort()).toEqual(['end', 'limit', 'start']);

      const list = await stack.http('GET', `${DATA}?limit=10001&machine_name=a%20b&collected_at=yesterday`, { key: viewer });
      expect(list.status).toBe(400);
      expect([...new Set(list.body.details.map((d: any) => d.field))].sort()).toEqual(['collected_at', 'limit', 'machine_name']);
    });
  });

  describe('vibration diagnosis', () => {
    it('stores one diagnosis idempotently; sensor_no is null when absent, detected_at defaults to now', async () => {
      const body = diagnosis('d-single', 5, { confidence: 0.93, probabilities: [0.02, 0.93, 0.04, 0.01], model_version: 'mlp-7' });
      const first = await stack.http('POST', DIAGNOSIS, { key: operator, body });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(Number),
        ...body,
        sensor_no: null,
        window_start: null,
        window_end: null,
        job_id: null,
        created: true,
      });
      const again = await stack.http('POST', DIAGNOSIS, { key: operator, body: { ...body, fault_type: 0 } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, created: false });

      // The same instant for one sensor is another diagnosis.
      const perSensor = await stack.http('POST', DIAGNOSIS, { key: operator, body: { ...body, sensor_no: 's2' } });
      expect(perSensor.status).toBe(201);
      expect(perSensor.body.sensor_no).toBe('s2');

      const before = Date.now();
      const now = await stack.http('POST', DIAGNOSIS, { key: operator, body: { machine_name: 'd-single', fault_type: 2 } });
      expect(now.status).toBe(201);
      expect(Date.parse(now.body.detected_at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(now.body.detected_at)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(await countDiagnoses('d-single')).toBe(3);

      // The list (raw SQL) gives the same JSON as the ORM read behind the POST answer.
      const listed = await stack.http('GET', `${DIAGNOSIS}?machine_name=d-single`, { key: viewer });
      const stored = ({ created: _c, ...row }: Record<string, unknown>) => row;
      expect(listed.body).toEqual([now.body, perSensor.body, first.body].map(stored));
    });

    it('validates a diagnosis field by field', async () => {
      const res = await stack.http('POST', DIAGNOSIS, {
        key: operator,
        body: {
          machine_name: 'x'.repeat(51),
          fault_type: 1.5,
          confidence: '0.9',
          probabilities: [0.5, 0.5],
          window_start: '2026-04-26T03:00:00Z',
          window_end: '2026-04-26T02:00:00Z',
        },
      });
      expect(res.status).toBe(400);
      expect([...new Set(res.body.details.map((d: any) => d.field))].sort()).toEqual(['confidence', 'fault_type', 'machine_name', 'probabilities', 'window_end']);
      for (const fault_type of [4, -1, '1', null]) {
        const bad = await stack.http('POST', DIAGNOSIS, { key: operator, body: { machine_name: 'g1', fault_type } });
        expect(bad.status).toBe(400);
        expect(bad.body.details.map((d: any) => d.field)).toContain('fault_type');
      }
    });

    it('takes 10 k diagnoses in 10 batches of 1 k, and counts a re-sent batch as duplicates', async () => {
      const all = Array.from({ length: 10_000 }, (_, i) =>
        diagnosis(`bulk-m${i % 5}`, Math.floor(i / 5), { sensor_no: i % 10 < 5 ? '' : 's1', confidence: 0.5, probabilities: [0.25, 0.25, 0.25, 0.25] }),
      );
      for (let b = 0; b < 10; b++) {
        const res = await stack.http('POST', `${DIAGNOSIS}/bulk`, { key: operator, body: all.slice(b * 1000, (b + 1) * 1000) });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ received: 1000, inserted: 1000, duplicate: 0 });
      }
      const resent = await stack.http('POST', `${DIAGNOSIS}/bulk`, { key: operator, body: { rows: all.slice(4500, 5500) } });
      expect(resent.body).toEqual({ received: 1000, inserted: 0, duplicate: 1000 });
      for (let m = 0; m < 5; m++) expect(await countDiagnoses(`bulk-m${m}`)).toBe(2000);

      const listed = await stack.http('GET', `${DIAGNOSIS}?machine_name=bulk-m3&limit=10000`, { key: viewer });
      expect(listed.body).toHaveLength(2000);
      const times = listed.body.map((d: any) => Date.parse(d.detected_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('refuses a bulk upload with a bad row or without detected_at, and stores none of it', async () => {
      const rows = Array.from({ length: 6 }, (_, i) => diagnosis('d-bad', i));
      const { detected_at: _, ...undated } = rows[3];
      const res = await stack.http('POST', `${DIAGNOSIS}/bulk`, { key: operator, body: [...rows.slice(0, 3), undated, { ...rows[4], fault_type: 7 }, rows[5]] });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: any) => d.field)).toEqual(['3.detected_at', '4.fault_type']);
      const tooMany = await stack.http('POST', `${DIAGNOSIS}/bulk`, { key: operator, body: Array.from({ length: 5001 }, (_, i) => diagnosis('d-bad', i)) });
      expect(tooMany.status).toBe(413);
      expect(await countDiagnoses('d-bad')).toBe(0);
    });

    it('filters the list by machine, sensor, fault type and detection time', async () => {
      const res = await stack.http('GET', `${DIAGNOSIS}?machine_name=bulk-m1&fault_type=2&from=2026-04-26T01:00:00Z&to=2026-04-26T02:00:00Z`, { key: viewer });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
      for (const d of res.body) {
        expect(d).toMatchObject({ machine_name: 'bulk-m1', fault_type: 2 });
        expect(d.detected_at >= '2026-04-26T01:00:00.000Z' && d.detected_at <= '2026-04-26T02:00:00.000Z').toBe(true);
      }
      // One sensor's: half of bulk-m3's 2,000 are s1's, the other half machine-level.
      const sensor = await stack.http('GET', `${DIAGNOSIS}?machine_name=bulk-m3&sensor_no=s1&limit=10000`, { key: viewer });
      expect(sensor.body).toHaveLength(1000);
      expect(new Set(sensor.body.map((d: any) => d.sensor_no))).toEqual(new Set(['s1']));
      const reversed = await stack.http('GET', `${DIAGNOSIS}?from=2026-04-27T00:00:00Z&to=2026-04-26T00:00:00Z&fault_type=9`, { key: viewer });
      expect(reversed.status).toBe(400);
      expect(reversed.body.details.map((d: any) => d.field).sort()).toEqual(['fault_type', 'to']);
    });

    it('answers grouped-recent: at most limit per machine, newest first, the same rows the list gives', async () => {
      const res = await stack.http('GET', `${DIAGNOSIS}/grouped-recent?limit=3`, { key: viewer });
      expect(res.status).toBe(200);
      const machines = [...new Set<string>(res.body.map((d: any) => String(d.machine_name)))];
      expect(machines).toEqual(['bulk-m0', 'bulk-m1', 'bulk-m2', 'bulk-m3', 'bulk-m4', 'd-single']);
      for (const machine of machines) {
        const mine = res.body.filter((d: any) => d.machine_name === machine);
        expect(mine).toHaveLength(3);
        const listed = await stack.http('GET', `${DIAGNOSIS}?machine_name=${machine}&limit=3`, { key: viewer });
        expect(mine).toEqual(listed.body);
      }
      expect(res.body.filter((d: any) => d.machine_name === 'bulk-m0').map((d: any) => d.detected_at)).toEqual([
        '2026-04-27T09:19:00.000Z',
        '2026-04-27T09:18:00.000Z',
        '2026-04-27T09:17:00.000Z',
      ]);
      const one = await stack.http('GET', `${DIAGNOSIS}/grouped-recent`, { key: viewer });
      expect(one.body.filter((d: any) => d.machine_name === 'bulk-m2')).toHaveLength(10);
      expect((await stack.http('GET', `${DIAGNOSIS}/grouped-recent?limit=0`, { key: viewer })).body.details[0].field).toBe('limit');
    });
  });

  describe('dates and times', () => {
    // ISO 8601 forms that some parsers take and Date does not (basic, week and ordinal dates), and impossible instants.
    const BAD_DATES = ['20261101', '20261101T030000Z', '2026-W45-1', '2026-305', '2026-02-30T00:00:00Z', '1969-12-31T23:59:59Z'];

    it.each(BAD_DATES)('refuses %s in every date field with 400 naming the field, never 500', async (bad) => {
      const expectFieldRefused = (res: { status: number; body: any }, field: string) => {
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
        expect(res.body.details.map((d: any) => d.field)).toContain(field);
      };
      expectFieldRefused(await stack.upload('g1_sensor1.csv', '0,1,2,3,4\n', { collected_at: bad }, operator), 'collected_at');
      expectFieldRefused(await stack.upload('g1_sensor1_20261101T030000Z.csv', '0,1\n', { kind: 'capture', collected_at: bad }, operator), 'collected_at');
      expectFieldRefused(await stack.upload('d01.dat', '1 2 3\n', { start_time: bad }, operator), 'start_time');
      expectFieldRefused(await stack.http('POST', DATA, { key: operator, body: { ...sample('dates', 's1', 1), collected_at: bad } }), 'collected_at');
      expectFieldRefused(await stack.http('GET', `${DATA}?collected_at=${bad}`, { key: viewer }), 'collected_at');
      expectFieldRefused(await stack.http('POST', DIAGNOSIS, { key: operator, body: diagnosis('dates', 1, { detected_at: bad }) }), 'detected_at');
      expectFieldRefused(await stack.http('GET', `${DIAGNOSIS}?from=${bad}`, { key: viewer }), 'from');
      expectFieldRefused(await stack.http('GET', `${DIAGNOSIS}?to=${bad}`, { key: viewer }), 'to');
    });
  });

  describe('roles', () => {
    it('lets a viewer read every route but write none (403); no key is 401', async () => {
      for (const path of [DATA, `${DATA}/grouped-range?start=0&end=1`, DIAGNOSIS, `${DIAGNOSIS}/grouped-recent`]) {
        expect((await stack.http('GET', path, { key: viewer })).status).toBe(200);
        expect((await stack.http('GET', path)).status).toBe(401);
      }
      const writes: [string, unknown][] = [
        [DATA, sample('viewer', 's1', 1)],
        [`${DATA}/bulk`, [sample('viewer', 's1', 1)]],
        [DIAGNOSIS, diagnosis('viewer', 1)],
        [`${DIAGNOSIS}/bulk`, [diagnosis('viewer', 1)]],
      ];
      for (const [path, body] of writes) {
        const res = await stack.http('POST', path, { key: viewer, body });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      expect(await countSamples('viewer')).toBe(0);
      expect(await countDiagnoses('viewer')).toBe(0);
    });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const spec = (await stack.http('GET', '/docs-json')).body;
    const bulk = spec.paths['/api/v1/vibration-data/bulk'].post;
    expect(bulk.tags).toEqual(['Vibration data']);
    expect(bulk.security).toEqual([{ 'api-key': [] }]);
    expect(bulk.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BulkInsertResponseDto');
    expect(bulk.requestBody.content['application/json'].schema.oneOf).toHaveLength(2);
    const recent = spec.paths['/api/v1/vibration-diagnosis/grouped-recent'].get;
    expect(recent.tags).toEqual(['Vibration diagnosis']);
    expect(recent.summary).toBeTruthy();
    expect(recent.responses['200'].content['application/json'].schema.items.$ref).toBe('#/components/schemas/VibrationDiagnosisResponseDto');
  });
});
