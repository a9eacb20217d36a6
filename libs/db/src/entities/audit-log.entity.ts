import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Every write request, allowed or refused: who, what, when and how it ended. */
@Entity({ tableName: 'audit_log' })
@Index({ name: 'ix_audit_log_at', properties: ['at'] })
@Index({ name: 'ix_audit_log_key', properties: ['apiKeyId', 'at'] })
export class AuditLog {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'datetime', length: 3 })
  at!: Date;

  @Property({ type: 'integer', nullable: true })
  apiKeyId?: number;

  @Property({ type: 'string', length: 100, nullable: true })
  actor?: string;

  @Property({ type: 'string', length: 16, nullable: true })
  role?: string;

  @Property({ type: 'string', length: 10 })
  method!: string;

  /** The request URL as sent (percent-encoding and query included). */
  @Property({ type: 'string', length: 500 })
  path!: string;

  /** The route the router matched (`/api/v1/api-keys/:id`), whatever spelling of the path reached it. */
  @Property({ type: 'string', length: 200, nullable: true })
  route?: string;

  /** null while the request runs, or when its answer could not be recorded. */
  @Property({ type: 'smallint', nullable: true })
  statusCode?: number;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string;

  @Property({ type: 'integer', nullable: true })
  durationMs?: number;
}
