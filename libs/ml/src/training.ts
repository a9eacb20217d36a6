/** Where a training loop is: yielded after every mini-batch. */
export interface TrainingProgress {
  /** The epoch under way, from 1. */
  epoch: number;
  epochs: number;
  /** Mini-batches done in this epoch, of `batches`. */
  batch: number;
  batches: number;
  /** Mean loss of this epoch's batches so far. */
  loss: number;
}

/**
 * Work between two pauses of a long computation. A worker's activities share one event loop: a loop that holds it
 * longer delays every other activity's heartbeats and the worker's own polling; 100 ms keeps a 2-core worker
 * responsive while pauses stay rare enough (≈ 10 a second) to cost nothing measurable.
 */
export const PAUSE_EVERY_MS = 100;

/**
 * Long computations (training loops, fitting a detector) are generators that yield often — after every mini-batch,
 * tree or chunk of rows — so a retrain activity can heartbeat and yield the event loop there; tools and tests run
 * them straight through with this.
 */
export function runToEnd<T>(work: Generator<unknown, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a long computation, awaiting `pause` (a heartbeat, a yield, a cancellation check) whenever PAUSE_EVERY_MS
 * or more has passed since the last pause, with the progress the computation yielded last.
 */
export async function runPausing<P, T>(work: Generator<P, T>, pause: (progress: P) => Promise<void>, everyMs = PAUSE_EVERY_MS): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - since >= everyMs) {
      await pause(step.value);
      since = performance.now();
    }
  }
}
