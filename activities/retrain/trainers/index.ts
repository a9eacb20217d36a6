import type { RetrainableModel } from '@him/contracts';
import type { ModelTrainer } from './model-trainer';
import { tepDetectorTrainer } from './tep-detector.trainer';
import { tepLstmTrainer } from './tep-lstm.trainer';
import { vibrationClassifierTrainer } from './vibration-classifier.trainer';

export type { ModelTrainer, TrainingSources } from './model-trainer';

/** Every retrainable model's trainer, by registry name. */
export const TRAINERS: Record<RetrainableModel, ModelTrainer> = {
  'vibration-classifier': vibrationClassifierTrainer,
  'tep-detector': tepDetectorTrainer,
  'tep-lstm': tepLstmTrainer,
};
