import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { ChunkResult } from '@him/contracts';
import { BulkLoader, checkChunkChecksum, checkChunkRows, mysqlDatetime, type BulkRow, type BulkTable, type ChunkCommit, type RowSource } from './bulk-loader';

/** mysql2 sends each stream chunk as one packet: stay well under max_allowed_packet (LOAD DATA does not need line-aligned packets). */
const PACKET_BYTES = 60 * 1024;
const STREAM_NAME = 'him-mes-chunk';

/**
 * MySQL/MariaDB: validated rows are streamed as TSV through `LOAD DATA LOCAL INFILE … IGNORE`, the fastest
 * correct load (≈2× multi-row INSERT here). LOAD DATA turns anything odd into 0 with a warning, so rows are
 * validated before, and any warning other than a skipped duplicate fails the chunk.
 */
export class MySqlBulkLoader extends BulkLoader {
  readonly loadsCsvBytes = true;
  private readonly pool: Pool;

  constructor(url: string, connections: number) {
    super();
    this.pool = createPool({ uri: url, connectionLimit: connections, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
  }

  async committedChunk(ingestId: number, chunkNo: number): Promise<ChunkResult | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>('select rows_read, rows_inserted, rows_duplicate, rows_rejected from ingest_chunk where ingest_id = ? and chunk_no = ?', [
      ingestId,
      chunkNo,
    ]);
    const row = rows[0] as Record<string, number> | undefined;
    return row ? { rows: row.rows_read, inserted: row.rows_inserted, duplicate: row.rows_duplicate, rejected: row.rows_rejected } : null;
  }

  async loadChunk(table: BulkTable, source: RowSource, commit: ChunkCommit): Promise<ChunkResult> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const { records, inserted, duplicate } = await this.loadData(conn, table, source, commit.chunkNo);
      const rejected = source.kind === 'rows' ? source.rejected() : 0;
      checkChunkRows(commit, records, rejected);
      const result: ChunkResult = { rows: commit.expectedRows, inserted, duplicate, rejected };
      await conn.query(
        `insert into ingest_chunk (ingest_id, chunk_no, byte_start, byte_end, rows_read, rows_inserted, rows_duplicate, rows_rejected, committed_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [commit.ingestId, commit.chunkNo, commit.byteStart, commit.byteEnd, result.rows, inserted, duplicate, result.rejected, mysqlDatetime(Date.now())],
      );
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      // Another attempt of this chunk (a retry racing a stalled worker) committed first: report its counts.
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') {
        const committed = await this.committedChunk(commit.ingestId, commit.chunkNo);
        if (committed) return committed;
      }
      throw err;
    } finally {
      conn.release();
    }
  }

  private async loadData(conn: PoolConnection, table: BulkTable, source: RowSource, chunkNo: number): Promise<{ records: number; inserted: number; duplicate: number }> {
    const datetimeAt = table.columns.map((c) => c.type === 'datetime');
    const sql =
      `load data local infile '${STREAM_NAME}' ignore into table \`${table.table}\` character set ascii ` +
      `fields terminated by '${source.kind === 'csv' ? ',' : '\\t'}' escaped by '' lines terminated by '\\n' ` +
      `(${table.columns.map((c) => `\`${c.name}\``).join(', ')})` +
      (table.constants.length ? ` set ${table.constants.map((c) => `\`${c.name}\` = ?`).join(', ')}` : '');
    const params = table.constants.map((c) => (c.type === 'datetime' ? mysqlDatetime(Number(c.value)) : c.value));
    let sent = 0;
    const csvChecksum = createHash('sha256');
    async function* packets(): AsyncGenerator<Buffer> {
      if (source.kind !== 'rows') return;
      for await (const batch of source.batches) {
        sent += batch.length;
        const tsv = Buffer.from(tsvLines(batch, datetimeAt), 'latin1');
        for (let at = 0; at < tsv.length; at += PACKET_BYTES) yield tsv.subarray(at, at + PACKET_BYTES);
      }
    }
    const [header] = await conn.query<ResultSetHeader>({
      sql,
      values: params,
      // Allow-listed: the server may only read the stream we made for this statement.
      infileStreamFactory: (requested: string) => {
        if (requested !== STREAM_NAME) throw new Error(`refusing LOCAL INFILE request for ${requested}`);
        if (source.kind === 'rows') return Readable.from(packets(), { objectMode: false });
        // The checksum reads beside mysql2 (both listen before the first read): the bytes loaded are the bytes checked.
        return fs.createReadStream(source.path, { start: source.start, end: source.end - 1, highWaterMark: PACKET_BYTES }).on('data', (bytes) => csvChecksum.update(bytes));
      },
    });
    if (source.kind === 'csv') checkChunkChecksum({ chunkNo, checksum: source.checksum }, csvChecksum.digest('hex'));
    const info = /Records: (\d+)\s+Deleted: (\d+)\s+Skipped: (\d+)\s+Warnings: (\d+)/.exec(header.info ?? '');
    if (!info) throw new Error(`LOAD DATA reported no counts (${header.info})`);
    const [records, , skipped, warnings] = info.slice(1).map(Number);
    // Any warning that is not a skipped duplicate means a value was coerced: the chunk must not commit.
    if ((source.kind === 'rows' && records !== sent) || header.affectedRows + skipped !== records || warnings !== skipped) {
      throw new Error(`LOAD DATA into ${table.table} did not reconcile: sent ${source.kind === 'rows' ? sent : 'raw CSV'}, ${header.info}, affected ${header.affectedRows}`);
    }
    return { records, inserted: header.affectedRows, duplicate: skipped };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Rows as TSV lines (datetimes as MySQL text; numbers exactly as the file wrote them). */
function tsvLines(rows: BulkRow[], datetimeAt: boolean[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i ? '\t' : '') + (datetimeAt[i] ? mysqlDatetime(Number(row[i])) : row[i]);
    out += '\n';
  }
  return out;
}
