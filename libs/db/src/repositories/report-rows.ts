// The long tables of a report, read page by page: the one SQL for each, used by the workbook threads. A workbook thread
// loads this module by path (REPORT_ROWS_MODULE) and reads on a connection of its own, so the rows never pass through
// the worker's main thread (handing them over made the workbook wait whenever that thread drew the PDF). It imports only
// the database drivers, so a thread starts in milliseconds.
import Database from 'better-sqlite3';
import { createPool } from 'mysql2/promise';
import type { DatabaseConfig } from '@him/config';
import type { AnomalyLine, DiagnosisLine, IngestLine, PredictionLine } from '@him/reports';

/** What a report covers: a time range [from, to) and, when given, only these machines, equipment or lots. */
export interface ReportScope {
  from: Date;
  to: Date;
  machineNames?: readonly string[];
  equipmentIds?: readonly number[];
  lotIds?: readonly number[];
}

/** The columns a table is scoped by. */
export interface ScopeColumns {
  time: string;
  machine?: string;
  equipment?: string;
  lot?: string;
  version?: string;
}

/** The WHERE clause of a scope; `date` turns an instant into the driver's parameter (epoch ms on SQLite). */
export function scopeWhere(scope: ReportScope, columns: ScopeColumns, date: (d: Date) => unknown = (d) => d): { sql: string; params: unknown[] } {
  const clauses = [`${columns.time} >= ?`, `${columns.time} < ?`];
  const params: unknown[] = [date(scope.from), date(scope.to)];
  const add = (column: string | undefined, values: readonly unknown[] | undefined) => {
    if (!column || !values) return;
    // An empty selection selects nothing (not everything).
    clauses.push(values.length ? `${column} IN (${values.map(() => '?').join(', ')})` : '1 = 0');
    params.push(...values);
  };
  add(columns.machine, scope.machineNames);
  add(columns.equipment, scope.equipmentIds);
  add(columns.lot, scope.lotIds);
  return { sql: clauses.join(' AND '), params };
}

export const DIAGNOSIS_SCOPE: ScopeColumns = { time: 'detected_at', machine: 'machine_name', version: 'model_version' };
// Qualified by the table's name: the reads join equipment and lot, which have columns of the same names.
export const ANOMALY_SCOPE: ScopeColumns = { time: 'anomaly.detected_at', equipment: 'anomaly.equipment_id', lot: 'anomaly.lot_id', version: 'anomaly.model_version' };
export const PREDICTION_SCOPE: ScopeColumns = {
  time: 'prediction.predicted_at',
  equipment: 'prediction.equipment_id',
  lot: 'prediction.lot_id',
  version: 'prediction.model_version',
};
export const INGEST_SCOPE: ScopeColumns = { time: 'started_at' };

type Row = unknown[];
type Read<L> = { id: string; sql: (where: string) => string; scope: ScopeColumns; line: (row: Row, date: (v: unknown) => Date) => L };

const optional = <T>(v: unknown, f: (v: unknown) => T): T | null => (v === null || v === undefined ? null : f(v));

