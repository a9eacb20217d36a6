import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { CaptureRepository, EquipmentRepository, VibrationDiagnosisRepository } from '@him/db';
import { estimateSamplingRateHz } from '@him/ml';
import { mapCapture, mapWindowDiagnosis, type CaptureDetailDto, type CapturePageDto, type CaptureSearchDto, type WaveformDto } from './captures.dto';
import { minMaxBucketIndices, pick } from './downsample';
import { captureSpectrum } from './spectrum';

@Injectable()
export class CapturesService {
  constructor(
    private readonly captures: CaptureRepository,
    private readonly diagnoses: VibrationDiagnosisRepository,
    private readonly equipment: EquipmentRepository,
  ) {}

  /** Newest first; a machine that does not exist is a 404, as everywhere in the API, not an empty page. */
  async list(q: CaptureSearchDto): Promise<CapturePageDto> {
    if (q.machine_name !== undefined && (await this.equipment.findIdByCode(q.machine_name)) === null) {
      throw new NotFoundError(`no machine ${q.machine_name}`, [{ field: 'machine_name', message: `no machine ${q.machine_name}` }]);
    }
    const page = await this.captures.findCapturePage({ machineName: q.machine_name, sensorNo: q.sensor_no, from: q.from, to: q.to }, q.limit, q.offset);
    const diagnoses = await this.diagnoses.findCaptureDiagnoses(page.items.map((c) => c.id));
    return { items: page.items.map((c) => mapCapture(c, diagnoses.get(c.id))), total: page.total };
  }

  /** The capture with its waveform and spectrum cut to `points`, and its window diagnoses. */
  async get(id: number, points: number): Promise<CaptureDetailDto> {
    const capture = await this.captures.findCaptureById(id);
    if (!capture) throw new NotFoundError(`capture ${id} not found`);
    const [signal, diagnoses, windows] = await Promise.all([
      this.captures.readCaptureSignal(id),
      this.diagnoses.findCaptureDiagnoses([id]),
      this.diagnoses.findWindowDiagnoses(id),
    ]);
    const kept = minMaxBucketIndices(signal.value, points);
    const waveform: WaveformDto = { points: kept.length, time_s: pick(signal.time, kept), value: pick(signal.value, kept) };
    // The samples' own times, as the sweep reads them: the stored rate is rounded to whole hertz.
    const rate = signal.time.length >= 2 ? estimateSamplingRateHz(signal.time) : capture.samplingRateHz;
    return {
      ...mapCapture(capture, diagnoses.get(id)),
      waveform,
      spectrum: rate && signal.value.length >= 2 ? captureSpectrum(signal.value, rate, points) : null,
      window_diagnoses: windows.map(mapWindowDiagnosis),
    };
  }
}
