// SQL shared by the repositories: idempotent bulk writes and bounded per-group reads.
import { DeadlockException, LockWaitTimeoutException, type EntityManager, type MikroORM, type QueryResult } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/mysql';
import { DependencyUnavailableError, InvalidInputError } from '@him/contracts';
import type { Dialect } from '../orm-config';
import { sqlFork } from './sql-fork';

/** Rows per INSERT statement: ~150 KB of SQL, far below MySQL's max_allowed_packet. */
const INSERT_SLICE = 1000;
/** Bounds one grouped read: its statement has a member per group, and groups × limit rows come back to the API. */
const MAX_GROUPS = 5000;
const MAX_GROUPED_ROWS = 200_000;
/** Members per nested UNION block: SQLite refuses compound SELECTs of more than 500 terms. */
const GROUPS_PER_BLOCK = 100;

/**
 * Multi-row `INSERT IGNORE` (MySQL) / `INSERT OR IGNORE` (SQLite) in slices, all in one transaction: rows whose
 * unique key already exists are skipped. Returns how many were stored, counted from affected rows. Values go as
 * parameters, never spliced in (MikroORM escapes them, and on SQLite writes Dates as epoch ms as its ORM does).
 * The ORM's unit of work is bypassed on purpose: it halves bulk throughput. Callers validate rows first, since the
 * IGNORE forms also turn some bad values into warnings.
 */
export async function insertIgnore(em: EntityManager, dialect: Dialect, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<number> {
  const verb = dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const insertAll = async (tx: EntityManager) => {
    let inserted = 0;
    for (let from = 0; from < rows.length; from += INSERT_SLICE) {
      const slice = rows.slice(from, from + INSERT_SLICE);
      const sql = `${verb} INTO ${table} (${columns.join(', ')}) VALUES ${new Array(slice.length).fill(tuple).join(', ')}`;
      const result = (await tx.getConnection().execute(sql, slice.flat(), 'run', tx.getTransactionContext())) as QueryResult;
      inserted += result.affectedRows;
    }
    return inserted;
  };
  try {
    // Inside a caller's transaction, no savepoint of its own: two round trips fewer per write.
    return await (em.isInTransaction() ? insertAll(em) : em.transactional(insertAll));
  } catch (err) {
    // Raw statements throw the driver's own errors; MikroORM's converter classifies them.
    const converted = err instanceof Error ? em.getDriver().convertException(err) : err;
    if (converted instanceof DeadlockException || converted instanceof LockWaitTimeoutException) {
      throw new DependencyUnavailableError(`The write to ${table} collided with a concurrent one and was rolled back; retry it (writes are idempotent)`);
    }
    throw err;
  }
}

/**
 * One multi-row INSERT that replaces the other columns of a row whose unique key (`key`, the first columns) exists:
 * `ON DUPLICATE KEY UPDATE` (MySQL) / `ON CONFLICT … DO UPDATE` (SQLite). In `em`'s transaction when it has one. For
 * the few rows of one logical write (a batch's days, a sweep's checks); bulk loads go through `insertIgnore`.
 */
export async function upsertRows(
  em: EntityManager,
  dialect: Dialect,
  table: string,
  key: readonly string[],
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const replaced = columns.filter((c) => !key.includes(c));
  const onConflict =
    dialect === 'mysql'
      ? `ON DUPLICATE KEY UPDATE ${replaced.map((c) => `${c} = VALUES(${c})`).join(', ')}`
      : `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${replaced.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  await em
    .getConnection()
    .execute(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array(rows.length).fill(tuple).join(', ')} ${onConflict}`, rows.flat(), 'run', em.getTransactionContext());
}

/**
 * SQLite only, first in a transaction that reads before it writes: takes the database's write lock with a write
 * that changes nothing. SQLite has no row locks, and a transaction that has read cannot wait for another
 * connection's write (it fails at once with SQLITE_BUSY: "database is locked"), while one that asks for the write
 * lock first waits for it, up to the driver's busy timeout. (On MySQL, lock the rows read: SELECT … FOR UPDATE.)
 */
