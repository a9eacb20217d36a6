import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020545 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`process_value\` add index \`ix_process_value_lot_tag_time_value\`(\`lot_id\`, \`tag\`, \`measured_at\`, \`value\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`process_value\` drop index \`ix_process_value_lot_tag_time_value\`;`);
  }

}
