// Trains the shipped vibration classifier from generated rig recordings: `npm run train:vibration`.
// Sensors 1–3 of machines 1–2 train it; sensor 4 of both machines is held out (no shared recording), and
// captures from a generator seed never used in training (speeds ±5 %, other sensors and machines) test transfer.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT } from '@him/config';
import { captureRows, DEMO_MACHINES, planCaptures, recordingRows, scriptedFaultHistory } from '@him/datagen';
import {
  classificationReport,
  concatWindows,
  DEFAULT_WINDOW_SECONDS,
  predictWindows,
  recordingWindows,
  STARTUP_SECONDS,
  signalWindowFeatures,
  trainVibrationClassifier,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSES,
  VIBRATION_FEATURE_COUNT,
  VIBRATION_FEATURE_NAMES,
  vibrationClassifierOnnx,
  type MlpTrainingOptions,
} from '@him/ml';

const VERSION = 1;
const TRAINING_SEED = '42';
const MACHINES = [1, 2];
const TRAIN_SENSORS = [1, 2, 3];
const HELD_OUT_SENSORS = [4];
const EVAL_CAPTURE_SEED = 'eval-2026';
const TRAINING: MlpTrainingOptions = { hiddenUnits: [32], epochs: 60, batchSize: 64, learningRate: 3e-3, weightDecay: 1e-4, seed: 1 };
const OUT_DIR = path.join(REPO_ROOT, 'data/models/vibration-classifier');

const recordings = (sensors: number[]) =>
  concatWindows(MACHINES.flatMap((machine) => sensors.map((sensor) => recordingWindows(recordingRows({ machine, sensor, seed: TRAINING_SEED })))));

/** A week of 2 s captures every 3 h from all demo machines and 4 sensors each, under the scripted fault history. */
function unseenSeedCaptures(): { features: Float32Array; truth: number[]; windowsPerCapture: number[]; speeds: number[]; rates: number[] } {
  const start = new Date('2026-11-01T00:00:00Z');
  const plan = planCaptures({ start, days: 7, everyHours: 3, machines: DEMO_MACHINES, sensorsPerMachine: 4, seconds: 2, seed: EVAL_CAPTURE_SEED, history: scriptedFaultHistory(start) });
  const parts = plan.map((capture) => {
    const signal = Float64Array.from(captureRows(capture), ([, value]) => value);
    // A 2 s capture gives two 1 s windows without overlap; the capture's verdict averages them.
    return signalWindowFeatures(signal, capture.samplingRateHz, { hopSeconds: 1 });
  });
  const features = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (features.set(p, offset), offset + p.length), 0);
  return {
    features,
    truth: plan.map((c) => c.faultType),
    windowsPerCapture: parts.map((p) => p.length / VIBRATION_FEATURE_COUNT),
    speeds: plan.map((c) => c.speedHz),
    rates: plan.map((c) => c.samplingRateHz),
  };
}

const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;
const range = (values: number[], digits: number): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

function printConfusion(title: string, confusion: number[][]): void {
  console.log(`${title} (rows: truth, columns: predicted ${VIBRATION_CLASSES.map((_, k) => k).join('/')})`);
  confusion.forEach((row, k) => console.log(`  ${k} ${VIBRATION_CLASSES[k].padEnd(20)} ${row.map((v) => String(v).padStart(6)).join('')}`));
}

