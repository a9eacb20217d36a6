import { Migration } from '@mikro-orm/migrations';

export class Migration20261206091714 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`report\` add \`request_key\` varchar(64) not null, add \`type\` varchar(16) not null, add \`row_counts\` json null, add \`data_checksum\` varchar(64) null, add \`purged_at\` datetime(3) null;`);
    this.addSql(`alter table \`report\` modify \`status\` enum('pending', 'running', 'ready', 'failed', 'purged') not null default 'pending';`);
    this.addSql(`alter table \`report\` add index \`ix_report_type_created\`(\`type\`, \`created_at\`);`);
    this.addSql(`alter table \`report\` add unique \`uq_report_request\`(\`request_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`report\` drop index \`ix_report_type_created\`;`);
    this.addSql(`alter table \`report\` drop index \`uq_report_request\`;`);
    this.addSql(`alter table \`report\` drop column \`request_key\`, drop column \`type\`, drop column \`row_counts\`, drop column \`data_checksum\`, drop column \`purged_at\`;`);

    this.addSql(`alter table \`report\` modify \`status\` enum('pending', 'running', 'ready', 'failed') not null default 'pending';`);
  }

}
