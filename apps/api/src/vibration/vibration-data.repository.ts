import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { AppConfig } from '@him/config';
import { dbDate, VibrationData } from '@him/db';
import { indexHint, insertIgnore, sortByKey, unionOfGroups, type GroupQuery } from './vibration-sql';

export type VibrationSample = Omit<VibrationData, 'id'>;
/** A stored sample as the API maps it: a managed entity, or a row read by raw SQL. */
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

const COLUMNS = ['machine_name', 'sensor_no', 'collected_at', 'measured_time', 'normal', 'unbalance', 'looseness', 'unbalance_looseness'] as const;
const SELECT_LIST = ['id', ...COLUMNS].join(', ');

function toRecord(r: Record<string, unknown>): VibrationRecord {
  return {
    id: Number(r.id),
    machineName: String(r.machine_name),
    sensorNo: String(r.sensor_no),
    collectedAt: dbDate(r.collected_at),
    measuredTime: Number(r.measured_time),
    normal: Number(r.normal),
    unbalance: Number(r.unbalance),
    looseness: Number(r.looseness),
    unbalanceLooseness: Number(r.unbalance_looseness),
  };
}

/**
 * Typed queries on `vibration_data`. Bulk writes and every multi-row read are raw SQL: reads go series by series,
 * each an index range scan, so their cost does not grow with the table.
 */
@Injectable()
export class VibrationDataRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
  ) {}

  /** Stores the samples not stored yet, in one transaction; returns how many were new. */
  insertIgnore(samples: readonly VibrationSample[]): Promise<number> {
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
    return insertIgnore(this.em, this.config.database.kind, 'vibration_data', COLUMNS, rows);
  }

  findByKey(key: SampleKey): Promise<VibrationData> {
    return this.em.findOneOrFail(VibrationData, key);
  }

  /** The (machine, sensor) series, in order: a loose index scan on MariaDB/MySQL. */
  async findSeries(filter: SeriesFilter): Promise<Series[]> {
    const given: [column: string, value: string][] = [];
    if (filter.machineName !== undefined) given.push(['machine_name', filter.machineName]);
    if (filter.sensorNo !== undefined) given.push(['sensor_no', filter.sensorNo]);
    const where = given.length ? ` WHERE ${given.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows: { machine_name: string; sensor_no: string }[] = await this.em.getConnection().execute(
      `SELECT DISTINCT machine_name, sensor_no FROM vibration_data${where} ORDER BY machine_name, sensor_no`,
      given.map(([, value]) => value),
    );
    return rows.map((r) => ({ machineName: r.machine_name, sensorNo: r.sensor_no }));
  }

  /** The newest `limit` samples of the series together (latest recording, then latest measured_time). */
  async findNewest(series: readonly Series[], collectedAt: Date | undefined, limit: number): Promise<VibrationRecord[]> {
    const from = `vibration_data ${indexHint(this.config.database.kind, 'uq_vibration_data_sample')}`;
    const recording = collectedAt ? ' AND collected_at = ?' : '';
    // Each series read backwards along the unique key (machine, sensor, collected_at, measured_time).
    const groups: GroupQuery[] = series.map((s) => ({
      sql: `SELECT ${SELECT_LIST} FROM ${from} WHERE machine_name = ? AND sensor_no = ?${recording} ORDER BY collected_at DESC, measured_time DESC LIMIT ?`,
      params: [s.machineName, s.sensorNo, ...(collectedAt ? [collectedAt] : []), limit],
    }));
    const rows = await unionOfGroups(this.em, groups, 'collected_at DESC, measured_time DESC, machine_name, sensor_no', limit);
    return rows.map(toRecord);
  }

  /** For each series, its first `limit` samples with measured_time in [start, end], read from ix_vibration_data_series_time. */
  async findRangePerSeries(series: readonly Series[], start: number, end: number, limit: number): Promise<VibrationRecord[]> {
    const from = `vibration_data ${indexHint(this.config.database.kind, 'ix_vibration_data_series_time')}`;
    const groups: GroupQuery[] = series.map((s) => ({
      sql: `SELECT ${SELECT_LIST} FROM ${from} WHERE machine_name = ? AND sensor_no = ? AND measured_time BETWEEN ? AND ? ORDER BY measured_time, id LIMIT ?`,
      params: [s.machineName, s.sensorNo, start, end, limit],
    }));
    const rows = await unionOfGroups(this.em, groups, 'machine_name, sensor_no, measured_time, id');
    return rows.map(toRecord);
  }
}