async function main(): Promise<void> {
  const began = performance.now();
  const train = recordings(TRAIN_SENSORS);
  const featuresSeconds = (performance.now() - began) / 1000;
  const fitBegan = performance.now();
  const model = trainVibrationClassifier(train, TRAINING);
  const fitSeconds = (performance.now() - fitBegan) / 1000;
  const trainingSeconds = (performance.now() - began) / 1000;
  const bytes = vibrationClassifierOnnx(model, {
    version: VERSION,
    metadata: { training_data: `generator seed ${TRAINING_SEED}, machines ${MACHINES.join(',')}, sensors ${TRAIN_SENSORS.join(',')}` },
  });
  const session = await ort.InferenceSession.create(bytes);

  const heldOut = recordings(HELD_OUT_SENSORS);
  const heldOutReport = classificationReport(heldOut.labels, (await predictWindows(session, heldOut.features)).labels);

  const captures = unseenSeedCaptures();
  const { probabilities, labels: windowLabels } = await predictWindows(session, captures.features);
  const windowTruth = captures.truth.flatMap((t, i) => Array<number>(captures.windowsPerCapture[i]).fill(t));
  const captureLabels: number[] = [];
  let row = 0;
  for (const windows of captures.windowsPerCapture) {
    const mean = new Float64Array(VIBRATION_CLASS_COUNT);
    for (let w = 0; w < windows; w++, row++) for (let k = 0; k < VIBRATION_CLASS_COUNT; k++) mean[k] += probabilities[row * VIBRATION_CLASS_COUNT + k];
    captureLabels.push(mean.indexOf(Math.max(...mean)));
  }
  const captureWindowReport = classificationReport(windowTruth, windowLabels);
  const captureReport = classificationReport(captures.truth, captureLabels);

  const metrics = {
    name: 'vibration-classifier',
    version: VERSION,
    classes: VIBRATION_CLASSES,
    feature_names: VIBRATION_FEATURE_NAMES,
    window_seconds: DEFAULT_WINDOW_SECONDS,
    hop_seconds: DEFAULT_WINDOW_SECONDS / 2,
    training: {
      data: { generator_seed: TRAINING_SEED, machines: MACHINES, sensors: TRAIN_SENSORS, skipped_startup_seconds: STARTUP_SECONDS, windows: train.count },
      options: TRAINING,
      final_loss: model.lossByEpoch[model.lossByEpoch.length - 1],
      seconds: { total: round(trainingSeconds), features: round(featuresSeconds), fit: round(fitSeconds) },
    },
    held_out_recordings: { machines: MACHINES, sensors: HELD_OUT_SENSORS, windows: heldOut.count, ...heldOutReport },
    unseen_seed_captures: {
      generator_seed: EVAL_CAPTURE_SEED,
      captures: captures.truth.length,
      speed_hz: range(captures.speeds, 2),
      sampling_rate_hz: range(captures.rates, 1),
      capture_accuracy: captureReport.accuracy,
      capture_confusion: captureReport.confusion,
      window_accuracy: captureWindowReport.accuracy,
      window_confusion: captureWindowReport.confusion,
    },
  };
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.onnx`), bytes);
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.json`), `${JSON.stringify(metrics, null, 2)}\n`);

  console.log(`trained on ${train.count} windows in ${trainingSeconds.toFixed(1)} s (features ${featuresSeconds.toFixed(1)} s, fit ${fitSeconds.toFixed(1)} s)`);
  console.log(`held-out recordings (sensor ${HELD_OUT_SENSORS.join(',')}, ${heldOut.count} windows): accuracy ${percent(heldOutReport.accuracy)}`);
  printConfusion('held-out confusion', heldOutReport.confusion);
  console.log(
    `unseen-seed captures (seed ${EVAL_CAPTURE_SEED}, ${captures.truth.length} captures, ${metrics.unseen_seed_captures.speed_hz} Hz, ` +
      `${metrics.unseen_seed_captures.sampling_rate_hz} Hz sampling): capture accuracy ${percent(captureReport.accuracy)}, window accuracy ${percent(captureWindowReport.accuracy)}`,
  );
  printConfusion('capture confusion', captureReport.confusion);
  console.log(`wrote ${path.relative(REPO_ROOT, OUT_DIR)}/v${VERSION}.onnx and v${VERSION}.json`);
}

const round = (seconds: number): number => Math.round(seconds * 100) / 100;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
