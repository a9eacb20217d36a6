import { Migration } from '@mikro-orm/migrations';

export class Migration20261122022816 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`anomaly\` (\`id\` bigint unsigned not null auto_increment primary key, \`equipment_id\` int not null, \`lot_id\` int null, \`detected_at\` datetime(3) not null, \`method\` enum('zscore', 'isolation_forest') not null, \`score\` double not null, \`severity\` enum('low', 'medium', 'high', 'critical') not null, \`top_tags\` json null, \`model_version\` varchar(64) null, \`job_id\` varchar(255) null, \`acknowledged_by\` varchar(100) null, \`acknowledged_at\` datetime(3) null, \`note\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`anomaly\` add index \`ix_anomaly_time\`(\`detected_at\`);`);
    this.addSql(`alter table \`anomaly\` add index \`ix_anomaly_lot_time\`(\`lot_id\`, \`detected_at\`);`);
    this.addSql(`alter table \`anomaly\` add unique \`uq_anomaly_point\`(\`equipment_id\`, \`method\`, \`detected_at\`);`);

    this.addSql(`create table \`api_key\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(100) not null, \`prefix\` varchar(16) not null, \`key_hash\` varchar(64) not null, \`role\` enum('viewer', 'operator', 'admin') not null, \`created_at\` datetime(3) not null, \`last_used_at\` datetime(3) null, \`revoked_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`api_key\` add unique \`uq_api_key_hash\`(\`key_hash\`);`);

    this.addSql(`create table \`audit_log\` (\`id\` bigint unsigned not null auto_increment primary key, \`at\` datetime(3) not null, \`api_key_id\` int null, \`actor\` varchar(100) null, \`role\` varchar(16) null, \`method\` varchar(10) not null, \`path\` varchar(500) not null, \`status_code\` smallint not null, \`ip\` varchar(64) null, \`request_id\` varchar(64) null, \`duration_ms\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_log\` add index \`ix_audit_log_key\`(\`api_key_id\`, \`at\`);`);
    this.addSql(`alter table \`audit_log\` add index \`ix_audit_log_at\`(\`at\`);`);

    this.addSql(`create table \`capture\` (\`id\` bigint unsigned not null auto_increment primary key, \`machine_name\` varchar(50) not null, \`sensor_no\` varchar(20) not null, \`captured_at\` datetime(3) not null, \`sampling_rate_hz\` double null, \`sample_count\` int not null default 0, \`ingest_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`capture\` add index \`ix_capture_captured_at\`(\`captured_at\`);`);
    this.addSql(`alter table \`capture\` add unique \`uq_capture_series_time\`(\`machine_name\`, \`sensor_no\`, \`captured_at\`);`);

    this.addSql(`create table \`capture_sample\` (\`capture_id\` bigint unsigned not null, \`measured_time\` double unsigned not null, \`value\` double not null, primary key (\`capture_id\`, \`measured_time\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`equipment\` (\`id\` int unsigned not null auto_increment primary key, \`code\` varchar(50) not null, \`name\` varchar(100) not null, \`kind\` enum('rotating_machine', 'process') not null, \`location\` varchar(100) null, \`installed_at\` date null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`equipment\` add unique \`uq_equipment_code\`(\`code\`);`);

    this.addSql(`create table \`ingest\` (\`id\` int unsigned not null auto_increment primary key, \`checksum\` varchar(64) not null, \`file_name\` varchar(255) not null, \`kind\` enum('vibration', 'capture', 'tep') not null, \`bytes\` bigint not null, \`status\` enum('running', 'succeeded', 'rejected', 'failed') not null default 'running', \`rows_read\` int not null default 0, \`rows_inserted\` int not null default 0, \`rows_duplicate\` int not null default 0, \`rows_rejected\` int not null default 0, \`params\` json null, \`error\` text null, \`workflow_id\` varchar(255) not null, \`started_at\` datetime(3) not null, \`finished_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ingest\` add index \`ix_ingest_started\`(\`started_at\`);`);
    this.addSql(`alter table \`ingest\` add unique \`uq_ingest_checksum\`(\`checksum\`);`);

    this.addSql(`create table \`ingest_rejection\` (\`id\` int unsigned not null auto_increment primary key, \`ingest_id\` int not null, \`line_no\` int not null, \`reason\` varchar(255) not null, \`excerpt\` varchar(255) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ingest_rejection\` add unique \`uq_ingest_rejection_line\`(\`ingest_id\`, \`line_no\`);`);

    this.addSql(`create table \`kpi_equipment_daily\` (\`id\` int unsigned not null auto_increment primary key, \`equipment_id\` int not null, \`day\` date not null, \`windows_diagnosed\` int not null default 0, \`count_normal\` int not null default 0, \`count_unbalance\` int not null default 0, \`count_looseness\` int not null default 0, \`count_unbalance_looseness\` int not null default 0, \`fault_rate\` double not null default 0, \`health_score\` double null, \`fault_episodes\` int not null default 0, \`mtbf_hours\` double null, \`anomalies_low\` int not null default 0, \`anomalies_medium\` int not null default 0, \`anomalies_high\` int not null default 0, \`anomalies_critical\` int not null default 0, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`kpi_equipment_daily\` add unique \`uq_kpi_equipment_day\`(\`equipment_id\`, \`day\`);`);

    this.addSql(`create table \`kpi_lot\` (\`id\` int unsigned not null auto_increment primary key, \`lot_id\` int not null, \`samples\` int not null default 0, \`anomaly_count\` int not null default 0, \`anomaly_rate\` double not null default 0, \`yield\` double null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`kpi_lot\` add unique \`uq_kpi_lot_lot\`(\`lot_id\`);`);

    this.addSql(`create table \`lot\` (\`id\` int unsigned not null auto_increment primary key, \`code\` varchar(64) not null, \`equipment_id\` int unsigned not null, \`started_at\` datetime(3) not null, \`ended_at\` datetime(3) null, \`status\` enum('open', 'closed') not null default 'open', \`fault_label\` int null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`lot\` add unique \`uq_lot_code\`(\`code\`);`);
    this.addSql(`alter table \`lot\` add index \`lot_equipment_id_index\`(\`equipment_id\`);`);

    this.addSql(`create table \`model_version\` (\`id\` int unsigned not null auto_increment primary key, \`name\` varchar(64) not null, \`version\` int not null, \`checksum\` varchar(64) not null, \`file_path\` varchar(500) not null, \`metrics\` json null, \`training_window\` json null, \`status\` enum('candidate', 'active', 'retired') not null default 'candidate', \`created_by\` varchar(100) null, \`created_at\` datetime(3) not null, \`promoted_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`model_version\` add unique \`uq_model_version\`(\`name\`, \`version\`);`);

    this.addSql(`create table \`prediction\` (\`id\` bigint unsigned not null auto_increment primary key, \`equipment_id\` int not null, \`lot_id\` int null, \`job_id\` varchar(255) null, \`tag\` varchar(32) not null, \`predicted_at\` datetime(3) not null, \`horizon_minutes\` int not null, \`probability\` double not null, \`predicted_value\` double null, \`model_version\` varchar(64) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`prediction\` add index \`ix_prediction_job\`(\`job_id\`);`);
    this.addSql(`alter table \`prediction\` add index \`ix_prediction_lot_time\`(\`lot_id\`, \`predicted_at\`);`);
    this.addSql(`alter table \`prediction\` add unique \`uq_prediction_point\`(\`equipment_id\`, \`tag\`, \`predicted_at\`, \`horizon_minutes\`);`);

    this.addSql(`create table \`process_value\` (\`id\` bigint unsigned not null auto_increment primary key, \`equipment_id\` int not null, \`lot_id\` int not null, \`tag\` varchar(32) not null, \`measured_at\` datetime(3) not null, \`value\` double not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`process_value\` add index \`ix_process_value_equipment_tag_time\`(\`equipment_id\`, \`tag\`, \`measured_at\`);`);
    this.addSql(`alter table \`process_value\` add unique \`uq_process_value_lot_tag_time\`(\`lot_id\`, \`tag\`, \`measured_at\`);`);

    this.addSql(`create table \`report\` (\`id\` int unsigned not null auto_increment primary key, \`title\` varchar(100) not null, \`status\` enum('pending', 'running', 'ready', 'failed') not null default 'pending', \`period_from\` date not null, \`period_to\` date not null, \`params\` json not null, \`files\` json null, \`data_window\` json null, \`model_versions\` json null, \`workflow_id\` varchar(255) null, \`error\` text null, \`created_by\` varchar(100) null, \`created_at\` datetime(3) not null, \`finished_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`report\` add index \`ix_report_created\`(\`created_at\`);`);

    this.addSql(`create table \`sensor\` (\`id\` int unsigned not null auto_increment primary key, \`equipment_id\` int unsigned not null, \`sensor_no\` varchar(20) not null, \`sampling_rate_hz\` double null, \`unit\` varchar(20) null, \`description\` varchar(255) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sensor\` add index \`sensor_equipment_id_index\`(\`equipment_id\`);`);
    this.addSql(`alter table \`sensor\` add unique \`uq_sensor_equipment_no\`(\`equipment_id\`, \`sensor_no\`);`);

    this.addSql(`create table \`vibration_data\` (\`id\` bigint unsigned not null auto_increment primary key, \`machine_name\` varchar(50) not null, \`sensor_no\` varchar(20) not null, \`collected_at\` datetime(3) not null, \`measured_time\` double not null, \`normal\` double not null, \`unbalance\` double not null, \`looseness\` double not null, \`unbalance_looseness\` double not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`vibration_data\` add index \`ix_vibration_data_series_time\`(\`machine_name\`, \`sensor_no\`, \`measured_time\`);`);
    this.addSql(`alter table \`vibration_data\` add unique \`uq_vibration_data_sample\`(\`machine_name\`, \`sensor_no\`, \`collected_at\`, \`measured_time\`);`);

    this.addSql(`create table \`vibration_diagnosis\` (\`id\` bigint unsigned not null auto_increment primary key, \`machine_name\` varchar(50) not null, \`sensor_no\` varchar(20) not null default '', \`detected_at\` datetime(3) not null, \`fault_type\` tinyint not null, \`window_start\` datetime(3) null, \`window_end\` datetime(3) null, \`confidence\` double null, \`probabilities\` json null, \`model_version\` varchar(64) null, \`job_id\` varchar(255) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`vibration_diagnosis\` add index \`ix_vibration_diagnosis_job\`(\`job_id\`);`);
    this.addSql(`alter table \`vibration_diagnosis\` add unique \`uq_vibration_diagnosis_window\`(\`machine_name\`, \`detected_at\`, \`sensor_no\`);`);

    this.addSql(`alter table \`lot\` add constraint \`lot_equipment_id_foreign\` foreign key (\`equipment_id\`) references \`equipment\` (\`id\`) on update cascade;`);

    this.addSql(`alter table \`sensor\` add constraint \`sensor_equipment_id_foreign\` foreign key (\`equipment_id\`) references \`equipment\` (\`id\`) on update cascade on delete cascade;`);
  }

}
