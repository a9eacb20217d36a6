import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VIBRATION_CLASSES } from '@him/ml';
import type { CaptureRecord, DiagnosisRecord, FaultType } from '@him/db';
import { Optional, PageLimit, PageOffset } from '../common/validation';
import { IsMachineName, IsNotLessThanField, IsSensorNo, IsUtcDateTime } from '../vibration/vibration.validation';
import { CaptureDiagnosisDto, DownsamplePoints, FAULT_TYPE_DESCRIPTION, mapCaptureDiagnosis } from './query.dto';

export class CaptureSearchDto {
  @ApiPropertyOptional({ example: 'g3' })
  @Optional()
  @IsMachineName()
  machine_name?: string;

  @ApiPropertyOptional({ example: '1' })
  @Optional()
  @IsSensorNo()
  sensor_no?: string;

  @ApiPropertyOptional({ description: 'Captured at or after', example: '2026-11-01T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  from?: Date;

  @ApiPropertyOptional({ description: 'Captured at or before; not before from', example: '2026-11-08T00:00:00Z' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('from')
  to?: Date;

  @PageLimit()
  limit: number = 100;

  @PageOffset()
  offset: number = 0;
}

/** A whole recording-length capture (≈190 k samples at 1.35 kHz for 140 s), so the dashboard can pan through every sample. */
export const CAPTURE_MAX_POINTS = 200_000;

export class CaptureDetailQueryDto {
  @DownsamplePoints('the waveform and of the spectrum', CAPTURE_MAX_POINTS)
  points: number = 1000;
}

export class CaptureDto {
  @ApiProperty({ example: 1234 }) id!: number;
  @ApiProperty({ example: 'g3' }) machine_name!: string;
  @ApiProperty({ example: '1' }) sensor_no!: string;
  @ApiProperty({ example: '2026-11-05T03:00:00.000Z', format: 'date-time' }) captured_at!: string;
  @ApiProperty({ example: 1351.4, nullable: true, type: Number }) sampling_rate_hz!: number | null;
  @ApiProperty({ example: 2703, description: 'Samples stored' }) samples!: number;
  @ApiProperty({ type: CaptureDiagnosisDto, nullable: true, description: 'The capture-level diagnosis (the newest model version’s); null until a sweep diagnoses it' })
  diagnosis!: CaptureDiagnosisDto | null;
}

export class CapturePageDto {
  @ApiProperty({ type: [CaptureDto], description: 'Newest capture first' }) items!: CaptureDto[];
  @ApiProperty({ example: 360, description: 'Captures matching the filter, over all pages' }) total!: number;
}

export class WaveformDto {
  @ApiProperty({
    example: 1000,
    description:
      'Points returned: every sample when the capture has no more than asked, else each bucket’s minimum and maximum (one point for a bucket of one sample) at the bucket’s first and last sample time',
  })
  points!: number;
  @ApiProperty({ type: [Number], example: [0, 0.00074, 0.00148], description: 'Seconds from the start of the capture' }) time_s!: number[];
  @ApiProperty({ type: [Number], example: [0.012, -0.48, 0.51] }) value!: number[];
}

export class HarmonicDto {
  @ApiProperty({ example: 1, description: 'k in k× running speed' }) order!: number;
  @ApiProperty({ example: 24.6 }) frequency_hz!: number;
  @ApiProperty({ example: 0.42, description: 'Largest amplitude within ±3 % of k× running speed, in signal units' }) amplitude!: number;
}

export class SpectrumDto {
  @ApiProperty({ example: 0.165, description: 'Spacing of the spectrum’s bins (Hann window, zero-padded to at least twice the length)' }) bin_hz!: number;
  @ApiProperty({ example: 24.6, description: 'Running speed f1: the strongest peak in 15–40 Hz, as the classifier’s features estimate it' }) running_speed_hz!: number;
  @ApiProperty({ type: [Number], example: [0, 0.165, 0.33], description: 'Up to the Nyquist frequency; a long spectrum keeps each bucket’s maximum' }) frequency_hz!: number[];
  @ApiProperty({ type: [Number], example: [0.0001, 0.0003, 0.0002], description: 'Amplitude in signal units (a sine of amplitude A reads ≈ A)' }) amplitude!: number[];
  @ApiProperty({ type: [HarmonicDto], description: 'Harmonics 1×…10× of the running speed' }) harmonics!: HarmonicDto[];
}

export class WindowDiagnosisDto {
  @ApiProperty({ example: '2026-11-05T03:00:00.000Z', nullable: true, type: String, format: 'date-time' }) window_start!: string | null;
  @ApiProperty({ example: '2026-11-05T03:00:01.000Z', nullable: true, type: String, format: 'date-time' }) window_end!: string | null;
  @ApiProperty({ type: 'integer', example: 2, description: FAULT_TYPE_DESCRIPTION }) fault_type!: FaultType;
  @ApiProperty({ enum: VIBRATION_CLASSES, example: 'looseness' }) fault_name!: string;
  @ApiProperty({ example: 0.95, nullable: true, type: Number }) confidence!: number | null;
  @ApiProperty({ example: [0.01, 0.02, 0.95, 0.02], nullable: true, type: [Number], description: 'Class probabilities [p0, p1, p2, p3]' }) probabilities!: number[] | null;
  @ApiProperty({ example: 'vibration-classifier@3' }) model_version!: string;
  @ApiProperty({ example: 'diagnosis-sweep-2026-11-05', nullable: true, type: String }) job_id!: string | null;
}

export class CaptureDetailDto extends CaptureDto {
  @ApiProperty({ type: WaveformDto }) waveform!: WaveformDto;
  @ApiProperty({
    type: SpectrumDto,
    nullable: true,
    description:
      'Amplitude spectrum of the capture, of its middle 16,384 samples (≈12 s) when it is longer (a capture is taken at steady state); null for a capture of fewer than 2 samples',
  })
  spectrum!: SpectrumDto | null;
  @ApiProperty({ type: [WindowDiagnosisDto], description: 'The diagnosis of each window of the capture, by window start (every model version that diagnosed it)' })
  window_diagnoses!: WindowDiagnosisDto[];
}

export function mapCapture(c: CaptureRecord, diagnosis: DiagnosisRecord | undefined): CaptureDto {
  return {
    id: c.id,
    machine_name: c.machineName,
    sensor_no: c.sensorNo,
    captured_at: c.capturedAt.toISOString(),
    sampling_rate_hz: c.samplingRateHz ?? null,
    samples: c.sampleCount,
    diagnosis: diagnosis ? mapCaptureDiagnosis(diagnosis) : null,
  };
}

export function mapWindowDiagnosis(d: DiagnosisRecord): WindowDiagnosisDto {
  return {
    window_start: d.windowStart?.toISOString() ?? null,
    window_end: d.windowEnd?.toISOString() ?? null,
    fault_type: d.faultType,
    fault_name: VIBRATION_CLASSES[d.faultType],
    confidence: d.confidence ?? null,
    probabilities: d.probabilities ?? null,
    model_version: d.modelVersion ?? '',
    job_id: d.jobId ?? null,
  };
}
