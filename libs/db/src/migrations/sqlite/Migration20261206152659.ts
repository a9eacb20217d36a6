import { Migration } from '@mikro-orm/migrations';

export class Migration20261206152659 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`drift_check\` (\`id\` integer not null primary key autoincrement, \`model_name\` text not null, \`model_version\` text not null, \`day\` date not null, \`series\` integer not null, \`samples\` integer not null, \`psi\` double not null, \`threshold\` double not null, \`top_features\` json not null, \`decision\` text check (\`decision\` in ('stable', 'too_few_samples', 'off', 'notified', 'retrain_started', 'retrain_running')) not null, \`reason\` text not null, \`retrain_workflow_id\` text null, \`job_id\` text null, \`checked_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_drift_check_model_day\` on \`drift_check\` (\`model_name\`, \`model_version\`, \`day\`);`);

    this.addSql(`create table \`model_drift\` (\`id\` integer not null primary key autoincrement, \`model_name\` text not null, \`model_version\` text not null, \`series_kind\` text check (\`series_kind\` in ('capture_stream', 'lot')) not null, \`series_key\` text not null, \`day\` date not null, \`samples\` integer not null, \`counts\` json not null, \`psi\` double not null, \`top_features\` json not null, \`job_id\` text null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`ix_model_drift_model_day\` on \`model_drift\` (\`model_name\`, \`day\`);`);
    this.addSql(`create unique index \`uq_model_drift_series_day\` on \`model_drift\` (\`model_name\`, \`model_version\`, \`series_kind\`, \`series_key\`, \`day\`);`);
  }

}
