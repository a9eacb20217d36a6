import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091714 extends Migration {

  // SQLite can neither add a NOT NULL column without a default nor change a CHECK constraint in place, so the table is
  // made anew. Nothing wrote report rows before this migration (reports start with it), so nothing is lost.
  override async up(): Promise<void> {
    this.addSql(`drop table if exists \`report\`;`);
    this.addSql(`create table \`report\` (\`id\` integer not null primary key autoincrement, \`request_key\` text not null, \`type\` text not null, \`title\` text not null, \`status\` text check (\`status\` in ('pending', 'running', 'ready', 'failed', 'purged')) not null default 'pending', \`period_from\` date not null, \`period_to\` date not null, \`params\` json not null, \`files\` json null, \`data_window\` json null, \`model_versions\` json null, \`row_counts\` json null, \`data_checksum\` text null, \`workflow_id\` text null, \`error\` text null, \`created_by\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null, \`purged_at\` datetime null);`);
    this.addSql(`create index \`ix_report_type_created\` on \`report\` (\`type\`, \`created_at\`);`);
    this.addSql(`create index \`ix_report_created\` on \`report\` (\`created_at\`);`);
    this.addSql(`create unique index \`uq_report_request\` on \`report\` (\`request_key\`);`);
  }

}
