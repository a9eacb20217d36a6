import type { DriftTrigger } from './drift';

/** Job type `retrain`: build a training set from the database, train a challenger, compare, register, maybe promote. */
export const RETRAIN_JOB = 'retrain';

/** The models the retrain workflow can train from the database. */
export const RETRAINABLE_MODELS = ['vibration-classifier', 'tep-detector', 'tep-lstm'] as const;
export type RetrainableModel = (typeof RETRAINABLE_MODELS)[number];
/** The models trained by gradient descent, whose retrain takes `epochs` (the detector is fitted in one pass). */
export const EPOCH_TRAINED_MODELS: readonly RetrainableModel[] = ['vibration-classifier', 'tep-lstm'];

/**
 * auto: promote only when the challenger beats the champion on the same held-out set by PROMOTION_MARGIN;
 * never: register as a candidate only; force: promote whatever it scores.
 */
export const PROMOTION_POLICIES = ['auto', 'never', 'force'] as const;
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];

/**
 * How much better (absolute, in the model's held-out score: accuracy, detection rate) a challenger must score to
 * replace the champion in `auto`: half a percentage point, so noise alone does not swap models.
 */
export const PROMOTION_MARGIN = 0.005;

export interface RetrainInput {
  model: RetrainableModel;
  promote: PromotionPolicy;
  /** Training epochs; the shipped model's setting when omitted. */
  epochs?: number;
  requestedBy?: string;
  /** What started it when it was not a person or a schedule: the sweep's drift measure. */
  trigger?: DriftTrigger;
}

/** One whole piece of the data (a vibration recording, a TEP run or part of one); a split never cuts through it. */
export interface TrainingPart {
  name: string;
  rows: number;
  from: string;
  to: string;
}

/** What `buildTrainingSet` wrote to the file store (the data itself never passes through Temporal). */
export interface TrainingSet {
  dir: string;
  /** What one training sample is: 'windows', 'observations'… */
  unit: string;
  train: { parts: TrainingPart[]; samples: number };
  held_out: { parts: TrainingPart[]; samples: number };
  /** Oldest and newest data used, and the database rows read. */
  data_window: { from: string; to: string; rows: number };
}

export interface ChallengerFile {
  file: string;
  checksum: string;
  seconds: number;
  /** Training figures worth keeping with the version (epochs, final loss, threshold…). */
  training: Record<string, number>;
}

/** A model's figure of merit on the held-out split (higher is better), with the figures behind it. */
export interface HeldOutScore {
  metric: string;
  score: number;
  samples: number;
  details: Record<string, unknown>;
}

export interface Evaluation {
  challenger: HeldOutScore;
  /** The active version scored on the same held-out data; null when nothing is active. */
  champion: { version: number; score: HeldOutScore } | null;
}

export interface PromotionDecision {
  promote: boolean;
  reason: string;
}

export interface RetrainResult {
  model: RetrainableModel;
  version: number;
  promoted: boolean;
  decision: string;
  policy: PromotionPolicy;
  margin: number;
  challenger: HeldOutScore;
  champion: { version: number; score: HeldOutScore } | null;
  training: { unit: string; train_samples: number; held_out_samples: number; seconds: number } & Record<string, number | string>;
  data_window: TrainingSet['data_window'];
  /** The drift that started it, when the sweep did. */
  trigger?: DriftTrigger;
}

/** Champion/challenger: pure, so the workflow decides deterministically and the rule is unit-tested. */
export function decidePromotion(policy: PromotionPolicy, evaluation: Evaluation, margin = PROMOTION_MARGIN): PromotionDecision {
  const { metric, score: challenger } = evaluation.challenger;
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  if (policy === 'never') return { promote: false, reason: 'promotion policy is never: registered as a candidate' };
  if (policy === 'force') return { promote: true, reason: `promotion forced (held-out ${metric} ${pct(challenger)})` };
  if (!evaluation.champion) return { promote: true, reason: `no active version; challenger's held-out ${metric} ${pct(challenger)}` };
  const champion = evaluation.champion.score.score;
  const verdict = `${metric}: challenger ${pct(challenger)} vs champion v${evaluation.champion.version} ${pct(champion)} on the same held-out set (margin ${pct(margin)})`;
  // The epsilon keeps an exact margin (0.995 vs 0.990) from failing on floating-point rounding.
  return challenger - champion >= margin - 1e-12 ? { promote: true, reason: `${verdict}: promoted` } : { promote: false, reason: `${verdict}: champion kept` };
}