const TABLES = {
  diagnoses: {
    id: 'id',
    scope: DIAGNOSIS_SCOPE,
    sql: (where) =>
      `SELECT id, machine_name, sensor_no, level, detected_at, window_start, window_end, fault_type, confidence, model_version, job_id FROM vibration_diagnosis WHERE ${where} ORDER BY id LIMIT ?`,
    line: (r, date) => ({
      id: Number(r[0]),
      equipment: r[1] as string,
      sensorNo: r[2] as string,
      level: r[3] as string,
      detectedAt: date(r[4]),
      windowStart: optional(r[5], date),
      windowEnd: optional(r[6], date),
      faultType: Number(r[7]),
      confidence: optional(r[8], Number),
      modelVersion: r[9] as string,
      jobId: r[10] as string | null,
    }),
  } satisfies Read<DiagnosisLine>,
  anomalies: {
    id: 'anomaly.id',
    scope: ANOMALY_SCOPE,
    sql: (where) =>
      `SELECT anomaly.id, e.code, l.code, anomaly.detected_at, anomaly.method, anomaly.score, anomaly.severity, anomaly.top_tags, anomaly.model_version,
              anomaly.acknowledged_by, anomaly.acknowledged_at
         FROM anomaly JOIN equipment e ON e.id = anomaly.equipment_id LEFT JOIN lot l ON l.id = anomaly.lot_id WHERE ${where} ORDER BY anomaly.id LIMIT ?`,
    line: (r, date) => ({
      id: Number(r[0]),
      equipment: r[1] as string,
      lot: r[2] as string | null,
      detectedAt: date(r[3]),
      method: r[4] as string,
      score: Number(r[5]),
      severity: r[6] as string,
      topTags: topTags(r[7]),
      modelVersion: (r[8] as string | null) ?? '',
      acknowledgedBy: r[9] as string | null,
      acknowledgedAt: optional(r[10], date),
    }),
  } satisfies Read<AnomalyLine>,
  predictions: {
    id: 'prediction.id',
    scope: PREDICTION_SCOPE,
    sql: (where) =>
      `SELECT prediction.id, e.code, l.code, prediction.tag, prediction.predicted_at, prediction.horizon_minutes, prediction.probability,
              prediction.predicted_value, prediction.model_version
         FROM prediction JOIN equipment e ON e.id = prediction.equipment_id LEFT JOIN lot l ON l.id = prediction.lot_id WHERE ${where} ORDER BY prediction.id LIMIT ?`,
    line: (r, date) => ({
      id: Number(r[0]),
      equipment: r[1] as string,
      lot: r[2] as string | null,
      tag: r[3] as string,
      predictedAt: date(r[4]),
      horizonMinutes: Number(r[5]),
      probability: Number(r[6]),
      predictedValue: optional(r[7], Number),
      modelVersion: r[8] as string,
    }),
  } satisfies Read<PredictionLine>,
  ingests: {
    id: 'id',
    scope: INGEST_SCOPE,
    sql: (where) =>
      `SELECT id, file_name, kind, checksum, bytes, status, rows_read, rows_inserted, rows_duplicate, rows_rejected, started_at, finished_at FROM ingest WHERE ${where} ORDER BY id LIMIT ?`,
    line: (r, date) => ({
      id: Number(r[0]),
      fileName: r[1] as string,
      kind: r[2] as string,
      checksum: r[3] as string,
      bytes: Number(r[4]),
      status: r[5] as string,
      rowsRead: Number(r[6]),
      rowsInserted: Number(r[7]),
      rowsDuplicate: Number(r[8]),
      rowsRejected: Number(r[9]),
      startedAt: date(r[10]),
      finishedAt: optional(r[11], date),
    }),
  } satisfies Read<IngestLine>,
};

/** `[{tag, contribution}]` (JSON, parsed or as text) → `XMEAS(9) 0.41, XMV(10) 0.22`. */
export function topTags(value: unknown): string {
  const tags = (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as { tag: string; contribution: number }[];
  return tags.map((t) => `${t.tag} ${t.contribution.toFixed(2)}`).join(', ');
}

export type ReportTable = keyof typeof TABLES;
export interface ReportLines {
  diagnoses: DiagnosisLine;
  anomalies: AnomalyLine;
  predictions: PredictionLine;
  ingests: IngestLine;
}

export interface ReportRowReader {
  /** The next page of a table's rows in scope with ids in (afterId, maxId], in id order. */
  page<T extends ReportTable>(table: T, scope: ReportScope, page: { afterId: number; maxId: number; limit: number }): Promise<ReportLines[T][]>;
  close(): Promise<void>;
}

/** A reader on the configured database: one mysql2 connection (text protocol: rows of text and datetimes come fastest so), or SQLite read-only. */
export function openReportRowReader(database: DatabaseConfig): ReportRowReader {
  const query = (table: ReportTable, scope: ReportScope, page: { afterId: number; maxId: number; limit: number }, date: (d: Date) => unknown) => {
    const read = TABLES[table];
    const where = scopeWhere(scope, read.scope, date);
    return { sql: read.sql(`${read.id} > ? AND ${read.id} <= ? AND ${where.sql}`), params: [page.afterId, page.maxId, ...where.params, page.limit] };
  };
  if (database.kind === 'mysql') {
    const pool = createPool({ uri: database.url, connectionLimit: 1, timezone: 'Z' });
    const date = (v: unknown) => v as Date;
    return {
      page: async (table, scope, page) => {
        const { sql, params } = query(table, scope, page, (d) => d);
        const [rows] = await pool.query({ sql, values: params, rowsAsArray: true });
        return (rows as Row[]).map((r) => TABLES[table].line(r, date)) as ReportLines[typeof table][];
      },
      close: () => pool.end(),
    };
  }
  const sqlite = new Database(database.file, { readonly: true, fileMustExist: true });
  // The worker writes to the same file meanwhile: wait for its commits rather than fail.
  sqlite.pragma('busy_timeout = 15000');
  const date = (v: unknown) => new Date(Number(v));
  return {
    page: async (table, scope, page) => {
      const { sql, params } = query(table, scope, page, (d) => d.getTime());
      return sqlite
        .prepare(sql)
        .raw()
        .all(...params)
        .map((r) => TABLES[table].line(r as Row, date)) as ReportLines[typeof table][];
    },
    close: async () => {
      sqlite.close();
    },
  };
}

/** This module's file, for a thread to load (see WorkbookThreads in @him/reports). */
export const REPORT_ROWS_MODULE = __filename;
