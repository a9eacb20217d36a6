/** One epoch of a training loop done. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
}

/**
 * Training loops are generators that pause after every epoch, so a retrain activity can heartbeat and yield the
 * event loop there; tools and tests run them straight through with this.
 */
export function runToEnd<T>(training: Generator<EpochProgress, T>): T {
  for (;;) {
    const step = training.next();
    if (step.done) return step.value;
  }
}

/** Runs a training loop, awaiting `afterEpoch` between epochs (a heartbeat, a yield, a cancellation check). */
export async function runPausing<T>(training: Generator<EpochProgress, T>, afterEpoch: (progress: EpochProgress) => Promise<void>): Promise<T> {
  for (;;) {
    const step = training.next();
    if (step.done) return step.value;
    await afterEpoch(step.value);
  }
}
