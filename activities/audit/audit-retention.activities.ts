import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { heartbeat } from '@temporalio/activity';
import { AppConfig } from '@him/config';
import { InvalidInputError } from '@him/contracts';
import { AuditLog } from '@him/db';
import { Activity } from '../activity.decorator';

const DAY_MS = 86_400_000;

/** Activities of the `audit-retention` job. Each call works in its own EntityManager fork. */
@Injectable()
export class AuditRetentionActivities {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
  ) {}

  @Activity()
  async countExpiredAuditEntries(cutoff: string): Promise<number> {
    return this.orm.em.fork().count(AuditLog, { at: { $lt: this.allowedCutoff(cutoff) } });
  }

  /** Deletes at most `batchSize` of the oldest expired entries; returns how many went. */
  @Activity()
  async purgeExpiredAuditEntries(cutoff: string, batchSize: number): Promise<number> {
    const em = this.orm.em.fork();
    const ids = await em.find(AuditLog, { at: { $lt: this.allowedCutoff(cutoff) } }, { fields: ['id'], orderBy: { id: 'asc' }, limit: batchSize });
    if (ids.length === 0) return 0;
    heartbeat(ids.length);
    return em.nativeDelete(AuditLog, { id: { $in: ids.map((r) => r.id) } });
  }

  /** The minimum retention holds for every start of the workflow (the Temporal UI's too), not only the API's. */
  private allowedCutoff(cutoff: string): Date {
    const at = new Date(cutoff);
    const days = this.config.auditRetentionMinDays;
    if (!(at.getTime() <= Date.now() - days * DAY_MS)) {
      const message = `must be at least ${days} days ago (AUDIT_RETENTION_MIN_DAYS)`;
      throw new InvalidInputError(`audit-retention cutoff ${cutoff} ${message}`, [{ field: 'cutoff', message }]);
    }
    return at;
  }
}
