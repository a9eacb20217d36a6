import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ConflictError, NotFoundError } from '@him/contracts';
import { ApiKey, Role } from '@him/db';
import type { Principal } from './auth.decorators';

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** How often `last_used_at` is written per key: a write per request would double the load. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedKey {
  entity: ApiKey;
  /** The secret; shown once, never stored. */
  key: string;
}

@Injectable()
export class ApiKeysService {
  private readonly log = new Logger('api-keys');

  constructor(private readonly em: EntityManager) {}

  /** Generates a new key: `hm_` + 40 base64url characters (240 bits). */
  async issue(name: string, role: Role): Promise<IssuedKey> {
    const key = `hm_${randomBytes(30).toString('base64url')}`;
    return { entity: await this.store(name, role, key), key };
  }

  /**
   * Stores a key chosen by the operator (MES_ADMIN_API_KEY) unless it is stored already. A stored one is left as it
   * is: revoking it must stick, not be undone by the next start.
   */
  async createIfAbsent(name: string, role: Role, key: string): Promise<{ entity: ApiKey; created: boolean }> {
    const existing = await this.em.findOne(ApiKey, { keyHash: hashKey(key) });
    if (existing) return { entity: existing, created: false };
    return { entity: await this.store(name, role, key), created: true };
  }

  async verify(key: string): Promise<Principal | null> {
    const found = await this.em.findOne(ApiKey, { keyHash: hashKey(key), revokedAt: null });
    if (!found) return null;
    const now = Date.now();
    if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.em.nativeUpdate(ApiKey, { id: found.id }, { lastUsedAt: new Date(now) });
    }
    return { keyId: found.id, name: found.name, role: found.role, prefix: found.prefix };
  }

  list(): Promise<ApiKey[]> {
    return this.em.find(ApiKey, {}, { orderBy: { id: 'asc' } });
  }

  async hasActiveAdmin(): Promise<boolean> {
    return (await this.em.count(ApiKey, { role: Role.Admin, revokedAt: null })) > 0;
  }

  async revoke(id: number): Promise<ApiKey> {
    const key = await this.em.findOne(ApiKey, { id });
    if (!key) throw new NotFoundError(`API key ${id} not found`);
    if (key.revokedAt) return key;
    if (key.role === Role.Admin && (await this.em.count(ApiKey, { role: Role.Admin, revokedAt: null })) <= 1) {
      throw new ConflictError('Refusing to revoke the last active admin key');
    }
    key.revokedAt = new Date();
    await this.em.flush();
    this.log.log(`revoked API key ${key.id} (${key.name})`);
    return key;
  }

  private async store(name: string, role: Role, key: string): Promise<ApiKey> {
    const entity = this.em.create(ApiKey, { name, role, prefix: key.slice(0, 8), keyHash: hashKey(key), createdAt: new Date() });
    await this.em.persistAndFlush(entity);
    return entity;
  }
}
