import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import {
  AUDIT_RETENTION_JOB,
  EPOCH_TRAINED_MODELS,
  INGEST_JOB,
  InvalidInputError,
  RETRAIN_JOB,
  TASK_QUEUES,
  type AuditRetentionInput,
  type IngestInput,
  type RetrainInput,
} from '@him/contracts';
import type { AuditRetentionJobDto, RetrainJobDto } from './jobs.dto';
import type { JobStart } from './jobs.service';

const DAY_MS = 86_400_000;

/** Turns a validated request into a workflow start: input, deterministic id and search attributes. */
@Injectable()
export class JobStarters {
  constructor(private readonly config: AppConfig) {}

  auditRetention(body: AuditRetentionJobDto, now = new Date()): JobStart {
    const days = body.older_than_days ?? this.config.auditRetentionDays;
    // Cut at midnight UTC so every request of a day maps to the same job.
    const cutoff = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - days * DAY_MS);
    const input: AuditRetentionInput = { cutoff: cutoff.toISOString(), batchSize: 5000 };
    return {
      type: AUDIT_RETENTION_JOB,
      workflowType: 'auditRetention',
      taskQueue: TASK_QUEUES.main,
      workflowId: `${AUDIT_RETENTION_JOB}-before-${cutoff.toISOString().slice(0, 10)}`,
      mainEntity: 'audit_log',
      args: [input],
    };
  }

  /** The id is the content's checksum: the same file is one job, however often and however fast it is sent. */
  ingest(input: IngestInput): JobStart {
    return {
      type: INGEST_JOB,
      workflowType: 'ingestWithDedupe',
      taskQueue: TASK_QUEUES.main,
      workflowId: `${INGEST_JOB}-${input.checksum}`,
      mainEntity: input.fileName,
      args: [input],
    };
  }

  /** One retrain per model at a time: a second request while one runs joins it. */
  retrain(body: RetrainJobDto, requestedBy?: string): JobStart {
    if (body.epochs !== undefined && !EPOCH_TRAINED_MODELS.includes(body.model)) {
      throw new InvalidInputError(`${body.model} is not trained in epochs`, [{ field: 'epochs', message: `only ${EPOCH_TRAINED_MODELS.join(' and ')} take epochs` }]);
    }
    const input: RetrainInput = { model: body.model, promote: body.promote, epochs: body.epochs, requestedBy };
    return {
      type: RETRAIN_JOB,
      workflowType: 'retrainModel',
      taskQueue: TASK_QUEUES.main,
      workflowId: `${RETRAIN_JOB}-${body.model}`,
      mainEntity: body.model,
      args: [input],
    };
  }
}
