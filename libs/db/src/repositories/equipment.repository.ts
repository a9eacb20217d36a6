import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Equipment, EquipmentKind } from '../entities/equipment.entity';
import { Sensor } from '../entities/sensor.entity';
import { sqlFork } from './sql-fork';

export interface EquipmentRecord extends EquipmentIdentity {
  id: number;
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

  /** The equipment with this code (the plant's name, e.g. g3), if registered. */
  async findByCode(code: string): Promise<EquipmentRecord | undefined> {
    const found = await this.orm.em.fork().findOne(Equipment, { code });
    return found ? { id: found.id, code: found.code, name: found.name, kind: found.kind } : undefined;
  }

  /** Equipment by id, for naming rows that carry only the id. */
  async findByIds(ids: readonly number[]): Promise<EquipmentRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.orm.em.fork().find(Equipment, { id: { $in: [...ids] } }, { orderBy: { code: 'asc' } });
    return rows.map((e) => ({ id: e.id, code: e.code, name: e.name, kind: e.kind }));
  }
}
