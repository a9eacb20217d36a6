import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import {
  AUDIT_RETENTION_JOB,
  EPOCH_TRAINED_MODELS,
  INGEST_JOB,
  InvalidInputError,
  KPI_ROLLUP_JOB,
  plantDay,
  RETRAIN_JOB,
  SWEEP_JOB,
  type IngestInput,
  type JobRequest,
} from '@him/contracts';
import { assertDayRange } from '../common/day-range';
import type { AuditRetentionJobDto, KpiRollupJobDto, RetrainJobDto, SweepJobDto } from './jobs.dto';

const DAY_MS = 86_400_000;

/** Turns a validated request into a job's workflow input; the catalogue (libs/contracts) gives its queue, id and search attributes. */
@Injectable()
export class JobStarters {
  constructor(private readonly config: AppConfig) {}

  auditRetention(body: AuditRetentionJobDto, now = new Date()): JobRequest<typeof AUDIT_RETENTION_JOB> {
    const days = body.older_than_days ?? this.config.auditRetentionDays;
    const minDays = this.config.auditRetentionMinDays;
    // The audit log is evidence: not even an admin may empty it of recent entries.
    if (days < minDays) {
      throw new InvalidInputError(`older_than_days must be at least ${minDays}`, [
        { field: 'older_than_days', message: `must be at least ${minDays} days (AUDIT_RETENTION_MIN_DAYS)` },
      ]);
    }
    // Cut at midnight UTC so every request of a day maps to the same job.
    const cutoff = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - days * DAY_MS);
    return { type: AUDIT_RETENTION_JOB, input: { cutoff: cutoff.toISOString(), batchSize: 5000 } };
  }

  ingest(input: IngestInput): JobRequest<typeof INGEST_JOB> {
    return { type: INGEST_JOB, input };
  }

  retrain(body: RetrainJobDto, requestedBy?: string): JobRequest<typeof RETRAIN_JOB> {
    if (body.epochs !== undefined && !EPOCH_TRAINED_MODELS.includes(body.model)) {
      throw new InvalidInputError(`${body.model} is not trained in epochs`, [{ field: 'epochs', message: `only ${EPOCH_TRAINED_MODELS.join(' and ')} take epochs` }]);
    }
    return { type: RETRAIN_JOB, input: { model: body.model, promote: body.promote, epochs: body.epochs, requestedBy } };
  }

  /** The sweep for a day in the plant's timezone, today there by default. */
  diagnosisSweep(body: SweepJobDto, requestedBy?: string, now = new Date()): JobRequest<typeof SWEEP_JOB> {
    const timezone = this.config.plantTimezone;
    return { type: SWEEP_JOB, input: { day: body.day ?? plantDay(now, timezone), timezone, concurrency: body.concurrency, requestedBy } };
  }

  kpiRollup(body: KpiRollupJobDto, requestedBy?: string): JobRequest<typeof KPI_ROLLUP_JOB> {
    assertDayRange(body.from, body.to, this.config.kpiMaxRangeDays);
    return { type: KPI_ROLLUP_JOB, input: { from: body.from, to: body.to, requestedBy } };
  }
}
