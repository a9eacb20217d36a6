import { Migration } from '@mikro-orm/migrations';

export class Migration20261122022816 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`anomaly\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`lot_id\` integer null, \`detected_at\` datetime not null, \`method\` text check (\`method\` in ('zscore', 'isolation_forest')) not null, \`score\` double not null, \`severity\` text check (\`severity\` in ('low', 'medium', 'high', 'critical')) not null, \`top_tags\` json null, \`model_version\` text null, \`job_id\` text null, \`acknowledged_by\` text null, \`acknowledged_at\` datetime null, \`note\` text null);`);
    this.addSql(`create index \`ix_anomaly_time\` on \`anomaly\` (\`detected_at\`);`);
    this.addSql(`create index \`ix_anomaly_lot_time\` on \`anomaly\` (\`lot_id\`, \`detected_at\`);`);
    this.addSql(`create unique index \`uq_anomaly_point\` on \`anomaly\` (\`equipment_id\`, \`method\`, \`detected_at\`);`);

    this.addSql(`create table \`api_key\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`prefix\` text not null, \`key_hash\` text not null, \`role\` text check (\`role\` in ('viewer', 'operator', 'admin')) not null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`revoked_at\` datetime null);`);
    this.addSql(`create unique index \`uq_api_key_hash\` on \`api_key\` (\`key_hash\`);`);

    this.addSql(`create table \`audit_log\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`api_key_id\` integer null, \`actor\` text null, \`role\` text null, \`method\` text not null, \`path\` text not null, \`status_code\` integer not null, \`ip\` text null, \`request_id\` text null, \`duration_ms\` integer null);`);
    this.addSql(`create index \`ix_audit_log_key\` on \`audit_log\` (\`api_key_id\`, \`at\`);`);
    this.addSql(`create index \`ix_audit_log_at\` on \`audit_log\` (\`at\`);`);

    this.addSql(`create table \`capture\` (\`id\` integer not null primary key autoincrement, \`machine_name\` text not null, \`sensor_no\` text not null, \`captured_at\` datetime not null, \`sampling_rate_hz\` double null, \`sample_count\` integer not null default 0, \`ingest_id\` integer null);`);
    this.addSql(`create index \`ix_capture_captured_at\` on \`capture\` (\`captured_at\`);`);
    this.addSql(`create unique index \`uq_capture_series_time\` on \`capture\` (\`machine_name\`, \`sensor_no\`, \`captured_at\`);`);

    this.addSql(`create table \`capture_sample\` (\`capture_id\` bigint not null, \`measured_time\` double not null, \`value\` double not null, primary key (\`capture_id\`, \`measured_time\`));`);

    this.addSql(`create table \`equipment\` (\`id\` integer not null primary key autoincrement, \`code\` text not null, \`name\` text not null, \`kind\` text check (\`kind\` in ('rotating_machine', 'process')) not null, \`location\` text null, \`installed_at\` date null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_equipment_code\` on \`equipment\` (\`code\`);`);

    this.addSql(`create table \`ingest\` (\`id\` integer not null primary key autoincrement, \`checksum\` text not null, \`file_name\` text not null, \`kind\` text check (\`kind\` in ('vibration', 'capture', 'tep')) not null, \`bytes\` bigint not null, \`status\` text check (\`status\` in ('running', 'succeeded', 'rejected', 'failed')) not null default 'running', \`rows_read\` integer not null default 0, \`rows_inserted\` integer not null default 0, \`rows_duplicate\` integer not null default 0, \`rows_rejected\` integer not null default 0, \`params\` json null, \`error\` text null, \`workflow_id\` text not null, \`started_at\` datetime not null, \`finished_at\` datetime null);`);
    this.addSql(`create index \`ix_ingest_started\` on \`ingest\` (\`started_at\`);`);
    this.addSql(`create unique index \`uq_ingest_checksum\` on \`ingest\` (\`checksum\`);`);

    this.addSql(`create table \`ingest_rejection\` (\`id\` integer not null primary key autoincrement, \`ingest_id\` integer not null, \`line_no\` integer not null, \`reason\` text not null, \`excerpt\` text null);`);
    this.addSql(`create unique index \`uq_ingest_rejection_line\` on \`ingest_rejection\` (\`ingest_id\`, \`line_no\`);`);

    this.addSql(`create table \`kpi_equipment_daily\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`day\` date not null, \`windows_diagnosed\` integer not null default 0, \`count_normal\` integer not null default 0, \`count_unbalance\` integer not null default 0, \`count_looseness\` integer not null default 0, \`count_unbalance_looseness\` integer not null default 0, \`fault_rate\` double not null default 0, \`health_score\` double null, \`fault_episodes\` integer not null default 0, \`mtbf_hours\` double null, \`anomalies_low\` integer not null default 0, \`anomalies_medium\` integer not null default 0, \`anomalies_high\` integer not null default 0, \`anomalies_critical\` integer not null default 0, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_kpi_equipment_day\` on \`kpi_equipment_daily\` (\`equipment_id\`, \`day\`);`);

    this.addSql(`create table \`kpi_lot\` (\`id\` integer not null primary key autoincrement, \`lot_id\` integer not null, \`samples\` integer not null default 0, \`anomaly_count\` integer not null default 0, \`anomaly_rate\` double not null default 0, \`yield\` double null, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`uq_kpi_lot_lot\` on \`kpi_lot\` (\`lot_id\`);`);

    this.addSql(`create table \`lot\` (\`id\` integer not null primary key autoincrement, \`code\` text not null, \`equipment_id\` integer not null, \`started_at\` datetime not null, \`ended_at\` datetime null, \`status\` text check (\`status\` in ('open', 'closed')) not null default 'open', \`fault_label\` integer null, \`created_at\` datetime not null, constraint \`lot_equipment_id_foreign\` foreign key(\`equipment_id\`) references \`equipment\`(\`id\`) on update cascade);`);
    this.addSql(`create unique index \`uq_lot_code\` on \`lot\` (\`code\`);`);
    this.addSql(`create index \`lot_equipment_id_index\` on \`lot\` (\`equipment_id\`);`);

    this.addSql(`create table \`model_version\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`version\` integer not null, \`checksum\` text not null, \`file_path\` text not null, \`metrics\` json null, \`training_window\` json null, \`status\` text check (\`status\` in ('candidate', 'active', 'retired')) not null default 'candidate', \`created_by\` text null, \`created_at\` datetime not null, \`promoted_at\` datetime null);`);
    this.addSql(`create unique index \`uq_model_version\` on \`model_version\` (\`name\`, \`version\`);`);

    this.addSql(`create table \`prediction\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`lot_id\` integer null, \`job_id\` text null, \`tag\` text not null, \`predicted_at\` datetime not null, \`horizon_minutes\` integer not null, \`probability\` double not null, \`predicted_value\` double null, \`model_version\` text not null);`);
    this.addSql(`create index \`ix_prediction_job\` on \`prediction\` (\`job_id\`);`);
    this.addSql(`create index \`ix_prediction_lot_time\` on \`prediction\` (\`lot_id\`, \`predicted_at\`);`);
    this.addSql(`create unique index \`uq_prediction_point\` on \`prediction\` (\`equipment_id\`, \`tag\`, \`predicted_at\`, \`horizon_minutes\`);`);

    this.addSql(`create table \`process_value\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`lot_id\` integer not null, \`tag\` text not null, \`measured_at\` datetime not null, \`value\` double not null);`);
    this.addSql(`create index \`ix_process_value_equipment_tag_time\` on \`process_value\` (\`equipment_id\`, \`tag\`, \`measured_at\`);`);
    this.addSql(`create unique index \`uq_process_value_lot_tag_time\` on \`process_value\` (\`lot_id\`, \`tag\`, \`measured_at\`);`);

    this.addSql(`create table \`report\` (\`id\` integer not null primary key autoincrement, \`title\` text not null, \`status\` text check (\`status\` in ('pending', 'running', 'ready', 'failed')) not null default 'pending', \`period_from\` date not null, \`period_to\` date not null, \`params\` json not null, \`files\` json null, \`data_window\` json null, \`model_versions\` json null, \`workflow_id\` text null, \`error\` text null, \`created_by\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null);`);
    this.addSql(`create index \`ix_report_created\` on \`report\` (\`created_at\`);`);

    this.addSql(`create table \`sensor\` (\`id\` integer not null primary key autoincrement, \`equipment_id\` integer not null, \`sensor_no\` text not null, \`sampling_rate_hz\` double null, \`unit\` text null, \`description\` text null, constraint \`sensor_equipment_id_foreign\` foreign key(\`equipment_id\`) references \`equipment\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`sensor_equipment_id_index\` on \`sensor\` (\`equipment_id\`);`);
    this.addSql(`create unique index \`uq_sensor_equipment_no\` on \`sensor\` (\`equipment_id\`, \`sensor_no\`);`);

    this.addSql(`create table \`vibration_data\` (\`id\` integer not null primary key autoincrement, \`machine_name\` text not null, \`sensor_no\` text not null, \`collected_at\` datetime not null, \`measured_time\` double not null, \`normal\` double not null, \`unbalance\` double not null, \`looseness\` double not null, \`unbalance_looseness\` double not null);`);
    this.addSql(`create index \`ix_vibration_data_series_time\` on \`vibration_data\` (\`machine_name\`, \`sensor_no\`, \`measured_time\`);`);
    this.addSql(`create unique index \`uq_vibration_data_sample\` on \`vibration_data\` (\`machine_name\`, \`sensor_no\`, \`collected_at\`, \`measured_time\`);`);

    this.addSql(`create table \`vibration_diagnosis\` (\`id\` integer not null primary key autoincrement, \`machine_name\` text not null, \`sensor_no\` text not null default '', \`detected_at\` datetime not null, \`fault_type\` integer not null, \`window_start\` datetime null, \`window_end\` datetime null, \`confidence\` double null, \`probabilities\` json null, \`model_version\` text null, \`job_id\` text null);`);
    this.addSql(`create index \`ix_vibration_diagnosis_job\` on \`vibration_diagnosis\` (\`job_id\`);`);
    this.addSql(`create unique index \`uq_vibration_diagnosis_window\` on \`vibration_diagnosis\` (\`machine_name\`, \`detected_at\`, \`sensor_no\`);`);
  }

}
