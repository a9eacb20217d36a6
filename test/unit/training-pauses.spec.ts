// Long CPU loops yield: a training loop pauses inside an epoch, not only after it, so on a 2-core worker serving both
// task queues one long epoch (10–20 s for the TEP LSTM on a busy machine) never holds the event loop past a heartbeat.
import { lstmTraining, runPausing, vibrationClassifierTraining, VIBRATION_FEATURE_COUNT, type TrainingProgress } from '@him/ml';

/** Two epochs of three batches each, as the real loops yield them. */
function* threeBatchEpochs(): Generator<TrainingProgress, string> {
  for (let epoch = 1; epoch <= 2; epoch++) {
    for (let batch = 1; batch <= 3; batch++) yield { epoch, epochs: 2, batch, batches: 3 };
    yield { epoch, epochs: 2, loss: 1 / epoch };
  }
  return 'trained';
}

async function pausesOf(everyMs: number): Promise<{ result: string; pauses: TrainingProgress[] }> {
  const pauses: TrainingProgress[] = [];
  const result = await runPausing(threeBatchEpochs(), async (p) => void pauses.push(p), everyMs);
  return { result, pauses };
}

describe('runPausing', () => {
  it('pauses after every epoch, and inside an epoch once the time since the last pause is up', async () => {
    const everyBatch = await pausesOf(0);
    expect(everyBatch.result).toBe('trained');
    expect(everyBatch.pauses).toHaveLength(8);
    const epochsOnly = await pausesOf(Number.POSITIVE_INFINITY);
    expect(epochsOnly.pauses).toEqual([
      { epoch: 1, epochs: 2, loss: 1 },
      { epoch: 2, epochs: 2, loss: 0.5 },
    ]);
  });
});

describe('training loops', () => {
  const yieldsOf = (training: Generator<TrainingProgress, unknown>) => {
    const seen: TrainingProgress[] = [];
    for (let step = training.next(); !step.done; step = training.next()) seen.push(step.value);
    return seen;
  };

  it('the vibration classifier yields after every batch, not only every epoch', () => {
    const count = 200;
    const features = Float32Array.from({ length: count * VIBRATION_FEATURE_COUNT }, (_, i) => Math.sin(i));
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 4);
    const seen = yieldsOf(vibrationClassifierTraining({ features, labels, count }, { epochs: 2, batchSize: 64 }));
    expect(seen.filter((s) => 'batch' in s)).toHaveLength(2 * 4);
    expect(seen.filter((s) => 'loss' in s).map((s) => s.epoch)).toEqual([1, 2]);
  });

  it('the LSTM yields after every batch, not only every epoch', () => {
    const shape = { inputSize: 2, hiddenSize: 3, horizon: 1 };
    const count = 10;
    const data = {
      count,
      steps: 4,
      inputs: Float64Array.from({ length: count * 4 * shape.inputSize }, (_, i) => Math.cos(i)),
      labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
      targets: Float64Array.from({ length: count * shape.horizon }, (_, i) => i / count),
    };
    const seen = yieldsOf(lstmTraining(data, shape, { epochs: 3, batchSize: 4 }));
    expect(seen.filter((s) => 'batch' in s)).toHaveLength(3 * 3);
    expect(seen.filter((s) => 'loss' in s)).toHaveLength(3);
  });
});
