import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { addUtcDays, DRIFT_MONITORED_MODELS } from '@him/contracts';
import { ModelDriftRepository } from '@him/db';
import { assertDayRange } from '../common/day-range';
import type { DriftQuery, ModelDriftDto } from './model-drift.dto';

const DEFAULT_DAYS = 30;
const today = () => new Date().toISOString().slice(0, 10);

/** A model's feature drift as the sweeps measured it: per day over all series (with the decision), and per series. */
@Injectable()
export class ModelDriftService {
  constructor(
    private readonly drift: ModelDriftRepository,
    private readonly config: AppConfig,
  ) {}

  async get(model: string, q: DriftQuery): Promise<ModelDriftDto> {
    const to = q.to ?? today();
    const from = q.from ?? addUtcDays(to, 1 - DEFAULT_DAYS);
    assertDayRange(from, to, this.config.kpiMaxRangeDays);
    const [checks, series] = await Promise.all([this.drift.checks(model, from, to), this.drift.seriesDrift(model, from, to)]);
    const { psiThreshold, minSamples, policy } = this.config.drift;
    return {
      model,
      monitored: (DRIFT_MONITORED_MODELS as readonly string[]).includes(model),
      from,
      to,
      threshold: psiThreshold,
      min_samples: minSamples,
      policy,
      days: checks.map((c) => ({
        day: c.day,
        model_version: c.modelVersion,
        series: c.series,
        samples: c.samples,
        psi: c.psi,
        threshold: c.threshold,
        top_features: c.topFeatures,
        decision: c.decision,
        reason: c.reason,
        retrain_workflow_id: c.retrainWorkflowId ?? null,
        sweep: c.jobId ?? null,
        checked_at: c.checkedAt.toISOString(),
      })),
      series: series.map((s) => ({
        day: s.day,
        model_version: s.modelVersion,
        series_kind: s.seriesKind,
        series_key: s.seriesKey,
        samples: s.samples,
        psi: s.psi,
        top_features: s.topFeatures,
        updated_at: s.updatedAt.toISOString(),
      })),
    };
  }
}
