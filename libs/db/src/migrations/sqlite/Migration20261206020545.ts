import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020545 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`ix_process_value_lot_tag_time_value\` on \`process_value\` (\`lot_id\`, \`tag\`, \`measured_at\`, \`value\`);`);
  }

}
