import { Migration } from '@mikro-orm/migrations';

export class Migration20261205230654 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`sweep_watermark\` (\`id\` integer not null primary key autoincrement, \`series_kind\` text check (\`series_kind\` in ('capture_stream', 'lot')) not null, \`series_key\` text not null, \`model_name\` text not null, \`position\` bigint not null, \`data_until\` datetime null, \`model_version\` text null, \`job_id\` text null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_sweep_watermark_series\` on \`sweep_watermark\` (\`series_kind\`, \`series_key\`, \`model_name\`);`);

    // SQLite cannot change a column's CHECK or nullability: the anomaly table is rebuilt (method gains 'ensemble',
    // model_version becomes part of the natural key and so not null).
    this.addSql(`create table \`anomaly_new\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`lot_id\` integer null, \`detected_at\` datetime not null, \`method\` text check (\`method\` in ('zscore', 'isolation_forest', 'ensemble')) not null, \`score\` double not null, \`severity\` text check (\`severity\` in ('low', 'medium', 'high', 'critical')) not null, \`top_tags\` json null, \`model_version\` text not null default '', \`job_id\` text null, \`acknowledged_by\` text null, \`acknowledged_at\` datetime null, \`note\` text null, \`window_start\` datetime null, \`window_end\` datetime null);`);
    this.addSql(`insert into \`anomaly_new\` (\`id\`, \`equipment_id\`, \`lot_id\`, \`detected_at\`, \`method\`, \`score\`, \`severity\`, \`top_tags\`, \`model_version\`, \`job_id\`, \`acknowledged_by\`, \`acknowledged_at\`, \`note\`) select \`id\`, \`equipment_id\`, \`lot_id\`, \`detected_at\`, \`method\`, \`score\`, \`severity\`, \`top_tags\`, coalesce(\`model_version\`, ''), \`job_id\`, \`acknowledged_by\`, \`acknowledged_at\`, \`note\` from \`anomaly\`;`);
    this.addSql(`drop table \`anomaly\`;`);
    this.addSql(`alter table \`anomaly_new\` rename to \`anomaly\`;`);
    this.addSql(`create index \`ix_anomaly_lot_time\` on \`anomaly\` (\`lot_id\`, \`detected_at\`);`);
    this.addSql(`create index \`ix_anomaly_time\` on \`anomaly\` (\`detected_at\`);`);
    this.addSql(`create unique index \`uq_anomaly_point\` on \`anomaly\` (\`equipment_id\`, \`lot_id\`, \`method\`, \`detected_at\`, \`model_version\`);`);

    this.addSql(`alter table \`kpi_equipment_daily\` add column \`captures_diagnosed\` integer not null default 0;`);
    this.addSql(`alter table \`kpi_equipment_daily\` add column \`mean_confidence\` double null;`);
    this.addSql(`alter table \`kpi_equipment_daily\` add column \`mttr_hours\` double null;`);

    this.addSql(`alter table \`kpi_lot\` add column \`mean_fault_probability\` double null;`);
    this.addSql(`alter table \`kpi_lot\` add column \`first_alarm_at\` datetime null;`);

    this.addSql(`drop index \`uq_prediction_point\`;`);

    this.addSql(`create unique index \`uq_prediction_point\` on \`prediction\` (\`equipment_id\`, \`lot_id\`, \`tag\`, \`predicted_at\`, \`horizon_minutes\`, \`model_version\`);`);

    this.addSql(`drop index \`uq_vibration_diagnosis_window\`;`);
    // Posted diagnoses without a version get the empty one the natural key uses (the column stays nullable here).
    this.addSql(`update \`vibration_diagnosis\` set \`model_version\` = '' where \`model_version\` is null;`);

    this.addSql(`alter table \`vibration_diagnosis\` add column \`level\` text check (\`level\` in ('window', 'capture')) not null default 'window';`);
    this.addSql(`alter table \`vibration_diagnosis\` add column \`capture_id\` bigint null;`);
    this.addSql(`create index \`ix_vibration_diagnosis_level_time\` on \`vibration_diagnosis\` (\`machine_name\`, \`level\`, \`detected_at\`);`);
    this.addSql(`create index \`ix_vibration_diagnosis_capture\` on \`vibration_diagnosis\` (\`capture_id\`, \`level\`);`);
    this.addSql(`create unique index \`uq_vibration_diagnosis_window\` on \`vibration_diagnosis\` (\`machine_name\`, \`detected_at\`, \`sensor_no\`, \`level\`, \`model_version\`);`);
  }

}
