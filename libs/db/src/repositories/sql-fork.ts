import type { MikroORM } from '@mikro-orm/core';
// Both drivers (mysql, better-sqlite) are knex-based: their EntityManager is knex's SqlEntityManager, re-exported by each.
import type { SqlEntityManager } from '@mikro-orm/mysql';

/** A fresh EntityManager fork with the SQL query builder (for statements MikroORM's core API cannot say, e.g. insert-if-absent). */
export function sqlFork(orm: MikroORM): SqlEntityManager {
  return orm.em.fork() as SqlEntityManager;
}
