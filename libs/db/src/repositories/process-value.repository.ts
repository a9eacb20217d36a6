import { Inject, Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { DIALECT } from '../dialect';
import type { Dialect } from '../orm-config';
import { dbDate } from '../raw-values';
import { envelopeBuckets, selectManyRows, selectRows, unionOfGroups, type EnvelopeBucket } from './sql';

/** One tag's value at one time, as read. */
export interface ProcessValueRecord {
  tag: string;
  measuredAt: Date;
  value: number;
}

/** The stored extent of one tag of one lot. */
export interface TagSpan {
  first: Date;
  last: Date;
}

/** One tag of one lot in time order: its values, and the time of any of them. */
export interface TagSeries {
  values: Float64Array;
  /** The time of value i, made a Date on demand: a chart keeps ~1,000 of 190,000 values. */
  measuredAt(index: number): Date;
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
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

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

  // --- Reads for the query API ---

  /**
   * Observations (time points) stored per lot: the rows of the lot's first tag, since an observation is stored with
   * all its tags or not at all. Two index lookups per lot along uq_process_value_lot_tag_time, not a count of every row.
   */
  async countObservations(lotIds: readonly number[]): Promise<Map<number, number>> {
    const rows = await unionOfGroups<{ lot_id: number | string; n: number | string }>(
      this.orm.em.fork(),
      lotIds.map((lotId) => ({
        sql: 'SELECT lot_id, COUNT(*) AS n FROM process_value WHERE lot_id = ? AND tag = (SELECT MIN(tag) FROM process_value WHERE lot_id = ?) GROUP BY lot_id',
        params: [lotId, lotId],
      })),
      'lot_id',
    );
    return new Map(rows.map((r) => [Number(r.lot_id), Number(r.n)]));
  }

  /**
   * The tags a lot has values for, in order. Distinct (lot_id, tag) pairs, not tags alone: only those make MariaDB read
   * one entry per tag of uq_process_value_lot_tag_time (a loose index scan, 0.5 ms) instead of every value of the lot
   * (50 k for a TEP run of 960 observations: 16–21 ms).
   */
  async findLotTags(lotId: number): Promise<string[]> {
    const rows = await selectRows<{ tag: string }>(this.orm.em.fork(), 'SELECT DISTINCT lot_id, tag FROM process_value WHERE lot_id = ? ORDER BY tag', [lotId]);
    return rows.map((r) => r.tag);
  }

  /**
   * First and last time of one tag of a lot, within [from, to] when given; undefined when there is none. Two index
   * lookups on MariaDB (a COUNT(*) here read all 190 k entries of a long tag).
   */
  async findTagSpan(lotId: number, tag: string, from?: Date, to?: Date): Promise<TagSpan | undefined> {
    const bounds = `${from ? ' AND measured_at >= ?' : ''}${to ? ' AND measured_at <= ?' : ''}`;
    const [row] = await selectRows<{ first: unknown; last: unknown }>(
      this.orm.em.fork(),
      `SELECT MIN(measured_at) AS first, MAX(measured_at) AS last FROM process_value WHERE lot_id = ? AND tag = ?${bounds}`,
      [lotId, tag, ...(from ? [from] : []), ...(to ? [to] : [])],
    );
    return row && row.first !== null && row.first !== undefined ? { first: dbDate(row.first), last: dbDate(row.last) } : undefined;
  }

  /**
   * The first `limit` values of one tag of a lot between `from` and `to` (inclusive): one range scan of
   * ix_process_value_lot_tag_time_value, which holds the values. Times come as epoch-ms doubles: as datetime text,
   * 190 k of them more than doubled the read.
   */
  async readTagSeries(lotId: number, tag: string, from: Date, to: Date, limit: number): Promise<TagSeries> {
    const rows = await selectManyRows<[epochMs: number, value: number]>(
      this.orm,
      `SELECT ${this.epochMs()}, value FROM process_value WHERE lot_id = ? AND tag = ? AND measured_at >= ? AND measured_at <= ? ORDER BY measured_at LIMIT ?`,
      [lotId, tag, from, to, limit],
    );
    const values = new Float64Array(rows.length);
    rows.forEach((r, i) => (values[i] = Number(r[1])));
    return { values, measuredAt: (index) => new Date(Number(rows[index][0])) };
  }

  /**
   * One tag of a lot over `span` (its first and last time in the range asked), cut into `buckets` buckets of equal
   * duration (see envelopeBuckets); times in epoch ms. Reads ix_process_value_lot_tag_time_value only.
   */
  async readTagEnvelope(lotId: number, tag: string, span: TagSpan, buckets: number): Promise<EnvelopeBucket[]> {
    const series = {
      table: 'process_value',
      time: 'measured_at',
      timeValue: (aggregate: string) => this.epochMs(aggregate),
      // measured_at holds whole milliseconds: t ≥ x and t < x hold exactly when they do for ⌈x⌉.
      timeParam: (epochMs: number) => new Date(Math.ceil(epochMs)),
      where: 'lot_id = ? AND tag = ?',
      params: [lotId, tag],
    };
    return envelopeBuckets(this.orm, series, span.first.getTime(), span.last.getTime(), buckets);
  }

  /** A datetime (measured_at by default) as epoch ms. SQLite stores it so; TIMESTAMPDIFF does not depend on the session's time zone. */
  private epochMs(datetime = 'measured_at'): string {
    return this.dialect === 'mysql' ? `TIMESTAMPDIFF(MICROSECOND, TIMESTAMP'1970-01-01 00:00:00', ${datetime}) / 1e3` : datetime;
  }
}
