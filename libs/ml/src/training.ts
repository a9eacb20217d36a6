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
 * Long computations — training loops, fitting and calibrating the TEP detector — are generators that yield often
 * (after every batch and epoch, tree or chunk of scored rows), so a retrain activity can heartbeat and yield the event
 * loop there; tools and tests run them straight through with this.
 */
export function runToEnd<T>(work: Generator<unknown, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a long computation, awaiting `pause` (a heartbeat, a yield of the event loop, a cancellation check) after
 * every epoch of a training loop (a progress with a loss) and whenever `everyMs` have passed since the last pause.
 */
export async function runPausing<P extends object, T>(work: Generator<P, T>, pause: (progress: P) => Promise<void>, everyMs = PAUSE_EVERY_MS): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if ('loss' in step.value || performance.now() - since >= everyMs) {
      await pause(step.value);
      since = performance.now();
    }
  }
}
