import { Migration } from '@mikro-orm/migrations';

export class Migration20261202043429 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`audit_log\` add \`route\` varchar(200) null;`);
    this.addSql(`alter table \`audit_log\` modify \`status_code\` smallint null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`audit_log\` drop column \`route\`;`);

    this.addSql(`alter table \`audit_log\` modify \`status_code\` smallint not null;`);
  }

}
