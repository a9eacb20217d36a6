import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Lot, LotStatus } from '../entities/lot.entity';
import { dbDate, dbOptionalDate } from '../raw-values';
import { selectRows } from './sql';
import { sqlFork } from './sql-fork';

export interface LotOpening {
  code: string;
  equipmentId: number;
  /** Start of a new lot; an existing lot keeps its own. */
  startedAt: Date;
  faultLabel?: number;
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

/** A lot as the query API shows it. */
export interface LotDetails extends LotRecord {
  /** The code of its process unit (e.g. `TEP`). */
  equipmentCode: string;
  endedAt?: Date;
  status: LotStatus;
}

export interface LotFilter {
  /** The process unit's code. */
  equipmentCode?: string;
  status?: LotStatus;
}

interface LotRow {
  id: number | string;
  code: string;
  equipment_id: number | string;
  equipment_code: string;
  started_at: unknown;
  ended_at: unknown;
  status: LotStatus;
  fault_label: number | null;
}

const LOT_SELECT =
  'SELECT l.id, l.code, l.equipment_id, e.code AS equipment_code, l.started_at, l.ended_at, l.status, l.fault_label FROM lot l JOIN equipment e ON e.id = l.equipment_id';

const toLotDetails = (r: LotRow): LotDetails => ({
  id: Number(r.id),
  code: r.code,
  equipmentId: Number(r.equipment_id),
  equipmentCode: r.equipment_code,
  startedAt: dbDate(r.started_at),
  endedAt: dbOptionalDate(r.ended_at),
  status: r.status,
  faultLabel: r.fault_label === null ? undefined : Number(r.fault_label),
});

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

  /** Lots, newest first: one by its code, or those of one process unit, or all. */
  async findLots(filter: { code?: string; equipmentId?: number }): Promise<LotRecord[]> {
    const where: Record<string, unknown> = {};
    if (filter.code !== undefined) where.code = filter.code;
    if (filter.equipmentId !== undefined) where.equipment = filter.equipmentId;
    const lots = await this.orm.em.fork().find(Lot, where, { orderBy: { startedAt: 'desc', id: 'desc' } });
    return lots.map((l) => ({ id: l.id, code: l.code, equipmentId: l.equipment.id, startedAt: l.startedAt, faultLabel: l.faultLabel ?? undefined }));
  }

  /** These lots, in id order (unknown ids left out). */
  async findByIds(ids: readonly number[]): Promise<LotRecord[]> {
    if (ids.length === 0) return [];
    const lots = await this.orm.em.fork().find(Lot, { id: { $in: [...new Set(ids)] } }, { orderBy: { id: 'asc' } });
    return lots.map((l) => ({ id: l.id, code: l.code, equipmentId: l.equipment.id, startedAt: l.startedAt, faultLabel: l.faultLabel ?? undefined }));
  }

  /** The ids of the lots running during [from, to): started before its end and not ended before its start. */
  async findIdsOverlapping(from: Date, to: Date): Promise<number[]> {
    const lots = await this.orm.em.fork().find(Lot, { startedAt: { $lt: to }, $or: [{ endedAt: null }, { endedAt: { $gte: from } }] }, { fields: ['id'], orderBy: { id: 'asc' } });
    return lots.map((l) => l.id);
  }

  // --- Reads for the query API ---

  /** A page of lots in code order (along uq_lot_code), with the total matching. */
  async findLotPage(filter: LotFilter, limit: number, offset: number): Promise<{ items: LotDetails[]; total: number }> {
    const conditions: [sql: string, value: unknown][] = [];
    if (filter.equipmentCode !== undefined) conditions.push(['e.code = ?', filter.equipmentCode]);
    if (filter.status !== undefined) conditions.push(['l.status = ?', filter.status]);
    const where = conditions.length ? ` WHERE ${conditions.map(([sql]) => sql).join(' AND ')}` : '';
    const params = conditions.map(([, value]) => value);
    const em = this.orm.em.fork();
    const rows = await selectRows<LotRow>(em, `${LOT_SELECT}${where} ORDER BY l.code LIMIT ? OFFSET ?`, [...params, limit, offset]);
    const [{ n }] = await selectRows<{ n: number | string }>(em, `SELECT COUNT(*) AS n FROM lot l JOIN equipment e ON e.id = l.equipment_id${where}`, params);
    return { items: rows.map(toLotDetails), total: Number(n) };
  }

  async findLotByCode(code: string): Promise<LotDetails | undefined> {
    const [row] = await selectRows<LotRow>(this.orm.em.fork(), `${LOT_SELECT} WHERE l.code = ?`, [code]);
    return row ? toLotDetails(row) : undefined;
  }

  /** How many lots each of these equipment has (along the lot's equipment foreign-key index). */
  async countLotsByEquipment(equipmentIds: readonly number[]): Promise<Map<number, number>> {
    if (equipmentIds.length === 0) return new Map();
    const rows = await selectRows<{ equipment_id: number | string; n: number | string }>(
      this.orm.em.fork(),
      `SELECT equipment_id, COUNT(*) AS n FROM lot WHERE equipment_id IN (${equipmentIds.map(() => '?').join(', ')}) GROUP BY equipment_id`,
      equipmentIds,
    );
    return new Map(rows.map((r) => [Number(r.equipment_id), Number(r.n)]));
  }
}
