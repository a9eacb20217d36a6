import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020651 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`ix_kpi_equipment_daily_day\` on \`kpi_equipment_daily\` (\`day\`, \`equipment_id\`);`);
  }

}
