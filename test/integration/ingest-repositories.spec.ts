// The ingest's repositories on real databases: registering the rows' destination (equipment, sensor, capture, lot)
// is atomic, so ingests that run side by side never fail on each other's insert.
import { MikroORM } from '@mikro-orm/core';
import { CaptureRepository, EquipmentKind, EquipmentRepository, LotRepository, ormOptions } from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';

const SIDE_BY_SIDE = 12;

describe.each(DATABASE_KINDS)('ingest repositories on %s', (kind) => {
  let db: TestDatabase;
  let orm: MikroORM;
  let equipment: EquipmentRepository;

  const count = async (sql: string, params: unknown[] = []) => Number((await orm.em.fork().getConnection().execute(sql, params))[0].n);
  const sideBySide = <T>(register: () => Promise<T>) => Promise.all(Array.from({ length: SIDE_BY_SIDE }, register));

  beforeAll(async () => {
    db = await createTestDatabase(kind, `ingest_repos_${kind}`);
    orm = await MikroORM.init(ormOptions(db.config));
    equipment = new EquipmentRepository(orm);
  });

  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('registers one machine and one sensor when many ingests of it start at once', async () => {
    const machines = await sideBySide(() => equipment.ensureEquipment({ code: 'g1', name: 'Rotating machine g1', kind: EquipmentKind.RotatingMachine }));
    expect(new Set(machines.map((m) => m.id)).size).toBe(1);
    expect(await count("select count(*) as n from equipment where code = 'g1'")).toBe(1);

    const sensors = await sideBySide(() => equipment.ensureSensor(machines[0].id, '1', 1350));
    expect(new Set(sensors.map((s) => s.id)).size).toBe(1);
    const [sensor] = await orm.em.fork().getConnection().execute('select * from sensor where equipment_id = ?', [machines[0].id]);
    expect(sensor).toMatchObject({ sensor_no: '1', sampling_rate_hz: 1350 });
  });

  it('keeps what a machine or sensor was registered with', async () => {
    const first = await equipment.ensureEquipment({ code: 'g2', name: 'Rotating machine g2', kind: EquipmentKind.RotatingMachine });
    const again = await equipment.ensureEquipment({ code: 'g2', name: 'another name', kind: EquipmentKind.Process });
    expect(again).toMatchObject({ id: first.id, name: 'Rotating machine g2', kind: EquipmentKind.RotatingMachine });
    await equipment.ensureSensor(first.id, '1');
    await equipment.ensureSensor(first.id, '1', 1400);
    await equipment.ensureSensor(first.id, '1', 1300);
    expect(await count('select sampling_rate_hz as n from sensor where equipment_id = ?', [first.id])).toBe(1400);
  });

  it('registers one capture when many ingests of it start at once', async () => {
    const captures = new CaptureRepository(orm);
    const capturedAt = new Date('2026-11-01T03:00:00.000Z');
    const registered = await sideBySide(() => captures.ensureCapture({ machineName: 'g3', sensorNo: '2', capturedAt, samplingRateHz: 1350, ingestId: 1 }));
    expect(new Set(registered.map((c) => c.id)).size).toBe(1);
    expect(registered[0].capturedAt.toISOString()).toBe(capturedAt.toISOString());
    expect(await count("select count(*) as n from capture where machine_name = 'g3'")).toBe(1);
  });

  it('opens one lot when many ingests of it start at once; an existing lot keeps its start', async () => {
    const lots = new LotRepository(orm);
    const tep = await equipment.ensureEquipment({ code: 'TEP', name: 'Tennessee Eastman process', kind: EquipmentKind.Process });
    const startedAt = new Date('2026-01-01T00:00:00.000Z');
    const opened = await sideBySide(() => lots.ensureLot({ code: 'd01', equipmentId: tep.id, startedAt, faultLabel: 1 }));
    expect(new Set(opened.map((l) => l.id)).size).toBe(1);
    expect(await count("select count(*) as n from lot where code = 'd01'")).toBe(1);
    const reopened = await lots.ensureLot({ code: 'd01', equipmentId: tep.id, startedAt: new Date('2026-05-01T00:00:00.000Z') });
    expect(reopened).toMatchObject({ id: opened[0].id, code: 'd01', faultLabel: 1 });
    expect(reopened.startedAt.toISOString()).toBe(startedAt.toISOString());
  });
});
