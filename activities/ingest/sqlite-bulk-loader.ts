import Database from 'better-sqlite3';
import type { ChunkResult } from '@him/contracts';
import { BulkLoader, type BulkRow, type BulkTable, type ChunkCommit } from './bulk-loader';

/**
 * SQLite: prepared `INSERT OR IGNORE` statements in one transaction per chunk (a statement per row is fast
 * here: no network). Datetimes are epoch milliseconds, as MikroORM stores them on SQLite.
 */
export class SqliteBulkLoader extends BulkLoader {
  private readonly db: Database.Database;

  constructor(file: string) {
    super();
    this.db = new Database(file);
    // The API and the worker write to the same file: WAL lets readers go on while a chunk commits.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 15000');
  }

  async committedChunk(ingestId: number, chunkNo: number): Promise<ChunkResult | null> {
    const row = this.db
      .prepare('select rows_read, rows_inserted, rows_duplicate, rows_rejected from ingest_chunk where ingest_id = ? and chunk_no = ?')
      .get(ingestId, chunkNo) as Record<string, number> | undefined;
    return row ? { rows: row.rows_read, inserted: row.rows_inserted, duplicate: row.rows_duplicate, rejected: row.rows_rejected } : null;
  }

  async loadChunk(table: BulkTable, rows: BulkRow[], commit: ChunkCommit): Promise<ChunkResult> {
    const names = [...table.columns.map((c) => c.name), ...table.constants.map((c) => c.name)];
    const insert = this.db.prepare(`insert or ignore into "${table.table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`);
    const numeric = table.columns.map((c) => c.type !== 'text');
    const constants = table.constants.map((c) => (c.type === 'text' ? c.value : Number(c.value)));
    const record = this.db.prepare(
      `insert into ingest_chunk (ingest_id, chunk_no, byte_start, byte_end, rows_read, rows_inserted, rows_duplicate, rows_rejected, committed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const load = this.db.transaction((): ChunkResult => {
      const committed = this.db.prepare('select 1 from ingest_chunk where ingest_id = ? and chunk_no = ?').get(commit.ingestId, commit.chunkNo);
      if (committed) return { rows: -1, inserted: 0, duplicate: 0, rejected: 0 };
      let inserted = 0;
      const values = new Array(names.length);
      for (const row of rows) {
        for (let i = 0; i < row.length; i++) values[i] = numeric[i] ? Number(row[i]) : row[i];
        for (let j = 0; j < constants.length; j++) values[row.length + j] = constants[j];
        inserted += insert.run(values).changes;
      }
      const result = { rows: rows.length + commit.rowsRejected, inserted, duplicate: rows.length - inserted, rejected: commit.rowsRejected };
      record.run(commit.ingestId, commit.chunkNo, commit.byteStart, commit.byteEnd, result.rows, inserted, result.duplicate, result.rejected, Date.now());
      return result;
    });
    const result = load.immediate();
    return result.rows === -1 ? (await this.committedChunk(commit.ingestId, commit.chunkNo))! : result;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
