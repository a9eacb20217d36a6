/** Job type `retrain`: build a training set from the database, train a challenger, compare, register, maybe promote. */
export const RETRAIN_JOB = 'retrain';

/** The models the retrain workflow can train (the others can only be uploaded). */
export const RETRAINABLE_MODELS = ['vibration-classifier'] as const;
export type RetrainableModel = (typeof RETRAINABLE_MODELS)[number];

/**
 * auto: promote only when the challenger beats the champion on the same held-out set by PROMOTION_MARGIN;
 * never: register as a candidate only; force: promote whatever it scores.
 */
export const PROMOTION_POLICIES = ['auto', 'never', 'force'] as const;
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];

/**
 * How much better (absolute, in held-out accuracy) a challenger must score to replace the champion in `auto`:
 * half a percentage point, several held-out windows on any realistic set, so noise alone does not swap models.
 */
export const PROMOTION_MARGIN = 0.005;

/** Failure type when the database holds too little data to train and hold out. */
export const NOT_ENOUGH_DATA = 'NotEnoughData';

export interface RetrainInput {
  model: RetrainableModel;
  promote: PromotionPolicy;
  /** Training epochs; the shipped model's setting when omitted. */
  epochs?: number;
  requestedBy?: string;
}

/** A recording (one sensor's run) of the training set; the split keeps each whole on one side. */
export interface TrainingRecording {
  machine_name: string;
  sensor_no: string;
  collected_at: string;
  rows: number;
}

/** What `buildTrainingSet` wrote to the file store (the windows themselves never pass through Temporal). */
export interface TrainingSet {
  dir: string;
  train: { recordings: TrainingRecording[]; windows: number };
  held_out: { recordings: TrainingRecording[]; windows: number };
  /** Oldest and newest `collected_at` of the rows used. */
  data_window: { from: string; to: string; rows: number };
}

export interface ChallengerFile {
  file: string;
  checksum: string;
  epochs: number;
  final_loss: number;
  seconds: number;
}

export interface HeldOutScore {
  accuracy: number;
  confusion: number[][];
  windows: number;
}

export interface Evaluation {
  challenger: HeldOutScore;
  /** The active version scored on the same held-out windows; null when nothing is active. */
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
  training: { train_windows: number; held_out_windows: number; epochs: number; final_loss: number; seconds: number };
  data_window: TrainingSet['data_window'];
}

/** Champion/challenger: pure, so the workflow decides deterministically and the rule is unit-tested. */
export function decidePromotion(policy: PromotionPolicy, evaluation: Evaluation, margin = PROMOTION_MARGIN): PromotionDecision {
  const challenger = evaluation.challenger.accuracy;
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  if (policy === 'never') return { promote: false, reason: 'promotion policy is never: registered as a candidate' };
  if (policy === 'force') return { promote: true, reason: `promotion forced (held-out accuracy ${pct(challenger)})` };
  if (!evaluation.champion) return { promote: true, reason: `no active version; challenger scores ${pct(challenger)}` };
  const champion = evaluation.champion.score.accuracy;
  const verdict = `challenger ${pct(challenger)} vs champion v${evaluation.champion.version} ${pct(champion)} on the same held-out set (margin ${pct(margin)})`;
  // The epsilon keeps an exact margin (0.995 vs 0.990) from failing on floating-point rounding.
  return challenger - champion >= margin - 1e-12 ? { promote: true, reason: `${verdict}: promoted` } : { promote: false, reason: `${verdict}: champion kept` };
}
