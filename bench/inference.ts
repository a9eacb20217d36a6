/* `npm run bench:inference`: vibration windows per second through the classifier, in batches:
 *   - the ONNX model in onnxruntime-node (what the API and the sweep run) at several batch sizes, against
 *   - the same network's TypeScript forward pass (baseline, same run), and
 *   - feature extraction (FFT + orders), which comes before the model and is timed separately.
 * Prints a Markdown table for docs/BENCHMARKS.md.                                                          */
import * as ort from 'onnxruntime-node';
import { recordingRows } from '@him/datagen';
import { mlpForward, predictWindows, recordingWindows, trainVibrationClassifier, VIBRATION_CLASS_COUNT, VIBRATION_FEATURE_COUNT, vibrationClassifierOnnx } from '@him/ml';
import { machineLine } from './stack';

const ROWS = 1 << 18;
const BATCHES = [256, 1024, 4096, 16384];

/** Best of three: the figure least disturbed by whatever else the machine does. */
async function best(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await run();
    times.push((performance.now() - started) / 1000);
  }
  return Math.min(...times);
}

async function main(): Promise<void> {
  const recording = [...recordingRows({ machine: 1, sensor: 1, seed: 42 })];
  const featuresStarted = performance.now();
  const windows = recordingWindows(recording);
  const featureRate = windows.count / ((performance.now() - featuresStarted) / 1000);
  // The shipped architecture (43→32→4); a few epochs are enough, speed does not depend on the weights.
  const model = trainVibrationClassifier(windows, { epochs: 3 });
  const session = await ort.InferenceSession.create(vibrationClassifierOnnx(model, { version: 0 }));

  // 262,144 rows: the recording's windows repeated.
  const f = VIBRATION_FEATURE_COUNT;
  const rows = new Float32Array(ROWS * f);
  for (let r = 0; r < ROWS; r++) rows.set(windows.features.subarray((r % windows.count) * f, ((r % windows.count) + 1) * f), r * f);

  const lines = [`| What | Windows/s |`, `| --- | --- |`];
  const shape = { featureCount: f, classes: VIBRATION_CLASS_COUNT, inputMean: model.inputMean, inputStd: model.inputStd };
  const baseline = ROWS / (await best(() => mlpForward(model.layers, shape, rows)));
  lines.push(`| baseline: TypeScript forward pass (float64 loops) | ${Math.round(baseline).toLocaleString('en')} |`);
  let fastest = 0;
  for (const batch of BATCHES) {
    const rate = ROWS / (await best(() => predictWindows(session, rows, batch)));
    fastest = Math.max(fastest, rate);
    lines.push(`| ONNX Runtime, batches of ${batch.toLocaleString('en')} | ${Math.round(rate).toLocaleString('en')} (×${(rate / baseline).toFixed(1)}) |`);
  }
  lines.push(`| feature extraction from raw samples (1 s windows, one thread) | ${Math.round(featureRate).toLocaleString('en')} |`);
  const endToEnd = 1 / (1 / featureRate + 1 / fastest);
  lines.push(`| features + model, one process | ${Math.round(endToEnd).toLocaleString('en')} |`);
  console.log(`${ROWS.toLocaleString('en')} feature rows · ${machineLine()} · onnxruntime-node ${ort.env.versions.common}\n\n${lines.join('\n')}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
