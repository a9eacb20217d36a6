// Values read by raw SQL arrive in each driver's own form; these turn them into what the entities hold.

/** A datetime read by raw SQL: mysql2 (MikroORM sets dateStrings) gives 'YYYY-MM-DD HH:MM:SS.fff' in UTC; SQLite epoch ms. */
export function dbDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  return new Date(`${String(value).replace(' ', 'T')}Z`);
}

export const dbOptionalDate = (value: unknown): Date | undefined => (value === null || value === undefined ? undefined : dbDate(value));

/** A JSON column's value: MySQL 8 gives it parsed, MariaDB and SQLite as text. */
export function dbJson<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
