import { Migration } from '@mikro-orm/migrations';

export class Migration20261206153917 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`anomaly\` add column \`probable_fault\` json null;`);
  }

}
