import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { ANOMALY_SEVERITIES, SEVERITY_RULE, TEP_FAULT_DESCRIPTIONS, tepFaultName, type AnomalySeverity } from '@him/contracts';
import type { AnomalyRecord } from '@him/db';
import { Optional, PageLimit, PageOffset } from '../common/validation';
import { IsMachineName, IsNotLessThanField, IsUtcDateTime } from '../vibration/vibration.validation';

/** A note is text: no NUL or other control characters (they would reach the database and every export of it). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOTE_TEXT = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/** `true`/`false` in a query string; anything else is left as it is and fails the boolean check. */
const ToBoolean = () => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

/** A lot's code (its TEP file's stem): validated like a machine name. */
export const IsLotCode = () => IsMachineName();

/** What every paged list here takes: the page size and how many rows to skip. */
export abstract class PageQueryDto {
  @PageLimit()
  limit: number = 100;

  @PageOffset()
  offset: number = 0;
}

export class AnomalySearchDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'TEP', description: 'Equipment by its name (as everywhere in the API: g3, TEP); unknown → 404' })
  @Optional()
  @IsMachineName()
  equipment?: string;

  @ApiPropertyOptional({ example: 'd01_te', description: 'Lot by its code; unknown → 404' })
  @Optional()
  @IsLotCode()
  lot_code?: string;

  @ApiPropertyOptional({ example: '2026-01-02T08:00:00Z', description: 'Detected at or after' })
  @Optional()
  @IsUtcDateTime()
  from?: Date;

  @ApiPropertyOptional({ example: '2026-01-03T00:00:00Z', description: 'Detected at or before; not before from (else 400)' })
  @Optional()
  @IsUtcDateTime()
  @IsNotLessThanField('from')
  to?: Date;

  @ApiPropertyOptional({ enum: ANOMALY_SEVERITIES, description: SEVERITY_RULE })
  @Optional()
  @IsIn(ANOMALY_SEVERITIES)
  severity?: AnomalySeverity;

  @ApiPropertyOptional({ type: Boolean, example: false, description: 'true: acknowledged ones only; false: open ones only' })
  @Optional()
  @ToBoolean()
  @IsBoolean()
  acknowledged?: boolean;
}

export class AnomalyAcknowledgeDto {
  @ApiProperty({ enum: [true], example: true, description: 'Always true: an acknowledgement cannot be taken back' })
  @Equals(true, { message: 'acknowledged must be true (an acknowledgement cannot be taken back)' })
  acknowledged!: true;

  @ApiPropertyOptional({
    example: 'Feed A valve checked; loss of A feed confirmed, maintenance ticket 4711',
    minLength: 1,
    maxLength: 500,
    pattern: NOTE_TEXT.source,
    description: 'Free text; line breaks and tabs are kept, other control characters refused',
  })
  @Optional()
  @IsString()
  @Length(1, 500)
  @Matches(NOTE_TEXT, { message: 'note must not contain control characters other than tab and line breaks' })
  note?: string;
}

export class TagContributionDto {
  @ApiProperty({ example: 'XMEAS_1' }) tag!: string;
  @ApiProperty({ example: 412.7, description: "The tag's share of the score: the sum of its squared standardised features" }) contribution!: number;
}

export class FaultCandidateDto {
  @ApiProperty({ example: 6, description: 'IDV number of the Tennessee Eastman disturbance' }) idv!: number;
  @ApiProperty({ example: 'IDV(6)' }) fault!: string;
  @ApiProperty({ example: 'A feed loss (stream 1): step' }) description!: string;
  @ApiProperty({ example: 0.97 }) probability!: number;
}

export class ProbableFaultDto extends FaultCandidateDto {
  @ApiProperty({ type: [FaultCandidateDto], description: 'The most probable faults, largest first (the first is this one)' }) candidates!: FaultCandidateDto[];
  @ApiProperty({ example: 'tep-identifier@1', description: 'Identifier name@version' }) model_version!: string;
}

export class AnomalyResponseDto {
  @ApiProperty({ example: 8812 }) id!: number;
  @ApiProperty({ example: 'TEP', description: 'Equipment name' }) equipment!: string;
  @ApiProperty({ example: 'd06_te', nullable: true, type: String }) lot_code!: string | null;
  @ApiProperty({ example: '2026-01-02T08:03:00.000Z', format: 'date-time', description: 'Time of the alarming observation' }) detected_at!: string;
  @ApiProperty({ example: '2026-01-02T07:36:00.000Z', nullable: true, type: String, format: 'date-time', description: "First observation the detector's rolling features covered" })
  window_start!: string | null;
  @ApiProperty({ example: '2026-01-02T08:03:00.000Z', nullable: true, type: String, format: 'date-time', description: 'Last observation covered (the alarming one)' })
  window_end!: string | null;
  @ApiProperty({ example: 'ensemble', description: 'ensemble: the TEP detector (isolation forest and z-score combined)' }) method!: string;
  @ApiProperty({ example: 3.42, description: "The detector's combined score; it alarms above its threshold" }) score!: number;
  @ApiProperty({ enum: ANOMALY_SEVERITIES, example: 'high', description: SEVERITY_RULE }) severity!: AnomalySeverity;
  @ApiProperty({ type: [TagContributionDto], description: 'The three tags contributing most, largest first' }) top_tags!: TagContributionDto[];
  @ApiProperty({
    type: ProbableFaultDto,
    nullable: true,
    description: 'The IDV fault the excursion most resembles, by the fault identifier active when the sweep found it; null when none was',
  })
  probable_fault!: ProbableFaultDto | null;
  @ApiProperty({ example: 'tep-detector@1', description: 'Detector name@version' }) model_version!: string;
  @ApiProperty({ example: 'diagnosis-sweep-2026-01-03', nullable: true, type: String, description: 'Workflow that wrote it' }) job_id!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, description: 'API key name that acknowledged it' }) acknowledged_by!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String, format: 'date-time' }) acknowledged_at!: string | null;
  @ApiProperty({ example: null, nullable: true, type: String }) note!: string | null;
}

export class AnomalyPageDto {
  @ApiProperty({ type: [AnomalyResponseDto], description: 'Newest detected_at first' }) items!: AnomalyResponseDto[];
  @ApiProperty({ example: 812, description: 'Anomalies matching the filters, all pages' }) total!: number;
}

export function mapAnomaly(a: AnomalyRecord, equipment: string, lotCode: string | null): AnomalyResponseDto {
  return {
    id: a.id,
    equipment,
    lot_code: lotCode,
    detected_at: a.detectedAt.toISOString(),
    window_start: a.windowStart?.toISOString() ?? null,
    window_end: a.windowEnd?.toISOString() ?? null,
    method: a.method,
    score: a.score,
    severity: a.severity,
    top_tags: a.topTags.map((t) => ({ tag: t.tag, contribution: t.contribution })),
    probable_fault: a.probableFault
      ? { ...faultCandidate(a.probableFault), candidates: a.probableFault.candidates.map(faultCandidate), model_version: a.probableFault.modelVersion }
      : null,
    model_version: a.modelVersion,
    job_id: a.jobId ?? null,
    acknowledged_by: a.acknowledgedBy ?? null,
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    note: a.note ?? null,
  };
}

const faultCandidate = (c: { fault: number; probability: number }): FaultCandidateDto => ({
  idv: c.fault,
  fault: tepFaultName(c.fault),
  description: TEP_FAULT_DESCRIPTIONS[c.fault] ?? 'Unknown',
  probability: c.probability,
});
