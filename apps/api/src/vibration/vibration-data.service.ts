import { Injectable } from '@nestjs/common';
import { assertGroupedReadFits, VibrationDataRepository, type VibrationSample } from '@him/db';
import type { BulkInsertResponseDto } from './bulk-rows.pipe';
import {
  mapVibrationData,
  type VibrationDataCreateDto,
  type VibrationDataCreatedResponseDto,
  type VibrationDataGroupedRangeDto,
  type VibrationDataResponseDto,
  type VibrationDataSearchDto,
} from './vibration-data.dto';

/** collected_at of samples posted without one, so their natural key is still deterministic. */
const UNDATED_RECORDING = new Date(0);

function toSample(dto: VibrationDataCreateDto): VibrationSample {
  return {
    machineName: dto.machine_name,
    sensorNo: dto.sensor_no,
    collectedAt: dto.collected_at ?? UNDATED_RECORDING,
    measuredTime: dto.measured_time,
    normal: dto.normal,
    unbalance: dto.unbalance,
    looseness: dto.looseness,
    unbalanceLooseness: dto.unbalance_looseness,
  };
}

@Injectable()
export class VibrationDataService {
  constructor(private readonly samples: VibrationDataRepository) {}

  /** The newest samples (latest recording, then latest measured_time) of the matching series. */
  async list(q: VibrationDataSearchDto): Promise<VibrationDataResponseDto[]> {
    const series = await this.samples.findSeries({ machineName: q.machine_name, sensorNo: q.sensor_no });
    assertGroupedReadFits(series.length, undefined, 'filter by machine_name or sensor_no');
    return (await this.samples.findNewest(series, q.collected_at, q.limit)).map(mapVibrationData);
  }

  /** Stores one sample unless its natural key is taken; either way answers with the stored row. */
  async create(dto: VibrationDataCreateDto): Promise<VibrationDataCreatedResponseDto> {
    const sample = toSample(dto);
    const created = (await this.samples.insertIgnore([sample])) === 1;
    const { machineName, sensorNo, collectedAt, measuredTime } = sample;
    const stored = await this.samples.findByKey({ machineName, sensorNo, collectedAt, measuredTime });
    if (!stored) throw new Error(`vibration sample ${machineName}/${sensorNo}/${collectedAt.toISOString()}/${measuredTime} vanished after its insert`);
    return { ...mapVibrationData(stored), created };
  }

  async createMany(dtos: VibrationDataCreateDto[]): Promise<BulkInsertResponseDto> {
    const inserted = await this.samples.insertIgnore(dtos.map(toSample));
    return { received: dtos.length, inserted, duplicate: dtos.length - inserted };
  }

  /** Per (machine, sensor) series, the first `limit` samples in [start, end] seconds. */
  async groupedRange(q: VibrationDataGroupedRangeDto): Promise<VibrationDataResponseDto[]> {
    const series = await this.samples.findSeries({ machineName: q.machine_name, sensorNo: q.sensor_no });
    assertGroupedReadFits(series.length, q.limit, 'filter by machine_name or sensor_no');
    const rows = await this.samples.findRangePerSeries(series, q.start, q.end, q.limit);
    return rows.map(mapVibrationData);
  }
}
