import { Anomaly } from './anomaly.entity';
import { ApiKey } from './api-key.entity';
import { AuditLog } from './audit-log.entity';
import { Capture } from './capture.entity';
import { CaptureSample } from './capture-sample.entity';
import { Equipment } from './equipment.entity';
import { Ingest, IngestChunkEntry, IngestRejection } from './ingest.entity';
import { KpiEquipmentDaily, KpiLot } from './kpi.entity';
import { Lot } from './lot.entity';
import { DriftCheck, ModelDrift } from './model-drift.entity';
import { ModelVersion } from './model-version.entity';
import { Prediction } from './prediction.entity';
import { ProcessValue } from './process-value.entity';
import { Report } from './report.entity';
import { Sensor } from './sensor.entity';
import { SweepWatermark } from './sweep-watermark.entity';
import { VibrationData } from './vibration-data.entity';
import { VibrationDiagnosis } from './vibration-diagnosis.entity';

export * from './anomaly.entity';
export * from './api-key.entity';
export * from './audit-log.entity';
export * from './capture.entity';
export * from './capture-sample.entity';
export * from './equipment.entity';
export * from './ingest.entity';
export * from './kpi.entity';
export * from './lot.entity';
export * from './model-drift.entity';
export * from './model-version.entity';
export * from './prediction.entity';
export * from './process-value.entity';
export * from './report.entity';
export * from './sensor.entity';
export * from './sweep-watermark.entity';
export * from './vibration-data.entity';
export * from './vibration-diagnosis.entity';

export const ENTITIES = [
  VibrationData,
  VibrationDiagnosis,
  Equipment,
  Sensor,
  Lot,
  Capture,
  CaptureSample,
  ProcessValue,
  Anomaly,
  Prediction,
  KpiEquipmentDaily,
  KpiLot,
  Report,
  Ingest,
  IngestRejection,
  IngestChunkEntry,
  ModelVersion,
  ModelDrift,
  DriftCheck,
  SweepWatermark,
  ApiKey,
  AuditLog,
];
