import { Migration } from '@mikro-orm/migrations';

export class Migration20261202044215 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create unique index \`uq_model_version_checksum\` on \`model_version\` (\`name\`, \`checksum\`);`);
  }

}
