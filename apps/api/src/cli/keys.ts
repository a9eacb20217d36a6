/* API-key administration from the machine that runs the API (no key needed: access to the database is the credential).
 *   keys bootstrap                          create an admin key if none is active, print it once
 *   keys create --role <role> --name <who>  issue a key and print it once
 *   keys list                               list keys (never their secrets)                    */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/core';
import { loadConfig } from '@him/config';
import { ormOptions, Role } from '@him/db';
import { ApiKeysService } from '../auth/api-keys.service';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const config = loadConfig();
  const orm = await MikroORM.init(ormOptions(config.database));
  try {
    const keys = new ApiKeysService(orm.em.fork());
    switch (positionals[0]) {
      case 'bootstrap': {
        if (config.adminApiKey) {
          const { entity } = await keys.createIfAbsent('bootstrap-admin', Role.Admin, config.adminApiKey);
          console.log(entity.revokedAt ? 'admin key: MES_ADMIN_API_KEY was revoked and stays revoked; set a new one' : 'admin key: from MES_ADMIN_API_KEY');
        } else if (await keys.hasActiveAdmin()) {
          console.log('admin key: created on an earlier start (shown once then); `npm run keys -- create --role admin --name <who>` issues another');
        } else {
          const { key } = await keys.issue('bootstrap-admin', Role.Admin);
          console.log(`admin key (shown once, store it now): ${key}`);
        }
        break;
      }
      case 'create': {
        const role = values.role as Role;
        if (!Object.values(Role).includes(role) || !values.name) throw new Error('usage: keys create --role viewer|operator|admin --name <who>');
        const { entity, key } = await keys.issue(values.name, role);
        console.log(`${entity.role} key #${entity.id} for ${entity.name} (shown once): ${key}`);
        break;
      }
      case 'list':
        for (const k of await keys.list()) console.log(`#${k.id}\t${k.role}\t${k.prefix}…\t${k.name}${k.revokedAt ? '\t(revoked)' : ''}`);
        break;
      default:
        throw new Error('usage: keys bootstrap | keys create --role <role> --name <who> | keys list');
    }
  } finally {
    await orm.close(true);
  }
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
