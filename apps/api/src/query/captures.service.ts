import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { CaptureRepository, EquipmentRepository, VibrationDiagnosisRepository, type CaptureSamples } from '@him/db';
import { estimateSamplingRateHz } from '@him/ml';
import { mapCapture, mapWindowDiagnosis, type CaptureDetailDto, type CapturePageDto, type CaptureSearchDto, type WaveformDto } from './captures.dto';
import { envelopeBucketCount, envelopePoints } from './downsample';
import { captureSpectrum, SPECTRUM_MAX_SAMPLES } from './spectrum';

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
    const [{ waveform, spectrumSamples }, diagnoses, windows] = await Promise.all([
      this.readWaveform(id, points),
      this.diagnoses.findCaptureDiagnoses([id]),
      this.diagnoses.findWindowDiagnoses(id),
    ]);
    // The samples' own times, as the sweep reads them: the stored rate is rounded to whole hertz.
    const { time, value } = spectrumSamples;
    const rate = time.length >= 2 ? estimateSamplingRateHz(time) : capture.samplingRateHz;
    return {
      ...mapCapture(capture, diagnoses.get(id)),
      waveform,
      spectrum: rate && value.length >= 2 ? captureSpectrum(value, rate, points) : null,
      window_diagnoses: windows.map(mapWindowDiagnosis),
    };
  }

  /**
   * The waveform cut to `points`, and the samples the spectrum is computed from. A capture of no more than `points`
   * samples is read whole; a longer one never leaves the database whole: its envelope comes bucketed by the database
   * (envelopeBuckets), and only its middle SPECTRUM_MAX_SAMPLES samples come raw, for the spectrum.
   */
  private async readWaveform(id: number, points: number): Promise<{ waveform: WaveformDto; spectrumSamples: CaptureSamples }> {
    const [head, span] = await Promise.all([this.captures.readSamples(id, points + 1), this.captures.findSampleSpan(id)]);
    if (!span || head.time.length <= points) {
      return { waveform: { points: head.time.length, time_s: Array.from(head.time), value: Array.from(head.value) }, spectrumSamples: head };
    }
    const [buckets, middle] = await Promise.all([
      this.captures.readSampleEnvelope(id, span, envelopeBucketCount(points)),
      this.captures.readSamplesAround(id, (span.first + span.last) / 2, SPECTRUM_MAX_SAMPLES),
    ]);
    const chart = envelopePoints(buckets);
    return { waveform: { points: chart.time.length, time_s: chart.time, value: chart.value }, spectrumSamples: middle };
  }
}