export async function takeWriteLock(em: EntityManager, table: string): Promise<void> {
  await em.getConnection().execute(`UPDATE ${table} SET id = id WHERE 0`, [], 'run', em.getTransactionContext());
}

/**
 * Sorts rows by their unique key, so concurrent uploads that overlap lock the same keys in the same order
 * instead of deadlocking (and InnoDB appends to its index instead of splitting pages).
 */
export function sortByKey<T>(rows: readonly T[], key: (row: T) => readonly (string | number)[]): T[] {
  const keyed = rows.map((row) => ({ row, key: key(row) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i] ? -1 : 1;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}

/**
 * Pins a per-group query to its index. MariaDB otherwise may read a wide range through `ref` on a shorter prefix,
 * filtering from the group's first entry: grouped-range from 30 s took 90–120 ms at 1.5 M rows instead of ~7 ms.
 */
export function indexHint(dialect: Dialect, index: string): string {
  return dialect === 'mysql' ? `FORCE INDEX (${index})` : `INDEXED BY ${index}`;
}

/**
 * Refuses a grouped read that would be too large: more than MAX_GROUPS groups, or (when every group's rows come
 * back, `rowsPerGroup` given) more than MAX_GROUPED_ROWS rows. `narrow` tells the caller how to ask for fewer groups.
 */
export function assertGroupedReadFits(groups: number, rowsPerGroup: number | undefined, narrow?: string): void {
  if (groups > MAX_GROUPS) {
    throw new InvalidInputError(`${groups} groups match; at most ${MAX_GROUPS} can be read at once${narrow ? `: ${narrow}` : ''}`);
  }
  if (rowsPerGroup !== undefined && groups * rowsPerGroup > MAX_GROUPED_ROWS) {
    const message = `${groups} groups × limit ${rowsPerGroup} could return more than ${MAX_GROUPED_ROWS} rows: lower limit${narrow ? ` or ${narrow}` : ''}`;
    throw new InvalidInputError(message, [{ field: 'limit', message }]);
  }
}

export interface GroupQuery {
  /** A SELECT … ORDER BY … LIMIT ? for one group: an index range scan. */
  sql: string;
  params: unknown[];
}

/**
 * Runs per-group `ORDER BY … LIMIT n` queries as one `UNION ALL` statement, ordered by `orderBy` and cut at `limit`
 * when given. Unlike `ROW_NUMBER() OVER (PARTITION BY …)`, which reads the whole table, each member reads at most n
 * index entries. Members are wrapped as derived tables because SQLite refuses parenthesised compound members, and
 * nested in blocks because it refuses compounds of more than 500 terms.
 */
export async function unionOfGroups<Row>(em: EntityManager, groups: readonly GroupQuery[], orderBy: string, limit?: number): Promise<Row[]> {
  if (groups.length === 0) return [];
  let members = groups.map((g, i) => `SELECT * FROM (${g.sql}) AS g${i}`);
  if (members.length > GROUPS_PER_BLOCK) {
    const blocks: string[] = [];
    for (let from = 0; from < members.length; from += GROUPS_PER_BLOCK) {
      blocks.push(`SELECT * FROM (${members.slice(from, from + GROUPS_PER_BLOCK).join(' UNION ALL ')}) AS b${blocks.length}`);
    }
    members = blocks;
  }
  const params = groups.flatMap((g) => g.params);
  const cut = limit === undefined ? '' : ' LIMIT ?';
  return selectRows<Row>(em, `${members.join(' UNION ALL ')} ORDER BY ${orderBy}${cut}`, limit === undefined ? params : [...params, limit]);
}

/** Runs a raw SELECT. `Row` names the columns; their values come in each driver's own form (see raw-values). */
export async function selectRows<Row>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  return (await em.getConnection().execute(sql, [...params])) as Row[];
}

/** The part of a mysql2 connection (callback API, as knex pools them) that runs a prepared statement. */
interface PreparedStatementConnection {
  execute(options: { sql: string; values: unknown[]; rowsAsArray: boolean }, callback: (err: Error | null, rows: unknown) => void): void;
}

/**
 * A raw SELECT of very many rows (a capture's 190 k samples), each row an array of the selected columns in order. On
 * MySQL/MariaDB it runs as a prepared statement, whose binary protocol hands doubles over without text to parse
 * (190 k samples took ~140 ms instead of ~300 ms through the text protocol of MikroORM's raw queries, on a loaded
 * 2-core machine), and rows come as arrays, not objects, which spares the garbage collector. Values come as selectRows
 * gives them (datetimes as UTC text: the pool's dateStrings and +00:00 apply to both protocols). Elsewhere (SQLite):
 * selectRows, as arrays.
 */
export async function selectManyRows<Row extends unknown[]>(orm: MikroORM, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const em = sqlFork(orm);
  const client = em.getKnex().client as Knex.Client;
  if (client.driverName !== 'mysql2') return (await selectRows<Record<string, unknown>>(em, sql, params)).map((row) => Object.values(row) as Row);
  const connection = (await client.acquireConnection()) as PreparedStatementConnection;
  try {
    return await new Promise<Row[]>((resolve, reject) =>
      connection.execute({ sql, values: [...params], rowsAsArray: true }, (err, rows) => (err ? reject(err) : resolve(rows as Row[]))),
    );
  } finally {
    await client.releaseConnection(connection);
  }
}

/** One time bucket of a long series, as the database aggregates it for a chart. */
export interface EnvelopeBucket {
  /** Time of the bucket's first and last sample, in the series' own unit (seconds of a capture, epoch ms of a tag). */
  firstTime: number;
  lastTime: number;
  min: number;
  max: number;
  count: number;
  /**
   * Whether values rise (> 0) or fall (< 0) across the bucket: the mean of its second half (samples from its middle
   * time on) minus its mean, whose sign is that of second half minus first half; 0 when every sample is in one half.
   */
  trend: number;
}

/** A series as `envelopeBuckets` reads it: rows of `table` where `where` holds, ordered by an index on the time column. */
export interface SeriesSource {
  table: string;
  /** The time column: each bucket is one range of it, read along the index whose prefix `where` fixes. */
  time: string;
  /** An aggregate of the time column (its MIN or MAX) as a number in the series' unit. */
  timeValue(aggregate: string): string;
  /** A time in the series' unit as the parameter the column is compared with. */
  timeParam(time: number): unknown;
  where: string;
  params: readonly unknown[];
}

/** Buckets per envelope statement at most (one UNION ALL term each): SQLite refuses compounds of more than 500 terms. */
const MAX_BUCKETS_PER_STATEMENT = 250;
/**
 * Envelope statements at least, run at once: MariaDB runs each on one core, and the series' rows split among them. On
 * 2 cores, a 190 k-point tag cut to 500 buckets answered in 60–70 ms (p50) as 2 or 4 concurrent statements, in 112 ms
 * as 2 statements one after another.
 */
const ENVELOPE_STATEMENTS = 4;

/**
 * A series cut into `buckets` buckets of equal duration over [first, last] (its first and last time), each with its
 * extent, minimum, maximum, count and trend, in time order; empty buckets (a gap) are absent. Bucket b holds the times
 * from first + b × (last − first) / buckets up to the next bucket's start, the last bucket up to `last` inclusive.
 * Each bucket is one plain aggregate over a range of the index, its bounds computed here, and the buckets go as
 * concurrent UNION ALL statements of consecutive buckets. On MariaDB this replaced one GROUP BY over the series, whose
 * grouping and per-row bucket and time expressions made it ~1.5× as costly as the same scan in plain aggregates, and
 * which ran on one core.
 */
export async function envelopeBuckets(orm: MikroORM, series: SeriesSource, first: number, last: number, buckets: number): Promise<EnvelopeBucket[]> {
  const { start, middle } = bucketBounds(first, last, buckets);
  const { table, time, where } = series;
  const term = (b: number) => ({
    sql:
      `SELECT ? AS b, ${series.timeValue(`MIN(${time})`)}, ${series.timeValue(`MAX(${time})`)}, MIN(value), MAX(value), COUNT(*), ` +
      `AVG(value), AVG(CASE WHEN ${time} >= ? THEN value END) FROM ${table} WHERE ${where} AND ${time} >= ? AND ${time} ${b === buckets - 1 ? '<=' : '<'} ?`,
    params: [b, series.timeParam(middle(b)), ...series.params, series.timeParam(start(b)), series.timeParam(start(b + 1))],
  });
  const perStatement = Math.ceil(buckets / Math.max(ENVELOPE_STATEMENTS, Math.ceil(buckets / MAX_BUCKETS_PER_STATEMENT)));
  const statements: Promise<BucketRow[]>[] = [];
  for (let from = 0; from < buckets; from += perStatement) {
    const terms = Array.from({ length: Math.min(perStatement, buckets - from) }, (_, k) => term(from + k));
    statements.push(
      selectManyRows<BucketRow>(
        orm,
        terms.map((t) => t.sql).join(' UNION ALL '),
        terms.flatMap((t) => t.params),
      ),
    );
  }
  const rows = (await Promise.all(statements)).flat().filter((r) => Number(r[5]) > 0);
  // UNION ALL promises no order of its terms' rows.
  rows.sort((x, y) => Number(x[0]) - Number(y[0]));
  return rows.map((r) => ({
    firstTime: Number(r[1]),
    lastTime: Number(r[2]),
    min: Number(r[3]),
    max: Number(r[4]),
    count: Number(r[5]),
    trend: r[7] === null ? 0 : Number(r[7]) - Number(r[6]),
  }));
}

/**
 * envelopeBuckets of samples already read (times ascending, in [first, last]), by the same bounds and trend: for a
 * short series one range read and this beat the statements' ~125–250 UNION terms each to parse and plan (a 5 k-sample
 * capture cut to 500 buckets: p95 32 ms that way).
 */
export function envelopeOfSamples(time: ArrayLike<number>, value: ArrayLike<number>, first: number, last: number, buckets: number): EnvelopeBucket[] {
  const { start, middle } = bucketBounds(first, last, buckets);
  const out: EnvelopeBucket[] = [];
  let b = 0;
  let current: (EnvelopeBucket & { sum: number; secondSum: number; secondCount: number }) | undefined;
  const close = () => {
    if (!current) return;
    const { sum, secondSum, secondCount, ...bucket } = current;
    out.push({ ...bucket, trend: secondCount === 0 ? 0 : secondSum / secondCount - sum / bucket.count });
    current = undefined;
  };
  for (let i = 0; i < time.length; i++) {
    const t = time[i];
    const v = value[i];
    if (t < first || t > last) continue;
    while (b < buckets - 1 && t >= start(b + 1)) {
      close();
      b++;
    }
    current ??= { firstTime: t, lastTime: t, min: v, max: v, count: 0, trend: 0, sum: 0, secondSum: 0, secondCount: 0 };
    current.lastTime = t;
    current.min = Math.min(current.min, v);
    current.max = Math.max(current.max, v);
    current.count++;
    current.sum += v;
    if (t >= middle(b)) {
      current.secondSum += v;
      current.secondCount++;
    }
  }
  close();
  return out;
}

/** Bucket b of `buckets` over [first, last] holds the times from start(b) up to start(b + 1); its trend splits at middle(b). */
function bucketBounds(first: number, last: number, buckets: number) {
  return {
    start: (b: number) => (b === buckets ? last : first + (b * (last - first)) / buckets),
    middle: (b: number) => first + ((b + 0.5) * (last - first)) / buckets,
  };
}

type BucketRow = [bucket: number, firstTime: number, lastTime: number, min: number, max: number, count: number, mean: number, secondHalfMean: number | null];
