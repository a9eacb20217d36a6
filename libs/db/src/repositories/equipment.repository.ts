import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Equipment, EquipmentKind } from '../entities/equipment.entity';
import { Sensor } from '../entities/sensor.entity';
import { sqlFork } from './sql-fork';

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
}
