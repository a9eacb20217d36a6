import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { dbDate } from '../raw-values';
import { selectRows } from './sql';

/** One tag's value at one time, as read. */
export interface ProcessValueRecord {
  tag: string;
  measuredAt: Date;
  value: number;
}

/** Where the bulk loader puts a lot's values (tag, time, value per row; the lot and its equipment once per chunk). */
export function processValueBulkTable(lot: { equipmentId: number; lotId: number }): BulkTable {
  return {
    table: 'process_value',
    columns: [
      { name: 'tag', type: 'text' },
      { name: 'measured_at', type: 'datetime' },
      { name: 'value', type: 'number' },
    ],
    constants: [
      { name: 'equipment_id', type: 'number', value: lot.equipmentId },
      { name: 'lot_id', type: 'number', value: lot.lotId },
    ],
  };
}

/** Values per page of a lot: one index range scan each, a few MB in memory. */
export const LOT_PAGE_ROWS = 100_000;

/**
 * Reads of `process_value` (the bulk loader writes it). A lot's values are read page by page along
 * uq_process_value_lot_tag_time, so a read never sorts or holds more than a page.
 */
@Injectable()
export class ProcessValueRepository {
  constructor(private readonly orm: MikroORM) {}

  /** One lot's values, `pageRows` at a time, in (tag, measured_at) order. */
  async *readLot(lotId: number, pageRows = LOT_PAGE_ROWS): AsyncGenerator<ProcessValueRecord[]> {
    let after: { tag: string; measuredAt: Date } | undefined;
    for (;;) {
      const rest = after ? ' AND (tag > ? OR (tag = ? AND measured_at > ?))' : '';
      const page = await selectRows<{ tag: string; measured_at: unknown; value: number }>(
        this.orm.em.fork(),
        `SELECT tag, measured_at, value FROM process_value WHERE lot_id = ?${rest} ORDER BY tag, measured_at LIMIT ?`,
        [lotId, ...(after ? [after.tag, after.tag, after.measuredAt] : []), pageRows],
      );
      const values = page.map((v) => ({ tag: v.tag, measuredAt: dbDate(v.measured_at), value: Number(v.value) }));
      if (values.length) yield values;
      if (values.length < pageRows) return;
      after = values[values.length - 1];
    }
  }

  /**
   * Each lot's last observation time. Grouped by (lot, tag) first, so MariaDB reads the last entry of each tag's
   * range of uq_process_value_lot_tag_time (a loose index scan) instead of every value.
   */
  async lastMeasuredAtByLot(): Promise<{ lotId: number; lastMeasuredAt: Date }[]> {
    const rows = await selectRows<{ lot_id: number | string; last_at: unknown }>(
      this.orm.em.fork(),
      'SELECT lot_id, MAX(last_at) AS last_at FROM (SELECT lot_id, tag, MAX(measured_at) AS last_at FROM process_value GROUP BY lot_id, tag) AS per_tag GROUP BY lot_id ORDER BY lot_id',
    );
    return rows.map((r) => ({ lotId: Number(r.lot_id), lastMeasuredAt: dbDate(r.last_at) }));
  }

  /** When `tag` was last measured in the lot (one index lookup), or undefined for a lot without values. */
  async lastMeasuredAt(lotId: number, tag: string): Promise<Date | undefined> {
    const [row] = await selectRows<{ measured_at: unknown }>(
      this.orm.em.fork(),
      'SELECT measured_at FROM process_value WHERE lot_id = ? AND tag = ? ORDER BY measured_at DESC LIMIT 1',
      [lotId, tag],
    );
    return row ? dbDate(row.measured_at) : undefined;
  }

  /**
   * When the `count`-th newest measurement of `tag` at or before `at` was taken: where a read that wants `count`
   * observations of history before `at` starts. Undefined when the lot has fewer (read it from its start).
   */
  async historyStart(lotId: number, tag: string, at: Date, count: number): Promise<Date | undefined> {
    if (count < 1) return undefined;
    const [row] = await selectRows<{ measured_at: unknown }>(
      this.orm.em.fork(),
      'SELECT measured_at FROM process_value WHERE lot_id = ? AND tag = ? AND measured_at <= ? ORDER BY measured_at DESC LIMIT 1 OFFSET ?',
      [lotId, tag, at, count - 1],
    );
    return row ? dbDate(row.measured_at) : undefined;
  }

  /**
   * Every value of the lot measured at or after `from` (all of them without it), in (measured_at, tag) order. Whole in
   * memory: callers bound it to one lot (a TEP run is at most a few thousand observations of 52 tags).
   */
  async readLotFrom(lotId: number, from?: Date): Promise<ProcessValueRecord[]> {
    const rows = await selectRows<{ tag: string; measured_at: unknown; value: number }>(
      this.orm.em.fork(),
      `SELECT tag, measured_at, value FROM process_value WHERE lot_id = ?${from ? ' AND measured_at >= ?' : ''} ORDER BY measured_at, tag`,
      from ? [lotId, from] : [lotId],
    );
    return rows.map((v) => ({ tag: v.tag, measuredAt: dbDate(v.measured_at), value: Number(v.value) }));
  }
}
