import { Migration } from '@mikro-orm/migrations';

export class Migration20261206020651 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`kpi_equipment_daily\` add index \`ix_kpi_equipment_daily_day\`(\`day\`, \`equipment_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`kpi_equipment_daily\` drop index \`ix_kpi_equipment_daily_day\`;`);
  }

}
