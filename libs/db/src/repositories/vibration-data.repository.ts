import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { DIALECT } from '../dialect';
import type { VibrationData } from '../entities';
import type { Dialect } from '../orm-config';
import { dbDate } from '../raw-values';
import { indexHint, insertIgnore, selectRows, sortByKey, unionOfGroups, type GroupQuery } from './sql';

export type VibrationSample = Omit<VibrationData, 'id'>;
/** A stored sample, as read. */
export type VibrationRecord = Pick<VibrationData, keyof VibrationData>;
export type SampleKey = Pick<VibrationData, 'machineName' | 'sensorNo' | 'collectedAt' | 'measuredTime'>;

export interface SeriesFilter {
  machineName?: string;
  sensorNo?: string;
}

export interface Series {
  machineName: string;
  sensorNo: string;
}

/** One recording: a series' samples taken together, whose measured_time counts seconds from collected_at. */
export interface Recording extends Series {
  collectedAt: Date;
}

export interface RecordingSummary extends Recording {
  rows: number;
}

/** One sample of a recording as the classifier reads it: seconds, then the four conditions' vibration. */
export type RecordingRow = [measuredTime: number, normal: number, unbalance: number, looseness: number, unbalanceLooseness: number];

/** Rows per page of a recording: one index range scan each, a few MB in memory. */
export const RECORDING_PAGE_ROWS = 100_000;

const RECORDING_COLUMNS = ['machine_name', 'sensor_no', 'collected_at'] as const;
/** A sample's values, in the order of the KAMP CSV files (the MySQL bulk loader loads their bytes as they are). */
const VALUE_COLUMNS = ['measured_time', 'normal', 'unbalance', 'looseness', 'unbalance_looseness'] as const;
const COLUMNS = [...RECORDING_COLUMNS, ...VALUE_COLUMNS];
const SELECT_LIST = ['id', ...COLUMNS].join(', ');

/** A row as the drivers return it: BIGINT id as number or text, collected_at as text (MySQL) or epoch ms (SQLite). */
interface SampleRow {
  id: number | string;
  machine_name: string;
  sensor_no: string;
  collected_at: unknown;
  measured_time: number;
  normal: number;
  unbalance: number;
  looseness: number;
  unbalance_looseness: number;
}

function toRecord(r: SampleRow): VibrationRecord {
  return {
    id: Number(r.id),
    machineName: r.machine_name,
    sensorNo: r.sensor_no,
    collectedAt: dbDate(r.collected_at),
    measuredTime: Number(r.measured_time),
    normal: Number(r.normal),
    unbalance: Number(r.unbalance),
    looseness: Number(r.looseness),
    unbalanceLooseness: Number(r.unbalance_looseness),
  };
}

/** Where the bulk loader puts one recording's rows: the file's values per row, the recording's key once per chunk. */
export function recordingBulkTable(recording: Recording): BulkTable {
  return {
    table: 'vibration_data',
    columns: VALUE_COLUMNS.map((name) => ({ name, type: 'number' as const })),
    constants: [
      { name: 'machine_name', type: 'text', value: recording.machineName },
      { name: 'sensor_no', type: 'text', value: recording.sensorNo },
      { name: 'collected_at', type: 'datetime', value: recording.collectedAt.getTime() },
    ],
  };
}

/**
 * Typed queries on `vibration_data`, for the API and the workers. Bulk writes and every multi-row read are raw SQL:
 * reads go series by series (or page by page), each an index range scan, so their cost does not grow with the table.
 */
