import { Migration } from '@mikro-orm/migrations';

export class Migration20261206152659 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`drift_check\` (\`id\` int unsigned not null auto_increment primary key, \`model_name\` varchar(64) not null, \`model_version\` varchar(64) not null, \`day\` date not null, \`series\` int not null, \`samples\` int not null, \`psi\` double not null, \`threshold\` double not null, \`top_features\` json not null, \`decision\` enum('stable', 'too_few_samples', 'off', 'notified', 'retrain_started', 'retrain_running') not null, \`reason\` text not null, \`retrain_workflow_id\` varchar(255) null, \`job_id\` varchar(255) null, \`checked_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`drift_check\` add unique \`uq_drift_check_model_day\`(\`model_name\`, \`model_version\`, \`day\`);`);

    this.addSql(`create table \`model_drift\` (\`id\` int unsigned not null auto_increment primary key, \`model_name\` varchar(64) not null, \`model_version\` varchar(64) not null, \`series_kind\` enum('capture_stream', 'lot') not null, \`series_key\` varchar(100) not null, \`day\` date not null, \`samples\` int not null, \`counts\` json not null, \`psi\` double not null, \`top_features\` json not null, \`job_id\` varchar(255) null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`model_drift\` add index \`ix_model_drift_model_day\`(\`model_name\`, \`day\`);`);
    this.addSql(`alter table \`model_drift\` add unique \`uq_model_drift_series_day\`(\`model_name\`, \`model_version\`, \`series_kind\`, \`series_key\`, \`day\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`drift_check\`;`);

    this.addSql(`drop table if exists \`model_drift\`;`);
  }

}
