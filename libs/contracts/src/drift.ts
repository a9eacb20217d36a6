import type { RetrainableModel, RetrainInput } from './retrain';

/** What the sweep does about a drifted model: start a retrain (promotion `auto`), record it only, or neither. */
export const DRIFT_POLICIES = ['auto', 'notify', 'off'] as const;
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

/** The models whose training distribution the sweep compares with what they diagnose. */
export const DRIFT_MONITORED_MODELS = ['vibration-classifier', 'tep-detector'] as const satisfies readonly RetrainableModel[];
export type DriftMonitoredModel = (typeof DRIFT_MONITORED_MODELS)[number];

export const DRIFT_DECISIONS = ['stable', 'too_few_samples', 'off', 'notified', 'retrain_started', 'retrain_running'] as const;
export type DriftDecisionName = (typeof DRIFT_DECISIONS)[number];

export interface FeaturePsiFigure {
  feature: string;
  psi: number;
}

/** Why a retrain was started: the drift that crossed the threshold (kept in the retrain's input and result). */
export interface DriftTrigger {
  kind: 'drift';
  /** The data's day (UTC) that drifted. */
  day: string;
  /** `name@version` whose training distribution it was measured against. */
  model_version: string;
  psi: number;
  threshold: number;
  samples: number;
  top_features: FeaturePsiFigure[];
  /** The sweep that measured it. */
  sweep: string;
}

/** One model's drift on one day over all its series, as the sweep judged it. */
export interface DriftAssessment {
  model: DriftMonitoredModel;
  model_version: string;
  day: string;
  series: number;
  samples: number;
  psi: number;
  threshold: number;
  top_features: FeaturePsiFigure[];
  decision: DriftDecisionName;
  reason: string;
  /** Set when the policy starts a retrain: the sweep starts it and then records what happened. */
  retrain?: RetrainInput & { trigger: DriftTrigger };
}

/** The activities the sweep calls to judge drift (CPU queue: they read the active models' training distributions). */
export interface DriftActivitiesContract {
  assessDrift(days: string[], jobId: string): Promise<DriftAssessment[]>;
  /** Records what became of a retrain the policy asked for: started (its workflow id) or one already running. */
  recordDriftRetrain(assessment: DriftAssessment, outcome: { started: boolean; workflowId: string }): Promise<DriftAssessment>;
}

const pct = (x: number) => x.toFixed(3);

/** One line for the retrain's Temporal UI summary and the logs. */
export const describeDriftTrigger = (t: DriftTrigger): string =>
  `drift on ${t.day}: PSI ${pct(t.psi)} > ${pct(t.threshold)} over ${t.samples} samples (${t.top_features
    .slice(0, 3)
    .map((f) => `${f.feature} ${pct(f.psi)}`)
    .join(', ')}) against ${t.model_version}`;
