import { Migration } from '@mikro-orm/migrations';

export class Migration20261202043430 extends Migration {

  // SQLite cannot make a column nullable in place (the generator skips it), so audit_log is rebuilt.
  override async up(): Promise<void> {
    this.addSql(`create table \`audit_log_next\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`api_key_id\` integer null, \`actor\` text null, \`role\` text null, \`method\` text not null, \`path\` text not null, \`route\` text null, \`status_code\` integer null, \`ip\` text null, \`request_id\` text null, \`duration_ms\` integer null);`);
    this.addSql(`insert into \`audit_log_next\` (\`id\`, \`at\`, \`api_key_id\`, \`actor\`, \`role\`, \`method\`, \`path\`, \`status_code\`, \`ip\`, \`request_id\`, \`duration_ms\`) select \`id\`, \`at\`, \`api_key_id\`, \`actor\`, \`role\`, \`method\`, \`path\`, \`status_code\`, \`ip\`, \`request_id\`, \`duration_ms\` from \`audit_log\`;`);
    this.addSql(`drop table \`audit_log\`;`);
    this.addSql(`alter table \`audit_log_next\` rename to \`audit_log\`;`);
    this.addSql(`create index \`ix_audit_log_key\` on \`audit_log\` (\`api_key_id\`, \`at\`);`);
    this.addSql(`create index \`ix_audit_log_at\` on \`audit_log\` (\`at\`);`);
  }

}
