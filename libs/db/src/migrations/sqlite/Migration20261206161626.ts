import { Migration } from '@mikro-orm/migrations';

export class Migration20261206161626 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`model_drift\` add column \`position\` bigint not null default 0;`);
  }

}
