import { Migration } from '@mikro-orm/migrations';

export class Migration20261122024835 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`ingest_chunk\` (\`id\` int unsigned not null auto_increment primary key, \`ingest_id\` int not null, \`chunk_no\` int not null, \`byte_start\` bigint not null, \`byte_end\` bigint not null, \`rows_read\` int not null, \`rows_inserted\` int not null, \`rows_duplicate\` int not null, \`rows_rejected\` int not null, \`committed_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ingest_chunk\` add unique \`uq_ingest_chunk_no\`(\`ingest_id\`, \`chunk_no\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`ingest_chunk\`;`);
  }

}
