import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { TrainingPart } from '@him/contracts';
import { dbDate } from '@him/db';
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

/** Rows per read: one index range scan each, a few MB in memory. */
const PAGE_ROWS = 100_000;

/** Every 4th recording (in machine, sensor, time order) is held out — with 4 sensors per machine, sensor 4 of each. */
export const isHeldOut = (index: number, count: number): boolean => index % 4 === 3 || (count < 4 && index === count - 1);

interface RecordingKey {
  machineName: string;
  sensorNo: string;
  /** collected_at exactly as the driver returned it, to be sent back as a parameter. */
  collectedAt: unknown;
  rows: number;
}

/** The recordings in `vibration_data`, in a stable order. */
async function listRecordings(em: EntityManager): Promise<RecordingKey[]> {
  const rows: { machine_name: string; sensor_no: string; collected_at: unknown; n: number | string }[] = await em
    .getConnection()
    .execute(
      'SELECT machine_name, sensor_no, collected_at, COUNT(*) AS n FROM vibration_data GROUP BY machine_name, sensor_no, collected_at ORDER BY machine_name, sensor_no, collected_at',
    );
  return rows.map((r) => ({ machineName: r.machine_name, sensorNo: r.sensor_no, collectedAt: r.collected_at, rows: Number(r.n) }));
}

/** One recording's rows [time, normal, unbalance, looseness, both] in time order, read page by page. */
async function recordingRows(em: EntityManager, key: RecordingKey): Promise<number[][]> {
  const rows: number[][] = [];
  let after: number | null = null;
  for (;;) {
    const page: Record<string, number>[] = await em.getConnection().execute(
      'SELECT measured_time, normal, unbalance, looseness, unbalance_looseness FROM vibration_data ' +
        `WHERE machine_name = ? AND sensor_no = ? AND collected_at = ?${after === null ? '' : ' AND measured_time > ?'} ORDER BY measured_time LIMIT ?`,
      [key.machineName, key.sensorNo, key.collectedAt, ...(after === null ? [] : [after]), PAGE_ROWS],
    );
    for (const r of page) rows.push([Number(r.measured_time), Number(r.normal), Number(r.unbalance), Number(r.looseness), Number(r.unbalance_looseness)]);
    if (page.length < PAGE_ROWS) return rows;
    after = rows[rows.length - 1][0];
  }
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
 * The vibration fault classifier. Training set: labelled windows of every recording in `vibration_data` (the four
 * columns are the four conditions), split by whole recordings into `train/` and `held-out/`; the score is accuracy.
 */
export const vibrationClassifierTrainer: ModelTrainer = {
  needs: `at least two vibration recordings running past the ${STARTUP_SECONDS} s start-up the classifier skips (one to train on, one to hold out)`,

  async buildTrainingSet(em, dir, progress) {
    const recordings = await listRecordings(em);
    if (recordings.length < 2) return null;
    const windows = { train: [] as LabelledWindows[], held_out: [] as LabelledWindows[] };
    const parts = { train: [] as TrainingPart[], held_out: [] as TrainingPart[] };
    for (const [i, key] of recordings.entries()) {
      const side = isHeldOut(i, recordings.length) ? 'held_out' : 'train';
      const rows = await recordingRows(em, key);
      windows[side].push(recordingWindows(rows));
      const collectedAt = dbDate(key.collectedAt).toISOString();
      // A recording's times are seconds from collected_at.
      const to = new Date(dbDate(key.collectedAt).getTime() + 1000 * (rows[rows.length - 1]?.[0] ?? 0)).toISOString();
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
