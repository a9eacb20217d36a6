import type { HeldOutScore, TrainingSet } from '@him/contracts';
import type { LotRepository, ProcessValueRepository, VibrationDataRepository } from '@him/db';
import type { LoadedOnnxModel } from '@him/ml';

export interface TrainOptions {
  /** Used in the model's metadata, so a file names the job that made it. */
  jobId: string;
  epochs?: number;
}

/** Where the trainers read their data from. */
export interface TrainingSources {
  vibration: VibrationDataRepository;
  lots: LotRepository;
  processValues: ProcessValueRepository;
}

export interface TrainedModel {
  bytes: Uint8Array;
  /** Figures kept with the version: epochs, final loss, threshold… */
  training: Record<string, number>;
}

/**
 * What the retrain workflow needs to know about one model: how to build its training set from the database
 * (files under `dir`, split so that no part is on both sides), how to train on it, and how to score any version of
 * the model on the held-out side — the challenger and the champion alike.
 */
export interface ModelTrainer {
  /** Said when the database holds too little: what the model needs. */
  readonly needs: string;
  buildTrainingSet(sources: TrainingSources, dir: string, progress: (done: number, total: number) => void): Promise<Omit<TrainingSet, 'dir'> | null>;
  /**
   * `progress` heartbeats and yields the event loop; it throws when the job is cancelled. Training calls it at least
   * every PAUSE_EVERY_MS of work (runPausing), so the worker's other activities keep their heartbeats too.
   */
  train(dir: string, options: TrainOptions, progress: (details: Record<string, number | string>) => Promise<void>): Promise<TrainedModel>;
  score(model: Pick<LoadedOnnxModel, 'session' | 'metadata'>, dir: string): Promise<HeldOutScore>;
}
