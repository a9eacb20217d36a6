import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { heartbeat } from '@temporalio/activity';
import { AuditLog } from '@him/db';

/** Activities of the `audit-retention` job. Each call works in its own EntityManager fork. */
@Injectable()
export class AuditRetentionActivities {
  constructor(private readonly orm: MikroORM) {}

  async countExpiredAuditEntries(cutoff: string): Promise<number> {
    return this.orm.em.fork().count(AuditLog, { at: { $lt: new Date(cutoff) } });
  }

  /** Deletes at most `batchSize` of the oldest expired entries; returns how many went. */
  async purgeExpiredAuditEntries(cutoff: string, batchSize: number): Promise<number> {
    const em = this.orm.em.fork();
    const ids = await em.find(AuditLog, { at: { $lt: new Date(cutoff) } }, { fields: ['id'], orderBy: { id: 'asc' }, limit: batchSize });
    if (ids.length === 0) return 0;
    heartbeat(ids.length);
    return em.nativeDelete(AuditLog, { id: { $in: ids.map((r) => r.id) } });
  }
}
