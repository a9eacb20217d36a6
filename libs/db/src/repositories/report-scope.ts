import type { EntityManager } from '@mikro-orm/core';
import { dbDate } from '../raw-values';
import { scopeWhere, type ReportScope, type ScopeColumns } from './report-rows';
import { selectRows } from './sql';

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
