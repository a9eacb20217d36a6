import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { AppConfig } from '@him/config';
import { Role } from '@him/db';
import { ApiKeysService } from './api-keys.service';

/** Makes MES_ADMIN_API_KEY a working admin key at start (stored hashed, like every key). */
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
      await keys.ensureKey('bootstrap-admin', Role.Admin, this.config.adminApiKey);
    } else if (!(await keys.hasActiveAdmin())) {
      this.log.warn('No admin API key exists. Set MES_ADMIN_API_KEY, or run `npm run keys -- create --role admin --name <who>`.');
    }
  }
}
