// Trains the shipped vibration classifier from generated rig recordings: `npm run train:vibration`.
// Sensors 1–3 of machines 1–2 train it; sensor 4 of both machines is held out (no shared recording), and
// captures from a generator seed never used in training (speeds ±5 %, other sensors and machines) test transfer.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT } from '@him/config';
import {
  classificationReport,
  DEFAULT_WINDOW_SECONDS,
  predictWindows,
  STARTUP_SECONDS,
  trainVibrationClassifier,
  VIBRATION_CLASSES,
  VIBRATION_FEATURE_NAMES,
  vibrationClassifierOnnx,
  type MlpTrainingOptions,
} from '@him/ml';
import { campaignCaptures, HELD_OUT_SENSORS, MACHINES, percent, printConfusion, recordingSet, scoreCaptures, TRAIN_SENSORS, TRAINING_SEED } from './evaluation/vibration';

const VERSION = 1;
const TRAINING: MlpTrainingOptions = { hiddenUnits: [32], epochs: 60, batchSize: 64, learningRate: 3e-3, weightDecay: 1e-4, seed: 1 };
const OUT_DIR = path.join(REPO_ROOT, 'data/models/vibration-classifier');

async function main(): Promise<void> {
  const began = performance.now();
  const train = recordingSet(TRAIN_SENSORS);
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

  const heldOut = recordingSet(HELD_OUT_SENSORS);
  const heldOutReport = classificationReport(heldOut.labels, (await predictWindows(session, heldOut.features)).labels);
  const captureSet = campaignCaptures();
  const captures = await scoreCaptures(session, captureSet);

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
    unseen_seed_captures: { set: captureSet.title, ...captures },
  };
  await fs.mkdir(OUT_DIR, { recursive: true });
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.onnx`), bytes);
  await fs.writeFile(path.join(OUT_DIR, `v${VERSION}.json`), `${JSON.stringify(metrics, null, 2)}\n`);

  console.log(`trained on ${train.count} windows in ${trainingSeconds.toFixed(1)} s (features ${featuresSeconds.toFixed(1)} s, fit ${fitSeconds.toFixed(1)} s)`);
  console.log(`held-out recordings (sensor ${HELD_OUT_SENSORS.join(',')}, ${heldOut.count} windows): accuracy ${percent(heldOutReport.accuracy)}`);
  printConfusion('held-out confusion', heldOutReport.confusion);
  console.log(
    `unseen-seed captures (${captureSet.title}, ${captures.captures} captures, ${captures.speed_hz} Hz, ${captures.sampling_rate_hz} Hz sampling): ` +
      `capture accuracy ${percent(captures.capture_accuracy)}, window accuracy ${percent(captures.window_accuracy)}`,
  );
  printConfusion('capture confusion', captures.capture_confusion);
  console.log(`wrote ${path.relative(REPO_ROOT, OUT_DIR)}/v${VERSION}.onnx and v${VERSION}.json`);
}

const round = (seconds: number): number => Math.round(seconds * 100) / 100;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
