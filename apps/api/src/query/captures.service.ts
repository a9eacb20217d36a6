import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { CaptureRepository, envelopeOfSamples, EquipmentRepository, VibrationDiagnosisRepository, type CaptureSamples, type EnvelopeBucket } from '@him/db';
import { estimateSamplingRateHz } from '@him/ml';
import { mapCapture, mapWindowDiagnosis, type CaptureDetailDto, type CapturePageDto, type CaptureSearchDto, type WaveformDto } from './captures.dto';
import { envelopeBucketCount, envelopePoints } from './downsample';
import { captureSpectrum, SPECTRUM_MAX_SAMPLES } from './spectrum';

/**
 * Captures of at most this many samples are read whole and bucketed in the API: a 5 k-sample capture cut to 500
 * buckets took p95 32 ms as the database's UNION statements (their terms' parsing and planning), a few ms read whole.
 */
const RAW_ENVELOPE_MAX_SAMPLES = 20_000;

/** Up to `count` samples around `middle`, as CaptureRepository.readSamplesAround picks them: half before it, the rest from it on. */
function samplesAround(s: CaptureSamples, middle: number, count: number): CaptureSamples {
  const found = s.time.findIndex((t) => t >= middle);
  const at = found < 0 ? s.time.length : found;
  const half = Math.floor(count / 2);
  const [from, to] = [Math.max(0, at - half), Math.min(s.time.length, at + count - half)];
  return { time: s.time.slice(from, to), value: s.value.slice(from, to) };
}

const wholeWaveform = ({ time, value }: CaptureSamples): WaveformDto => ({ points: time.length, time_s: Array.from(time), value: Array.from(value) });

function envelopeWaveform(buckets: readonly EnvelopeBucket[]): WaveformDto {
  const chart = envelopePoints(buckets);
  return { points: chart.time.length, time_s: chart.time, value: chart.value };
}

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
      capture.sampleCount <= RAW_ENVELOPE_MAX_SAMPLES ? this.readShortWaveform(id, points) : this.readWaveform(id, points),
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
   * readWaveform for a capture of at most RAW_ENVELOPE_MAX_SAMPLES samples: read whole, bucketed here by the database's
   * rules (envelopeOfSamples), the spectrum from the same middle samples.
   */
  private async readShortWaveform(id: number, points: number): Promise<{ waveform: WaveformDto; spectrumSamples: CaptureSamples }> {
    const all = await this.captures.readSamples(id);
    const n = all.time.length;
    if (n <= points) return { waveform: wholeWaveform(all), spectrumSamples: all };
    const [first, last] = [all.time[0], all.time[n - 1]];
    const buckets = envelopeOfSamples(all.time, all.value, first, last, envelopeBucketCount(points));
    return { waveform: envelopeWaveform(buckets), spectrumSamples: samplesAround(all, (first + last) / 2, SPECTRUM_MAX_SAMPLES) };
  }

  /**
   * The waveform cut to `points`, and the samples the spectrum is computed from. A capture of no more than `points`
   * samples is read whole; a longer one never leaves the database whole: its envelope comes bucketed by the database
   * (envelopeBuckets), and only its middle SPECTRUM_MAX_SAMPLES samples come raw, for the spectrum.
   */
  private async readWaveform(id: number, points: number): Promise<{ waveform: WaveformDto; spectrumSamples: CaptureSamples }> {
    const [head, span] = await Promise.all([this.captures.readSamples(id, points + 1), this.captures.findSampleSpan(id)]);
    if (!span || head.time.length <= points) return { waveform: wholeWaveform(head), spectrumSamples: head };
    const [buckets, middle] = await Promise.all([
      this.captures.readSampleEnvelope(id, span, envelopeBucketCount(points)),
      this.captures.readSamplesAround(id, (span.first + span.last) / 2, SPECTRUM_MAX_SAMPLES),
    ]);
    return { waveform: envelopeWaveform(buckets), spectrumSamples: middle };
  }
}
