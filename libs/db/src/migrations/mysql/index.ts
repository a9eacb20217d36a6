import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122022816 } from './Migration20261122022816';
import { Migration20261122024835 } from './Migration20261122024835';
import { Migration20261202043429 } from './Migration20261202043429';
import { Migration20261202044215 } from './Migration20261202044215';
import { Migration20261205230654 } from './Migration20261205230654';
import { Migration20261206020545 } from './Migration20261206020545';
import { Migration20261206020651 } from './Migration20261206020651';
import { Migration20261206091714 } from './Migration20261206091714';
import { Migration20261206152659 } from './Migration20261206152659';
import { Migration20261206153917 } from './Migration20261206153917';
import { Migration20261206161626 } from './Migration20261206161626';

/** Applied in this order; `npm run db:migration:create` regenerates this list. */
export const MYSQL_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122022816', class: Migration20261122022816 },
  { name: 'Migration20261122024835', class: Migration20261122024835 },
  { name: 'Migration20261202043429', class: Migration20261202043429 },
  { name: 'Migration20261202044215', class: Migration20261202044215 },
  { name: 'Migration20261205230654', class: Migration20261205230654 },
  { name: 'Migration20261206020545', class: Migration20261206020545 },
  { name: 'Migration20261206020651', class: Migration20261206020651 },
  { name: 'Migration20261206091714', class: Migration20261206091714 },
  { name: 'Migration20261206152659', class: Migration20261206152659 },
  { name: 'Migration20261206153917', class: Migration20261206153917 },
  { name: 'Migration20261206161626', class: Migration20261206161626 },
];
