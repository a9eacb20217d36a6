import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Equipment, EquipmentKind } from '../entities/equipment.entity';
import { Sensor } from '../entities/sensor.entity';
import { sqlFork } from './sql-fork';

/** A sensor of a machine, as the query API reads it. */
export interface SensorRecord {
  sensorNo: string;
  samplingRateHz?: number;
}

/** Equipment as the query API reads it, with its sensors (a process unit has none). */
export interface EquipmentRecord {
  id: number;
  code: string;
  name: string;
  kind: EquipmentKind;
  sensors: SensorRecord[];
}

export interface EquipmentFilter {
  kind?: EquipmentKind;
}

export interface EquipmentIdentity {
  code: string;
  name: string;
  kind: EquipmentKind;
}

/**
 * Equipment (machines, process units) and their sensors. Registering is one insert that leaves an existing row as it
 * is (on conflict a no-op update, so real errors stay errors), then a read: ingests that run side by side may register
 * the same machine at once, and neither may fail on the other's row.
 */
@Injectable()
export class EquipmentRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The equipment with this code, registered first when new. */
  async ensureEquipment(identity: EquipmentIdentity): Promise<Equipment> {
    const em = sqlFork(this.orm);
    await em
      .createQueryBuilder(Equipment)
      .insert({ ...identity, createdAt: new Date() })
      .onConflict('code')
      .merge(['code'])
      .execute();
    return em.findOneOrFail(Equipment, { code: identity.code });
  }

  /** The sensor `sensorNo` of a machine, registered first when new; a sampling rate is recorded when none is yet. */
  async ensureSensor(equipmentId: number, sensorNo: string, samplingRateHz?: number): Promise<Sensor> {
    const em = sqlFork(this.orm);
    const key = { equipment: equipmentId, sensorNo };
    await em
      .createQueryBuilder(Sensor)
      .insert({ ...key, samplingRateHz })
      .onConflict(['equipment', 'sensorNo'])
      .merge(['sensorNo'])
      .execute();
    if (samplingRateHz) await em.nativeUpdate(Sensor, { ...key, samplingRateHz: null }, { samplingRateHz });
    return em.findOneOrFail(Sensor, key);
  }

  /** The id of the equipment with this code (its name in the API: g3, TEP), or null. */
  async findIdByCode(code: string): Promise<number | null> {
    const found = await this.orm.em.fork().findOne(Equipment, { code }, { fields: ['id'] });
    return found?.id ?? null;
  }

  /** The codes of these equipment ids (ids that do not exist are left out). */
  async findCodes(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.orm.em.fork().find(Equipment, { id: { $in: [...new Set(ids)] } }, { fields: ['id', 'code'] });
    return new Map(rows.map((e) => [e.id, e.code]));
  }

  // --- Reads for the query API ---

  /** A page of equipment in code order, with the total matching. */
  async findEquipmentPage(filter: EquipmentFilter, limit: number, offset: number): Promise<{ items: EquipmentRecord[]; total: number }> {
    const em = this.orm.em.fork();
    const [rows, total] = await em.findAndCount(Equipment, filter.kind ? { kind: filter.kind } : {}, { orderBy: { code: 'asc' }, limit, offset });
    return { items: await this.withSensors(rows), total };
  }

  /** The equipment with this code (machine name, e.g. `g3`; `TEP`), or undefined. */
  async findEquipmentByCode(code: string): Promise<EquipmentRecord | undefined> {
    const row = await this.orm.em.fork().findOne(Equipment, { code });
    return row ? (await this.withSensors([row]))[0] : undefined;
  }

  /** One read of the sensors for the whole page, along uq_sensor_equipment_no. */
  private async withSensors(rows: Equipment[]): Promise<EquipmentRecord[]> {
    if (rows.length === 0) return [];
    const sensors = await this.orm.em.fork().find(Sensor, { equipment: { $in: rows.map((e) => e.id) } }, { orderBy: { equipment: 'asc', sensorNo: 'asc' } });
    return rows.map((e) => ({
      id: e.id,
      code: e.code,
      name: e.name,
      kind: e.kind,
      sensors: sensors.filter((s) => s.equipment.id === e.id).map((s) => ({ sensorNo: s.sensorNo, samplingRateHz: s.samplingRateHz ?? undefined })),
    }));
  }
}
