import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AppConfig } from '@him/config';
import { Role } from '@him/db';
import { ApiKeysService } from './api-keys.service';

/** Stores MES_ADMIN_API_KEY as an admin key on first start (hashed, like every key); once revoked, it stays revoked. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly log = new Logger('api-keys');

  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const keys = new ApiKeysService(this.orm.em.fork());
    if (this.config.adminApiKey) {
      const { entity } = await keys.createIfAbsent('bootstrap-admin', Role.Admin, this.config.adminApiKey);
      if (entity.revokedAt) this.log.warn(`MES_ADMIN_API_KEY was revoked on ${entity.revokedAt.toISOString()} and stays revoked; set a new one or unset it.`);
    } else if (!(await keys.hasActiveAdmin())) {
      this.log.warn('No admin API key exists. Set MES_ADMIN_API_KEY, or run `npm run keys -- create --role admin --name <who>`.');
    }
  }
}
