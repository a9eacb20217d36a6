import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { DRIFT_MONITORED_MODELS, type DriftActivitiesContract, type DriftAssessment, type DriftDecisionName, type DriftMonitoredModel } from '@him/contracts';
import { DriftDecision, ModelDriftRepository, type DriftCheckDraft } from '@him/db';
import { addDriftCounts, driftOf, featureDistributionFromModel, type DriftCounts } from '@him/ml';
import { ServedModels } from '@him/registry';
import { Activity } from '../activity.decorator';
import { TOP_DRIFT_FEATURES } from './series-drift';

const figure = (x: number) => x.toFixed(3);

/**
 * The sweep's drift judgement. For each monitored model, the active version's counts of every series on each day the
 * sweep touched are pooled and compared with its training distribution (median PSI over features); a day with enough
 * rows above the threshold is drifted, and the policy decides what follows. Only the newest drifted day of a model
 * asks for a retrain: one retrain covers them all. Every judgement is recorded in drift_check, with its reason.
 */
@Injectable()
export class DriftActivities implements DriftActivitiesContract {
  constructor(
    private readonly drift: ModelDriftRepository,
    private readonly models: ServedModels,
    private readonly config: AppConfig,
  ) {}

  // CPU queue: the judgement reads the active models' training distributions from the models the CPU workers serve.
  @Activity({ queue: 'cpu' })
  async assessDrift(days: string[], jobId: string): Promise<DriftAssessment[]> {
    const assessments: DriftAssessment[] = [];
    for (const model of DRIFT_MONITORED_MODELS) assessments.push(...(await this.assessModel(model, days, jobId)));
    return assessments;
  }

  @Activity({ queue: 'cpu' })
  async recordDriftRetrain(assessment: DriftAssessment, outcome: { started: boolean; workflowId: string }): Promise<DriftAssessment> {
    const recorded: DriftAssessment = outcome.started
      ? { ...assessment, decision: 'retrain_started', reason: `${assessment.reason}: retrain ${outcome.workflowId} started` }
      : { ...assessment, decision: 'retrain_running', reason: `${assessment.reason}: a retrain is already running (${outcome.workflowId}), none started` };
    await this.drift.recordChecks([checkOf(recorded, outcome.workflowId)]);
    return recorded;
  }

  private async assessModel(model: DriftMonitoredModel, days: string[], jobId: string): Promise<DriftAssessment[]> {
    const { psiThreshold: threshold, minSamples, policy } = this.config.drift;
    // No active version (nothing to judge against) or one without a training distribution: nothing is judged.
    return this.models.withActiveIfAny(model, async (served) => {
      const distribution = served && featureDistributionFromModel(served.metadata);
      if (!served || !distribution) return [];
      const version = served.version;
      const byDay = new Map<string, { counts: DriftCounts }[]>();
      for (const row of await this.drift.countsOnDays(version, days)) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
      const assessments: DriftAssessment[] = [];
      for (const [day, series] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
        const pooled = series.reduce<DriftCounts>((total, s) => addDriftCounts(total, s.counts), {});
        const drift = driftOf(distribution, pooled);
        const measured = `median PSI ${figure(drift.psi)} over ${drift.features.length} features of ${drift.samples} samples from ${series.length} series`;
        let decision: DriftDecisionName;
        let reason: string;
        if (drift.samples < minSamples) [decision, reason] = ['too_few_samples', `${measured}: fewer than ${minSamples} samples, not judged`];
        else if (drift.psi <= threshold) [decision, reason] = ['stable', `${measured}: at or below the threshold ${figure(threshold)}`];
        else if (policy === 'off') [decision, reason] = ['off', `${measured}: above the threshold ${figure(threshold)}; drift policy off`];
        else [decision, reason] = ['notified', `${measured}: above the threshold ${figure(threshold)}; drift policy ${policy}`];
        assessments.push({
          model,
          model_version: version,
          day,
          series: series.length,
          samples: drift.samples,
          psi: drift.psi,
          threshold,
          top_features: drift.features.slice(0, TOP_DRIFT_FEATURES),
          decision,
          reason,
        });
      }
      // In `auto`, the newest drifted day asks for the retrain; the sweep starts it and records the outcome.
      const newest = policy === 'auto' ? assessments.filter((a) => a.decision === 'notified').pop() : undefined;
      for (const a of assessments) {
        if (a === newest) {
          a.retrain = {
            model,
            promote: 'auto',
            requestedBy: 'drift',
            trigger: { kind: 'drift', day: a.day, model_version: version, psi: a.psi, threshold, samples: a.samples, top_features: a.top_features, sweep: jobId },
          };
        } else if (newest && a.decision === 'notified') a.reason += `; the retrain for ${newest.day} covers it`;
      }
      await this.drift.recordChecks(assessments.filter((a) => a !== newest).map((a) => checkOf(a, undefined, jobId)));
      return assessments;
    });
  }
}

/** An assessment as drift_check stores it. */
function checkOf(a: DriftAssessment, retrainWorkflowId?: string, jobId = a.retrain?.trigger.sweep): DriftCheckDraft {
  return {
    modelName: a.model,
    modelVersion: a.model_version,
    day: a.day,
    series: a.series,
    samples: a.samples,
    psi: a.psi,
    threshold: a.threshold,
    topFeatures: a.top_features,
    decision: a.decision as DriftDecision,
    reason: a.reason,
    retrainWorkflowId,
    jobId,
  };
}
