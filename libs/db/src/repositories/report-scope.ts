import type { EntityManager } from '@mikro-orm/core';
import { dbDate } from '../raw-values';
import { selectRows } from './sql';

/** What a report covers: a time range [from, to) and, when given, only these machines, equipment or lots. */
export interface ReportScope {
  from: Date;
  to: Date;
  machineNames?: readonly string[];
  equipmentIds?: readonly number[];
  lotIds?: readonly number[];
}

/**
 * A table's rows in a report's scope: how many, up to which id (the report reads no row past it, so rows written
 * while it renders stay out of both files), their first and last time, and the model versions that wrote them.
 */
export interface ScopeSummary {
  rows: number;
  maxId: number;
  firstAt: Date | null;
  lastAt: Date | null;
  versions: string[];
}

/** The columns a table is scoped by. */
export interface ScopeColumns {
  time: string;
  machine?: string;
  equipment?: string;
  lot?: string;
  version?: string;
}

const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');

function scopeWhere(scope: ReportScope, columns: ScopeColumns): { sql: string; params: unknown[] } {
  const clauses = [`${columns.time} >= ?`, `${columns.time} < ?`];
  const params: unknown[] = [scope.from, scope.to];
  const add = (column: string | undefined, values: readonly unknown[] | undefined) => {
    if (!column || !values) return;
    // An empty selection selects nothing (not everything).
    clauses.push(values.length ? `${column} IN (${list(values)})` : '1 = 0');
    params.push(...values);
  };
  add(columns.machine, scope.machineNames);
  add(columns.equipment, scope.equipmentIds);
  add(columns.lot, scope.lotIds);
  return { sql: clauses.join(' AND '), params };
}

/** Counts a table's rows in scope, per model version, in one statement. */
export async function summariseScope(em: EntityManager, table: string, columns: ScopeColumns, scope: ReportScope): Promise<ScopeSummary> {
  const where = scopeWhere(scope, columns);
  const version = columns.version ?? 'NULL';
  const groups = await selectRows<{ version: string | null; n: number | string; max_id: number | string; first_at: unknown; last_at: unknown }>(
    em,
    `SELECT ${version} AS version, COUNT(*) AS n, MAX(id) AS max_id, MIN(${columns.time}) AS first_at, MAX(${columns.time}) AS last_at
       FROM ${table} WHERE ${where.sql}${columns.version ? ` GROUP BY ${version}` : ''}`,
    where.params,
  );
  const summary: ScopeSummary = { rows: 0, maxId: 0, firstAt: null, lastAt: null, versions: [] };
  for (const g of groups) {
    if (Number(g.n) === 0) continue;
    summary.rows += Number(g.n);
    summary.maxId = Math.max(summary.maxId, Number(g.max_id));
    const first = dbDate(g.first_at);
    const last = dbDate(g.last_at);
    if (!summary.firstAt || first < summary.firstAt) summary.firstAt = first;
    if (!summary.lastAt || last > summary.lastAt) summary.lastAt = last;
    if (g.version) summary.versions.push(g.version);
  }
  summary.versions.sort();
  return summary;
}

/** The next page of a table's rows in scope with ids in (afterId, maxId], in id order. */
export function pageInScope<Row>(
  em: EntityManager,
  table: string,
  selectList: string,
  columns: ScopeColumns,
  scope: ReportScope,
  page: { afterId: number; maxId: number; limit: number },
): Promise<Row[]> {
  const where = scopeWhere(scope, columns);
  return selectRows<Row>(em, `SELECT ${selectList} FROM ${table} WHERE id > ? AND id <= ? AND ${where.sql} ORDER BY id LIMIT ?`, [
    page.afterId,
    page.maxId,
    ...where.params,
    page.limit,
  ]);
}
