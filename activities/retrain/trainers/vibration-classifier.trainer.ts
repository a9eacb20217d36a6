import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { TrainingPart } from '@him/contracts';
import type { Recording, VibrationDataRepository } from '@him/db';
import {
  classificationReport,
  concatWindows,
  predictWindows,
  recordingWindows,
  runPausing,
  STARTUP_SECONDS,
  VIBRATION_FEATURE_COUNT,
  vibrationClassifierOnnx,
  vibrationClassifierTraining,
  type LabelledWindows,
} from '@him/ml';
import type { ModelTrainer } from './model-trainer';

/** Every 4th recording (in machine, sensor, time order) is held out — with 4 sensors per machine, sensor 4 of each. */
export const isHeldOut = (index: number, count: number): boolean => index % 4 === 3 || (count < 4 && index === count - 1);

/** One recording's rows [time, normal, unbalance, looseness, both] in time order. */
async function recordingRows(samples: VibrationDataRepository, recording: Recording): Promise<number[][]> {
  const rows: number[][] = [];
  for await (const page of samples.readRecording(recording)) for (const row of page) rows.push(row);
  return rows;
}

const FILES = { features: 'features.f32', labels: 'labels.u8' } as const;

async function writeWindows(dir: string, windows: LabelledWindows): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, FILES.features), new Uint8Array(windows.features.buffer, windows.features.byteOffset, windows.features.byteLength));
  await fs.writeFile(path.join(dir, FILES.labels), windows.labels);
}

/** Reads a split written by `buildTrainingSet`. */
async function readWindows(dir: string): Promise<LabelledWindows> {
  const bytes = await fs.readFile(path.join(dir, FILES.features));
  const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const labels = new Uint8Array(await fs.readFile(path.join(dir, FILES.labels)));
  return { features, labels, count: features.length / VIBRATION_FEATURE_COUNT };
}

/**
 * The vibration fault classifier. Training set: labelled windows of every stored vibration recording (the four
 * columns are the four conditions), split by whole recordings into `train/` and `held-out/`; the score is accuracy.
 */
export const vibrationClassifierTrainer: ModelTrainer = {
  needs: `at least two vibration recordings running past the ${STARTUP_SECONDS} s start-up the classifier skips (one to train on, one to hold out)`,

  async buildTrainingSet(sources, dir, progress) {
    const recordings = await sources.vibration.findRecordings();
    if (recordings.length < 2) return null;
    const windows = { train: [] as LabelledWindows[], held_out: [] as LabelledWindows[] };
    const parts = { train: [] as TrainingPart[], held_out: [] as TrainingPart[] };
    for (const [i, key] of recordings.entries()) {
      const side = isHeldOut(i, recordings.length) ? 'held_out' : 'train';
      const rows = await recordingRows(sources.vibration, key);
      windows[side].push(recordingWindows(rows));
      const collectedAt = key.collectedAt.toISOString();
      // A recording's times are seconds from collected_at.
      const to = new Date(key.collectedAt.getTime() + 1000 * (rows[rows.length - 1]?.[0] ?? 0)).toISOString();
      parts[side].push({ name: `${key.machineName}/sensor ${key.sensorNo}/${collectedAt}`, rows: key.rows, from: collectedAt, to });
      progress(i + 1, recordings.length);
    }
    const train = concatWindows(windows.train);
    const heldOut = concatWindows(windows.held_out);
    if (train.count === 0 || heldOut.count === 0) return null;
    await writeWindows(path.join(dir, 'train'), train);
    await writeWindows(path.join(dir, 'held-out'), heldOut);
    const all = [...parts.train, ...parts.held_out];
    return {
      unit: 'windows',
      train: { parts: parts.train, samples: train.count },
      held_out: { parts: parts.held_out, samples: heldOut.count },
      data_window: { from: all.map((p) => p.from).sort()[0], to: all.map((p) => p.to).sort()[all.length - 1], rows: recordings.reduce((n, r) => n + r.rows, 0) },
    };
  },

  async train(dir, options, progress) {
    const model = await runPausing(vibrationClassifierTraining(await readWindows(path.join(dir, 'train')), { epochs: options.epochs }), (p) => progress({ ...p }));
    return {
      // Version 0: the registry numbers versions when it registers the file.
      bytes: vibrationClassifierOnnx(model, { version: 0, metadata: { training_job: options.jobId } }),
      training: { epochs: model.lossByEpoch.length, final_loss: model.lossByEpoch[model.lossByEpoch.length - 1] },
    };
  },

  async score(model, dir) {
    const heldOut = await readWindows(path.join(dir, 'held-out'));
    const { labels } = await predictWindows(model.session, heldOut.features);
    const { accuracy, confusion } = classificationReport(heldOut.labels, labels);
    return { metric: 'accuracy', score: accuracy, samples: heldOut.count, details: { confusion } };
  },
};
