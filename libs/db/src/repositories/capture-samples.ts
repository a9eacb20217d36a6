// Captures' samples: the one SQL that reads them, for the capture repository and for the sweep's feature threads. A
// feature thread loads this module by path (CAPTURE_SAMPLES_MODULE) and reads on a connection of its own: parsing
// millions of sample rows on the worker's main thread made that thread the sweep's critical path. It imports only the
// database drivers, so a thread starts in milliseconds (loading the whole of @him/db, MikroORM with it, took ~0.6 s).
import Database from 'better-sqlite3';
import { createPool } from 'mysql2/promise';
import type { DatabaseConfig } from '@him/config';

/** A capture's samples in time order. */
export interface CaptureSamples {
  /** Seconds from the start of the capture. */
  time: Float64Array;
  value: Float64Array;
}

/** One range read of the primary key (asking for capture_id too would make mysql2 convert a BIGINT per row). */
export const CAPTURE_SAMPLES_SQL = 'SELECT measured_time, value FROM capture_sample WHERE capture_id = ? ORDER BY measured_time';

export function toSamples(rows: readonly [time: number, value: number][]): CaptureSamples {
  const time = new Float64Array(rows.length);
  const value = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    time[i] = Number(rows[i][0]);
    value[i] = Number(rows[i][1]);
  }
  return { time, value };
}

/** Reads whole captures on its own connections (a few, so reads can overlap). */
export interface CaptureSampleReader {
  read(captureId: number): Promise<CaptureSamples>;
}

/** A reader on the configured database: a small mysql2 pool (prepared statements, binary rows), or SQLite read-only. */
export function openCaptureSampleReader(database: DatabaseConfig, connections = 2): CaptureSampleReader {
  if (database.kind === 'mysql') {
    const pool = createPool({ uri: database.url, connectionLimit: connections, timezone: 'Z' });
    return {
      read: async (captureId) => {
        const [rows] = await pool.execute({ sql: CAPTURE_SAMPLES_SQL, values: [captureId], rowsAsArray: true });
        return toSamples(rows as [number, number][]);
      },
    };
  }
  const sqlite = new Database(database.file, { readonly: true, fileMustExist: true });
  // The worker writes diagnoses to the same file meanwhile: wait for its commits rather than fail.
  sqlite.pragma('busy_timeout = 15000');
  const statement = sqlite.prepare<[number], [number, number]>(CAPTURE_SAMPLES_SQL).raw();
  return { read: async (captureId) => toSamples(statement.all(captureId)) };
}

/** This module's file, for a thread to load (see CaptureFeatureThreads in @him/ml). */
export const CAPTURE_SAMPLES_MODULE = __filename;
