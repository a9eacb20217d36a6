import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Equipment, EquipmentKind } from '../entities/equipment.entity';
import { Sensor } from '../entities/sensor.entity';

export interface EquipmentIdentity {
  code: string;
  name: string;
  kind: EquipmentKind;
}

/** Equipment (machines, process units) and their sensors. */
@Injectable()
export class EquipmentRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The equipment with this code, registered first when new. */
  async ensureEquipment(identity: EquipmentIdentity): Promise<Equipment> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(Equipment, { code: identity.code });
    if (existing) return existing;
    const created = em.create(Equipment, { ...identity, createdAt: new Date() });
    await em.flush();
    return created;
  }

  /** The sensor `sensorNo` of a machine, registered first when new; a sampling rate is recorded when none is yet. */
  async ensureSensor(equipmentId: number, sensorNo: string, samplingRateHz?: number): Promise<Sensor> {
    const em = this.orm.em.fork();
    const equipment = em.getReference(Equipment, equipmentId);
    const sensor = (await em.findOne(Sensor, { equipment, sensorNo })) ?? em.create(Sensor, { equipment, sensorNo });
    if (samplingRateHz && !sensor.samplingRateHz) sensor.samplingRateHz = samplingRateHz;
    await em.flush();
    return sensor;
  }
}
