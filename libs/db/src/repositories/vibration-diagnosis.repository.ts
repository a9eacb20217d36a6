import { Inject, Injectable } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/core';
import { DIALECT } from '../dialect';
import { DiagnosisLevel, type FaultType, type VibrationDiagnosis } from '../entities';
import type { Dialect } from '../orm-config';
import { dbDate, dbJson, dbOptionalDate } from '../raw-values';
import { DIAGNOSIS_SCOPE, type ReportScope } from './report-rows';
import { summariseScope, type ScopeSummary } from './report-scope';
import { indexHint, insertIgnore, selectRows, sortByKey, unionOfGroups, type GroupQuery } from './sql';

/** A diagnosis to store: a window-level one with the empty model version unless told otherwise. */
export type DiagnosisDraft = Omit<VibrationDiagnosis, 'id' | 'level' | 'modelVersion'> & Partial<Pick<VibrationDiagnosis, 'level' | 'modelVersion'>>;
/** A stored diagnosis, as read (`modelVersion` undefined for a posted one without a version). */
export type DiagnosisRecord = Omit<VibrationDiagnosis, 'modelVersion'> & { modelVersion?: string };
/** The natural key; level and model version default as in DiagnosisDraft. */
export type DiagnosisKey = Pick<DiagnosisDraft, 'machineName' | 'detectedAt' | 'sensorNo' | 'level' | 'modelVersion'>;

export interface DiagnosisFilter {
  sensorNo?: string;
  faultType?: FaultType;
  from?: Date;
  to?: Date;
}

const COLUMNS = [
  'machine_name',
  'sensor_no',
  'detected_at',
  'fault_type',
  'window_start',
  'window_end',
  'confidence',
  'probabilities',
  'model_version',
  'job_id',
  'level',
  'capture_id',
] as const;
const SELECT_LIST = ['id', ...COLUMNS].join(', ');

/** A row as the drivers return it: datetimes as text (MySQL) or epoch ms (SQLite), JSON as text or parsed. */
interface DiagnosisRow {
  id: number | string;
  machine_name: string;
  sensor_no: string;
  detected_at: unknown;
  fault_type: number;
  window_start: unknown;
  window_end: unknown;
  confidence: number | null;
  probabilities: unknown;
  model_version: string;
  job_id: string | null;
  level: DiagnosisLevel;
  capture_id: number | string | null;
}

function toRecord(r: DiagnosisRow): DiagnosisRecord {
  return {
    id: Number(r.id),
    machineName: r.machine_name,
    sensorNo: r.sensor_no,
    detectedAt: dbDate(r.detected_at),
    faultType: Number(r.fault_type) as FaultType,
    windowStart: dbOptionalDate(r.window_start),
    windowEnd: dbOptionalDate(r.window_end),
    confidence: r.confidence === null ? undefined : Number(r.confidence),
    // MariaDB's JSON is LONGTEXT, which the MySQL driver hands back as text.
    probabilities: dbJson<number[]>(r.probabilities),
    modelVersion: r.model_version || undefined,
    jobId: r.job_id ?? undefined,
    level: r.level,
    captureId: r.capture_id === null ? undefined : Number(r.capture_id),
  };
}

/**
 * Typed queries on `vibration_diagnosis`, for the API and the workers. Bulk writes and every multi-row read are raw SQL: reads go machine by
 * machine, each read backwards along uq_vibration_diagnosis_window, so their cost does not grow with the table.
 */
