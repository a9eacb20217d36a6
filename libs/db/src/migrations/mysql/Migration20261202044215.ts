import { Migration } from '@mikro-orm/migrations';

export class Migration20261202044215 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`model_version\` add unique \`uq_model_version_checksum\`(\`name\`, \`checksum\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`model_version\` drop index \`uq_model_version_checksum\`;`);
  }

}
