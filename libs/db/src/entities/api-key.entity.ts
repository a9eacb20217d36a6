import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export enum Role {
  Viewer = 'viewer',
  Operator = 'operator',
  Admin = 'admin',
}

/** Roles are ordered: each includes the rights of those before it. */
export const ROLE_RANK: Record<Role, number> = { [Role.Viewer]: 1, [Role.Operator]: 2, [Role.Admin]: 3 };

/** An API key. Only the SHA-256 of the key is stored: keys are long random secrets, so a fast hash suffices. */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 100 })
  name!: string;

  /** The first characters of the key, shown in lists and the audit log to tell keys apart. */
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Property({ type: 'string', length: 64 })
  @Unique({ name: 'uq_api_key_hash' })
  keyHash!: string;

  @Enum({ items: () => Role })
  role!: Role;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastUsedAt?: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt?: Date;
}