@Injectable()
export class VibrationDataRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /** Stores the samples not stored yet, in one transaction (or in `tx`); returns how many were new. */
  insertIgnore(samples: readonly VibrationSample[], tx?: EntityManager): Promise<number> {
    const rows = sortByKey(samples, (s) => [s.machineName, s.sensorNo, s.collectedAt.getTime(), s.measuredTime]).map((s) => [
      s.machineName,
      s.sensorNo,
      s.collectedAt,
      s.measuredTime,
      s.normal,
      s.unbalance,
      s.looseness,
      s.unbalanceLooseness,
    ]);
    return insertIgnore(tx ?? this.orm.em.fork(), this.dialect, 'vibration_data', COLUMNS, rows);
  }

  /** The sample stored under the natural key. */
  async findByKey(key: SampleKey): Promise<VibrationRecord | undefined> {
    const rows = await this.select<SampleRow>(`SELECT ${SELECT_LIST} FROM vibration_data WHERE machine_name = ? AND sensor_no = ? AND collected_at = ? AND measured_time = ?`, [
      key.machineName,
      key.sensorNo,
      key.collectedAt,
      key.measuredTime,
    ]);
    return rows.length ? toRecord(rows[0]) : undefined;
  }

  /** The (machine, sensor) series, in order: a loose index scan on MariaDB/MySQL. */
  async findSeries(filter: SeriesFilter): Promise<Series[]> {
    const given: [column: string, value: string][] = [];
    if (filter.machineName !== undefined) given.push(['machine_name', filter.machineName]);
    if (filter.sensorNo !== undefined) given.push(['sensor_no', filter.sensorNo]);
    const where = given.length ? ` WHERE ${given.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows = await this.select<{ machine_name: string; sensor_no: string }>(
      `SELECT DISTINCT machine_name, sensor_no FROM vibration_data${where} ORDER BY machine_name, sensor_no`,
      given.map(([, value]) => value),
    );
    return rows.map((r) => ({ machineName: r.machine_name, sensorNo: r.sensor_no }));
  }

  /** The newest `limit` samples of the series together (latest recording, then latest measured_time). */
  async findNewest(series: readonly Series[], collectedAt: Date | undefined, limit: number): Promise<VibrationRecord[]> {
    const from = `vibration_data ${indexHint(this.dialect, 'uq_vibration_data_sample')}`;
    const recording = collectedAt ? ' AND collected_at = ?' : '';
    // Each series read backwards along the unique key (machine, sensor, collected_at, measured_time).
    const groups: GroupQuery[] = series.map((s) => ({
      sql: `SELECT ${SELECT_LIST} FROM ${from} WHERE machine_name = ? AND sensor_no = ?${recording} ORDER BY collected_at DESC, measured_time DESC LIMIT ?`,
      params: [s.machineName, s.sensorNo, ...(collectedAt ? [collectedAt] : []), limit],
    }));
    const rows = await unionOfGroups<SampleRow>(this.orm.em.fork(), groups, 'collected_at DESC, measured_time DESC, machine_name, sensor_no', limit);
    return rows.map(toRecord);
  }

  /** For each series, its first `limit` samples with measured_time in [start, end], read from ix_vibration_data_series_time. */
  async findRangePerSeries(series: readonly Series[], start: number, end: number, limit: number): Promise<VibrationRecord[]> {
    const from = `vibration_data ${indexHint(this.dialect, 'ix_vibration_data_series_time')}`;
    const groups: GroupQuery[] = series.map((s) => ({
      sql: `SELECT ${SELECT_LIST} FROM ${from} WHERE machine_name = ? AND sensor_no = ? AND measured_time BETWEEN ? AND ? ORDER BY measured_time, id LIMIT ?`,
      params: [s.machineName, s.sensorNo, start, end, limit],
    }));
    const rows = await unionOfGroups<SampleRow>(this.orm.em.fork(), groups, 'machine_name, sensor_no, measured_time, id');
    return rows.map(toRecord);
  }

  /** Every recording with its row count, in (machine, sensor, collected_at) order. */
  async findRecordings(): Promise<RecordingSummary[]> {
    const rows = await this.select<{ machine_name: string; sensor_no: string; collected_at: unknown; n: number | string }>(
      'SELECT machine_name, sensor_no, collected_at, COUNT(*) AS n FROM vibration_data GROUP BY machine_name, sensor_no, collected_at ORDER BY machine_name, sensor_no, collected_at',
    );
    return rows.map((r) => ({ machineName: r.machine_name, sensorNo: r.sensor_no, collectedAt: dbDate(r.collected_at), rows: Number(r.n) }));
  }

  /** One recording's samples in measured_time order, `pageRows` at a time: each page a range scan of the unique key. */
  async *readRecording(recording: Recording, pageRows = RECORDING_PAGE_ROWS): AsyncGenerator<RecordingRow[]> {
    let after: number | undefined;
    for (;;) {
      const page = await this.select<Pick<SampleRow, (typeof VALUE_COLUMNS)[number]>>(
        `SELECT ${VALUE_COLUMNS.join(', ')} FROM vibration_data WHERE machine_name = ? AND sensor_no = ? AND collected_at = ?` +
          `${after === undefined ? '' : ' AND measured_time > ?'} ORDER BY measured_time LIMIT ?`,
        [recording.machineName, recording.sensorNo, recording.collectedAt, ...(after === undefined ? [] : [after]), pageRows],
      );
      const rows = page.map((r): RecordingRow => [Number(r.measured_time), Number(r.normal), Number(r.unbalance), Number(r.looseness), Number(r.unbalance_looseness)]);
      if (rows.length) yield rows;
      if (rows.length < pageRows) return;
      after = rows[rows.length - 1][0];
    }
  }

  private select<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return selectRows<Row>(this.orm.em.fork(), sql, params);
  }
}
