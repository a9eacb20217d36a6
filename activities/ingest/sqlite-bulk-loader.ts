import Database from 'better-sqlite3';
import type { ChunkResult } from '@him/contracts';
import { BulkLoader, checkChunkRows, type BulkRow, type BulkTable, type ChunkCommit, type RowSource } from './bulk-loader';

/**
 * SQLite: prepared `INSERT OR IGNORE` statements in one synchronous transaction per chunk (a statement per
 * row is fast here: no network). Datetimes are epoch milliseconds, as MikroORM stores them on SQLite.
 */
export class SqliteBulkLoader extends BulkLoader {
  readonly loadsCsvBytes = false;
  private readonly db: Database.Database;

  constructor(file: string) {
    super();
    this.db = new Database(file);
    // The API and the worker write to the same file: WAL lets readers go on while a chunk commits.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 15000');
  }

  async committedChunk(ingestId: number, chunkNo: number): Promise<ChunkResult | null> {
    const row = this.db.prepare('select rows_read, rows_inserted, rows_duplicate, rows_rejected from ingest_chunk where ingest_id = ? and chunk_no = ?').get(ingestId, chunkNo) as
      Record<string, number> | undefined;
    return row ? { rows: row.rows_read, inserted: row.rows_inserted, duplicate: row.rows_duplicate, rejected: row.rows_rejected } : null;
  }

  async loadChunk(table: BulkTable, source: RowSource, commit: ChunkCommit): Promise<ChunkResult> {
    if (source.kind !== 'rows') throw new Error('SQLite loads parsed rows only');
    // Read the whole chunk first: SQLite's write lock must never be held across an await, or the ORM's
    // writes in this process would wait on it (and block the event loop that would release it).
    const batches: BulkRow[][] = [];
    for await (const batch of source.batches) batches.push(batch);
    const names = [...table.columns.map((c) => c.name), ...table.constants.map((c) => c.name)];
    const insert = this.db.prepare(`insert or ignore into "${table.table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`);
    const record = this.db.prepare(
      `insert into ingest_chunk (ingest_id, chunk_no, byte_start, byte_end, rows_read, rows_inserted, rows_duplicate, rows_rejected, committed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const numeric = table.columns.map((c) => c.type !== 'text');
    const constants = table.constants.map((c) => (c.type === 'text' ? c.value : Number(c.value)));
    const values = new Array(names.length);
    const load = this.db.transaction((): ChunkResult | null => {
      if (this.db.prepare('select 1 from ingest_chunk where ingest_id = ? and chunk_no = ?').get(commit.ingestId, commit.chunkNo)) return null;
      let loaded = 0;
      let inserted = 0;
      for (const batch of batches) {
        for (const row of batch) {
          for (let i = 0; i < row.length; i++) values[i] = numeric[i] ? Number(row[i]) : row[i];
          for (let j = 0; j < constants.length; j++) values[row.length + j] = constants[j];
          inserted += insert.run(values).changes;
        }
        loaded += batch.length;
      }
      checkChunkRows(commit, loaded, source.rejected());
      const result: ChunkResult = { rows: commit.expectedRows, inserted, duplicate: loaded - inserted, rejected: source.rejected() };
      record.run(commit.ingestId, commit.chunkNo, commit.byteStart, commit.byteEnd, result.rows, inserted, result.duplicate, result.rejected, Date.now());
      return result;
    });
    // A chunk already recorded (a retry after a crash) reports its recorded counts.
    return load.immediate() ?? (await this.committedChunk(commit.ingestId, commit.chunkNo))!;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
