import { Injectable } from '@nestjs/common';
import { assertGroupedReadFits, VibrationDiagnosisRepository, type DiagnosisDraft } from '@him/db';
import type { BulkInsertResponseDto } from './bulk-rows.pipe';
import {
  mapVibrationDiagnosis,
  type VibrationDiagnosisBulkRowDto,
  type VibrationDiagnosisCreateDto,
  type VibrationDiagnosisCreatedResponseDto,
  type VibrationDiagnosisGroupedRecentDto,
  type VibrationDiagnosisResponseDto,
  type VibrationDiagnosisSearchDto,
} from './vibration-diagnosis.dto';

function toDraft(dto: VibrationDiagnosisBulkRowDto): DiagnosisDraft {
  return {
    machineName: dto.machine_name,
    // Stored as '' rather than NULL: the unique key must treat two machine-level diagnoses as the same one.
    sensorNo: dto.sensor_no ?? '',
    detectedAt: dto.detected_at,
    faultType: dto.fault_type,
    windowStart: dto.window_start,
    windowEnd: dto.window_end,
    confidence: dto.confidence,
    probabilities: dto.probabilities,
    modelVersion: dto.model_version,
  };
}

@Injectable()
export class VibrationDiagnosisService {
  constructor(private readonly diagnoses: VibrationDiagnosisRepository) {}

  /** The newest matching diagnoses of all machines, or of one. */
  async list(q: VibrationDiagnosisSearchDto): Promise<VibrationDiagnosisResponseDto[]> {
    const machines = q.machine_name !== undefined ? [q.machine_name] : await this.diagnoses.findMachines();
    assertGroupedReadFits(machines.length, undefined, 'filter by machine_name');
    const rows = await this.diagnoses.findNewest(machines, { sensorNo: q.sensor_no, faultType: q.fault_type, from: q.from, to: q.to }, q.limit);
    return rows.map(mapVibrationDiagnosis);
  }

  /** Stores one diagnosis unless (machine_name, detected_at, sensor_no, model_version) is taken; either way answers with the stored row. */
  async create(dto: VibrationDiagnosisCreateDto): Promise<VibrationDiagnosisCreatedResponseDto> {
    const draft = toDraft({ ...dto, detected_at: dto.detected_at ?? new Date() });
    const created = (await this.diagnoses.insertIgnore([draft])) === 1;
    const { machineName, detectedAt, sensorNo, modelVersion } = draft;
    const stored = await this.diagnoses.findByKey({ machineName, detectedAt, sensorNo, modelVersion });
    if (!stored) throw new Error(`diagnosis ${machineName}/${sensorNo}/${detectedAt.toISOString()} vanished after its insert`);
    return { ...mapVibrationDiagnosis(stored), created };
  }

  async createMany(dtos: VibrationDiagnosisBulkRowDto[]): Promise<BulkInsertResponseDto> {
    const inserted = await this.diagnoses.insertIgnore(dtos.map(toDraft));
    return { received: dtos.length, inserted, duplicate: dtos.length - inserted };
  }

  /** Each machine's `limit` newest diagnoses, machines in name order, newest first within one. */
  async groupedRecent(q: VibrationDiagnosisGroupedRecentDto): Promise<VibrationDiagnosisResponseDto[]> {
    const machines = await this.diagnoses.findMachines();
    assertGroupedReadFits(machines.length, q.limit);
    const rows = await this.diagnoses.findNewestPerMachine(machines, q.limit);
    return rows.map(mapVibrationDiagnosis);
  }
}
