/** One epoch of a training loop done. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
}

/** Part of an epoch done: where a long epoch (seconds on a busy machine) can pause. */
export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
}

export type TrainingProgress = EpochProgress | BatchProgress;

/**
 * How long a training loop runs before it pauses inside an epoch. The worker's one JavaScript thread also carries the
 * I/O queue's activities and every heartbeat: an epoch of the TEP LSTM on its full training set took 10–20 s on a busy
 * 2-core machine, longer than an ingest's 15 s heartbeat timeout.
 */
export const PAUSE_EVERY_MS = 100;

/**
 * Training loops are generators that pause after every batch and epoch, so a retrain activity can heartbeat and yield
 * the event loop there; tools and tests run them straight through with this.
 */
export function runToEnd<T>(training: Generator<TrainingProgress, T>): T {
  for (;;) {
    const step = training.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a training loop, awaiting `pause` (a heartbeat, a yield of the event loop, a cancellation check) after every
 * epoch and, inside an epoch, whenever `everyMs` have passed since the last pause.
 */
export async function runPausing<T>(training: Generator<TrainingProgress, T>, pause: (progress: TrainingProgress) => Promise<void>, everyMs = PAUSE_EVERY_MS): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = training.next();
    if (step.done) return step.value;
    if ('loss' in step.value || performance.now() - since >= everyMs) {
      await pause(step.value);
      since = performance.now();
    }
  }
}