@Injectable()
export class VibrationDiagnosisRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /** Stores the diagnoses not stored yet, in one transaction (or in `tx`); returns how many were new. */
  insertIgnore(drafts: readonly DiagnosisDraft[], tx?: EntityManager): Promise<number> {
    const rows = sortByKey(drafts, (d) => [d.machineName, d.detectedAt.getTime(), d.sensorNo, d.level ?? DiagnosisLevel.Window, d.modelVersion ?? '']).map((d) => [
      d.machineName,
      d.sensorNo,
      d.detectedAt,
      d.faultType,
      d.windowStart ?? null,
      d.windowEnd ?? null,
      d.confidence ?? null,
      d.probabilities ? JSON.stringify(d.probabilities) : null,
      d.modelVersion ?? '',
      d.jobId ?? null,
      d.level ?? DiagnosisLevel.Window,
      d.captureId ?? null,
    ]);
    return insertIgnore(tx ?? this.orm.em.fork(), this.dialect, 'vibration_diagnosis', COLUMNS, rows);
  }

  /** The diagnosis stored under the natural key. */
  async findByKey(key: DiagnosisKey): Promise<DiagnosisRecord | undefined> {
    const rows = await this.select<DiagnosisRow>(
      `SELECT ${SELECT_LIST} FROM vibration_diagnosis WHERE machine_name = ? AND detected_at = ? AND sensor_no = ? AND level = ? AND model_version = ?`,
      [key.machineName, key.detectedAt, key.sensorNo, key.level ?? DiagnosisLevel.Window, key.modelVersion ?? ''],
    );
    return rows.length ? toRecord(rows[0]) : undefined;
  }

  /** The machines with diagnoses, in order: a loose index scan of uq_vibration_diagnosis_window on MariaDB/MySQL. */
  async findMachines(): Promise<string[]> {
    const rows = await this.select<{ machine_name: string }>('SELECT DISTINCT machine_name FROM vibration_diagnosis ORDER BY machine_name');
    return rows.map((r) => r.machine_name);
  }

  /** The newest `limit` matching diagnoses of the machines together. */
  async findNewest(machines: readonly string[], filter: DiagnosisFilter, limit: number): Promise<DiagnosisRecord[]> {
    const rows = await unionOfGroups<DiagnosisRow>(this.orm.em.fork(), this.newestOfEach(machines, filter, limit), 'detected_at DESC, machine_name, sensor_no DESC', limit);
    return rows.map(toRecord);
  }

  /** Each machine's `limit` newest diagnoses: machines in order, newest first within one. */
  async findNewestPerMachine(machines: readonly string[], limit: number): Promise<DiagnosisRecord[]> {
    const rows = await unionOfGroups<DiagnosisRow>(this.orm.em.fork(), this.newestOfEach(machines, {}, limit), 'machine_name, detected_at DESC, sensor_no DESC');
    return rows.map(toRecord);
  }

  // --- Reads for the query API ---

  /** The capture-level diagnosis of each capture (the newest by id when several model versions diagnosed it), along ix_vibration_diagnosis_capture. */
  async findCaptureDiagnoses(captureIds: readonly number[]): Promise<Map<number, DiagnosisRecord>> {
    if (captureIds.length === 0) return new Map();
    const rows = await this.select<DiagnosisRow>(
      `SELECT ${SELECT_LIST} FROM vibration_diagnosis WHERE capture_id IN (${captureIds.map(() => '?').join(', ')}) AND level = ? ORDER BY id`,
      [...captureIds, DiagnosisLevel.Capture],
    );
    // In id order, so a later (newer) row replaces an older one of the same capture.
    return new Map(rows.map((r) => [Number(r.capture_id), toRecord(r)]));
  }

  /** The window-level diagnoses of a capture, by window start then model version, along ix_vibration_diagnosis_capture. */
  async findWindowDiagnoses(captureId: number): Promise<DiagnosisRecord[]> {
    const rows = await this.select<DiagnosisRow>(`SELECT ${SELECT_LIST} FROM vibration_diagnosis WHERE capture_id = ? AND level = ? ORDER BY window_start, model_version, id`, [
      captureId,
      DiagnosisLevel.Window,
    ]);
    return rows.map(toRecord);
  }

  /** A machine's newest capture-level diagnosis, read backwards along ix_vibration_diagnosis_level_time. */
  async findLatestCaptureDiagnosis(machineName: string): Promise<DiagnosisRecord | undefined> {
    const rows = await this.select<DiagnosisRow>(`SELECT ${SELECT_LIST} FROM vibration_diagnosis WHERE machine_name = ? AND level = ? ORDER BY detected_at DESC, id DESC LIMIT 1`, [
      machineName,
      DiagnosisLevel.Capture,
    ]);
    return rows.length ? toRecord(rows[0]) : undefined;
  }

  private newestOfEach(machines: readonly string[], filter: DiagnosisFilter, limit: number): GroupQuery[] {
    const from = `vibration_diagnosis ${indexHint(this.dialect, 'uq_vibration_diagnosis_window')}`;
    const conditions: [sql: string, value: unknown][] = [];
    if (filter.sensorNo !== undefined) conditions.push([' AND sensor_no = ?', filter.sensorNo]);
    if (filter.faultType !== undefined) conditions.push([' AND fault_type = ?', filter.faultType]);
    if (filter.from) conditions.push([' AND detected_at >= ?', filter.from]);
    if (filter.to) conditions.push([' AND detected_at <= ?', filter.to]);
    const where = conditions.map(([sql]) => sql).join('');
    return machines.map((machine) => ({
      // Descending on every key column, so the unique index is read backwards with no sort.
      sql: `SELECT ${SELECT_LIST} FROM ${from} WHERE machine_name = ?${where} ORDER BY detected_at DESC, sensor_no DESC LIMIT ?`,
      params: [machine, ...conditions.map(([, value]) => value), limit],
    }));
  }

  private select<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return selectRows<Row>(this.orm.em.fork(), sql, params);
  }

  /** The diagnoses of a report's scope (by machine and detection time): counts, id bound, time span, model versions. */
  summariseForReport(scope: ReportScope): Promise<ScopeSummary> {
    return summariseScope(this.orm.em.fork(), 'vibration_diagnosis', DIAGNOSIS_SCOPE, scope);
  }
}
