import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Lot, LotStatus } from '../entities/lot.entity';
import { sqlFork } from './sql-fork';

export interface LotOpening {
  code: string;
  equipmentId: number;
  /** Start of a new lot; an existing lot keeps its own. */
  startedAt: Date;
  faultLabel?: number;
}

export interface LotFilter {
  code?: string;
  equipmentId?: number;
}

/** A lot whose process is known: its fault label (TEP IDV number, 0 = normal operation). */
export interface LabelledLot {
  lotId: number;
  code: string;
  faultLabel: number;
}

/** A lot as the sweep and the API read it. */
export interface LotRecord {
  id: number;
  code: string;
  equipmentId: number;
  startedAt: Date;
  faultLabel?: number;
}

/** Production runs (lots) of process units. */
@Injectable()
export class LotRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The lot with this code, opened first when new (insert-if-absent as EquipmentRepository does: two ingests of one run may open it at once). */
  async ensureLot(lot: LotOpening): Promise<Lot> {
    const em = sqlFork(this.orm);
    await em
      .createQueryBuilder(Lot)
      .insert({ code: lot.code, equipment: lot.equipmentId, startedAt: lot.startedAt, faultLabel: lot.faultLabel, status: LotStatus.Open, createdAt: new Date() })
      .onConflict('code')
      .merge(['code'])
      .execute();
    return em.findOneOrFail(Lot, { code: lot.code });
  }

  /** The lots with a fault label, in code order: the runs the TEP models learn from. */
  async findLabelledLots(): Promise<LabelledLot[]> {
    const lots = await this.orm.em.fork().find(Lot, { faultLabel: { $ne: null } }, { fields: ['id', 'code', 'faultLabel'], orderBy: { code: 'asc' } });
    return lots.map((l) => ({ lotId: l.id, code: l.code, faultLabel: l.faultLabel! }));
  }

  async findByCode(code: string): Promise<LotRecord | null> {
    const lot = await this.orm.em.fork().findOne(Lot, { code });
    return lot ? { id: lot.id, code: lot.code, equipmentId: lot.equipment.id, startedAt: lot.startedAt, faultLabel: lot.faultLabel ?? undefined } : null;
  }

  /** The codes of these lots, by id (lots that do not exist are left out). */
  async findCodes(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const lots = await this.orm.em.fork().find(Lot, { id: { $in: [...new Set(ids)] } }, { fields: ['id', 'code'] });
    return new Map(lots.map((l) => [l.id, l.code]));
  }

  /** Lots, newest first. */
  async findLots(filter: LotFilter): Promise<LotRecord[]> {
    const where: Record<string, unknown> = {};
    if (filter.code !== undefined) where.code = filter.code;
    if (filter.equipmentId !== undefined) where.equipment = filter.equipmentId;
    const lots = await this.orm.em.fork().find(Lot, where, { orderBy: { startedAt: 'desc', id: 'desc' } });
    return lots.map((l) => ({ id: l.id, code: l.code, equipmentId: l.equipment.id, startedAt: l.startedAt, faultLabel: l.faultLabel ?? undefined }));
  }

  /** The ids of the lots running during [from, to): started before its end and not ended before its start. */
  async findIdsOverlapping(from: Date, to: Date): Promise<number[]> {
    const lots = await this.orm.em.fork().find(Lot, { startedAt: { $lt: to }, $or: [{ endedAt: null }, { endedAt: { $gte: from } }] }, { fields: ['id'], orderBy: { id: 'asc' } });
    return lots.map((l) => l.id);
  }
}
