import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { EquipmentKind, type DiagnosisRecord, type EquipmentRecord } from '@him/db';
import { Optional, PageLimit, PageOffset } from '../common/validation';
import { IsMachineName } from '../vibration/vibration.validation';
import { CaptureDiagnosisDto, mapCaptureDiagnosis } from './query.dto';

export class EquipmentSearchDto {
  @ApiPropertyOptional({ enum: EquipmentKind, example: EquipmentKind.RotatingMachine })
  @Optional()
  @IsEnum(EquipmentKind)
  kind?: EquipmentKind;

  @PageLimit()
  limit: number = 100;

  @PageOffset()
  offset: number = 0;
}

export class EquipmentNameParams {
  @ApiProperty({ example: 'g3', description: 'The machine name (or process unit code, e.g. TEP)' })
  @IsMachineName()
  name!: string;
}

export class SensorDto {
  @ApiProperty({ example: '1' }) sensor_no!: string;
  @ApiProperty({ example: 1351.4, nullable: true, type: Number, description: 'Nominal sampling rate, from its first capture' }) sampling_rate_hz!: number | null;
}

export class EquipmentDto {
  @ApiProperty({ example: 'g3', description: 'The name used everywhere in the API (machine_name for a machine)' }) name!: string;
  @ApiProperty({ example: 'Rotating machine g3' }) display_name!: string;
  @ApiProperty({ enum: EquipmentKind, example: EquipmentKind.RotatingMachine }) kind!: EquipmentKind;
  @ApiProperty({ type: [SensorDto], description: 'Vibration sensors of a machine; none for a process unit' }) sensors!: SensorDto[];
  @ApiProperty({ example: 0, description: 'Lots (production runs) of a process unit; 0 for a machine' }) lot_count!: number;
}

export class EquipmentPageDto {
  @ApiProperty({ type: [EquipmentDto] }) items!: EquipmentDto[];
  @ApiProperty({ example: 6, description: 'Equipment matching the filter, over all pages' }) total!: number;
}

export class SensorDetailDto extends SensorDto {
  @ApiProperty({ example: 180, description: 'Live captures stored for this sensor' }) capture_count!: number;
}

export class LatestDiagnosisDto extends CaptureDiagnosisDto {
  @ApiProperty({ example: '2026-11-05T03:00:02.000Z', format: 'date-time' }) detected_at!: string;
  @ApiProperty({ example: 1234, nullable: true, type: Number, description: 'The capture diagnosed' }) capture_id!: number | null;
  @ApiProperty({ example: '1' }) sensor_no!: string;
}

export class EquipmentHealthSummaryDto {
  @ApiProperty({ example: '2026-11-30', description: 'The latest day the KPI rollup scored' }) day!: string;
  @ApiProperty({ example: 23.4, description: 'Health score 0–100 of that day; the trend and what drove it: GET /equipment/{name}/health' }) health_score!: number;
}

export class EquipmentDetailDto extends EquipmentDto {
  @ApiProperty({ type: [SensorDetailDto] }) declare sensors: SensorDetailDto[];
  @ApiProperty({
    type: LatestDiagnosisDto,
    nullable: true,
    description: 'The newest capture-level diagnosis of any of its sensors (by capture time); null before the first sweep, and for a process unit',
  })
  latest_diagnosis!: LatestDiagnosisDto | null;
  @ApiProperty({ type: EquipmentHealthSummaryDto, nullable: true, description: 'The latest health score; null before the first KPI rollup, and for a process unit' })
  health!: EquipmentHealthSummaryDto | null;
}

export function mapEquipment(e: EquipmentRecord, lotCount: number): EquipmentDto {
  return {
    name: e.code,
    display_name: e.name,
    kind: e.kind,
    sensors: e.sensors.map((s) => ({ sensor_no: s.sensorNo, sampling_rate_hz: s.samplingRateHz ?? null })),
    lot_count: lotCount,
  };
}

export function mapLatestDiagnosis(d: DiagnosisRecord): LatestDiagnosisDto {
  return { ...mapCaptureDiagnosis(d), detected_at: d.detectedAt.toISOString(), capture_id: d.captureId ?? null, sensor_no: d.sensorNo };
}
