import { Migration } from '@mikro-orm/migrations';

export class Migration20261205230654 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`sweep_watermark\` (\`id\` int unsigned not null auto_increment primary key, \`series_kind\` enum('capture_stream', 'lot') not null, \`series_key\` varchar(100) not null, \`model_name\` varchar(64) not null, \`position\` bigint not null, \`data_until\` datetime(3) null, \`model_version\` varchar(64) null, \`job_id\` varchar(255) null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sweep_watermark\` add unique \`uq_sweep_watermark_series\`(\`series_kind\`, \`series_key\`, \`model_name\`);`);

    this.addSql(`alter table \`anomaly\` drop index \`uq_anomaly_point\`;`);

    this.addSql(`alter table \`anomaly\` add \`window_start\` datetime(3) null, add \`window_end\` datetime(3) null;`);
    this.addSql(`update \`anomaly\` set \`model_version\` = '' where \`model_version\` is null;`);
    this.addSql(`alter table \`anomaly\` modify \`method\` enum('zscore', 'isolation_forest', 'ensemble') not null, modify \`model_version\` varchar(64) not null default '';`);
    this.addSql(`alter table \`anomaly\` add unique \`uq_anomaly_point\`(\`equipment_id\`, \`lot_id\`, \`method\`, \`detected_at\`, \`model_version\`);`);

    this.addSql(`alter table \`kpi_equipment_daily\` add \`captures_diagnosed\` int not null default 0, add \`mean_confidence\` double null, add \`mttr_hours\` double null;`);

    this.addSql(`alter table \`kpi_lot\` add \`mean_fault_probability\` double null, add \`first_alarm_at\` datetime(3) null;`);

    this.addSql(`alter table \`prediction\` drop index \`uq_prediction_point\`;`);

    this.addSql(`alter table \`prediction\` add unique \`uq_prediction_point\`(\`equipment_id\`, \`lot_id\`, \`tag\`, \`predicted_at\`, \`horizon_minutes\`, \`model_version\`);`);

    this.addSql(`alter table \`vibration_diagnosis\` drop index \`uq_vibration_diagnosis_window\`;`);

    this.addSql(`alter table \`vibration_diagnosis\` add \`level\` enum('window', 'capture') not null default 'window', add \`capture_id\` bigint null;`);
    this.addSql(`update \`vibration_diagnosis\` set \`model_version\` = '' where \`model_version\` is null;`);
    this.addSql(`alter table \`vibration_diagnosis\` modify \`model_version\` varchar(64) not null default '';`);
    this.addSql(`alter table \`vibration_diagnosis\` add index \`ix_vibration_diagnosis_level_time\`(\`machine_name\`, \`level\`, \`detected_at\`);`);
    this.addSql(`alter table \`vibration_diagnosis\` add index \`ix_vibration_diagnosis_capture\`(\`capture_id\`, \`level\`);`);
    this.addSql(`alter table \`vibration_diagnosis\` add unique \`uq_vibration_diagnosis_window\`(\`machine_name\`, \`detected_at\`, \`sensor_no\`, \`level\`, \`model_version\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`sweep_watermark\`;`);

    this.addSql(`alter table \`anomaly\` drop index \`uq_anomaly_point\`;`);
    this.addSql(`alter table \`anomaly\` drop column \`window_start\`, drop column \`window_end\`;`);

    this.addSql(`alter table \`anomaly\` modify \`method\` enum('zscore', 'isolation_forest') not null, modify \`model_version\` varchar(64) null;`);
    this.addSql(`alter table \`anomaly\` add unique \`uq_anomaly_point\`(\`equipment_id\`, \`method\`, \`detected_at\`);`);

    this.addSql(`alter table \`kpi_equipment_daily\` drop column \`captures_diagnosed\`, drop column \`mean_confidence\`, drop column \`mttr_hours\`;`);

    this.addSql(`alter table \`kpi_lot\` drop column \`mean_fault_probability\`, drop column \`first_alarm_at\`;`);

    this.addSql(`alter table \`prediction\` drop index \`uq_prediction_point\`;`);

    this.addSql(`alter table \`prediction\` add unique \`uq_prediction_point\`(\`equipment_id\`, \`tag\`, \`predicted_at\`, \`horizon_minutes\`);`);

    this.addSql(`alter table \`vibration_diagnosis\` drop index \`ix_vibration_diagnosis_level_time\`;`);
    this.addSql(`alter table \`vibration_diagnosis\` drop index \`ix_vibration_diagnosis_capture\`;`);
    this.addSql(`alter table \`vibration_diagnosis\` drop index \`uq_vibration_diagnosis_window\`;`);
    this.addSql(`alter table \`vibration_diagnosis\` drop column \`level\`, drop column \`capture_id\`;`);

    this.addSql(`alter table \`vibration_diagnosis\` modify \`model_version\` varchar(64) null;`);
    this.addSql(`alter table \`vibration_diagnosis\` add unique \`uq_vibration_diagnosis_window\`(\`machine_name\`, \`detected_at\`, \`sensor_no\`);`);
  }

}
