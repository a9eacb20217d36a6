import { Migration } from '@mikro-orm/migrations';

export class Migration20261122024835 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`ingest_chunk\` (\`id\` integer not null primary key autoincrement, \`ingest_id\` integer not null, \`chunk_no\` integer not null, \`byte_start\` bigint not null, \`byte_end\` bigint not null, \`rows_read\` integer not null, \`rows_inserted\` integer not null, \`rows_duplicate\` integer not null, \`rows_rejected\` integer not null, \`committed_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_ingest_chunk_no\` on \`ingest_chunk\` (\`ingest_id\`, \`chunk_no\`);`);
  }

}
