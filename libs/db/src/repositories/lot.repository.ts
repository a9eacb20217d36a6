import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Equipment } from '../entities/equipment.entity';
import { Lot } from '../entities/lot.entity';

export interface LotOpening {
  code: string;
  equipmentId: number;
  /** Start of a new lot; an existing lot keeps its own. */
  startedAt: Date;
  faultLabel?: number;
}

/** Production runs (lots) of process units. */
@Injectable()
export class LotRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The lot with this code, opened first when new. */
  async ensureLot(lot: LotOpening): Promise<Lot> {
    const em = this.orm.em.fork();
    const existing = await em.findOne(Lot, { code: lot.code });
    if (existing) return existing;
    const created = em.create(Lot, { code: lot.code, equipment: em.getReference(Equipment, lot.equipmentId), startedAt: lot.startedAt, faultLabel: lot.faultLabel, createdAt: new Date() });
    await em.flush();
    return created;
  }
}
