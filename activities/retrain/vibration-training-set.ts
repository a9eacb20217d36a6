import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { TrainingRecording, TrainingSet } from '@him/contracts';
import { dbDate } from '@him/db';
import { concatWindows, recordingWindows, VIBRATION_FEATURE_COUNT, type LabelledWindows } from '@him/ml';

/** Rows per read: one index range scan each, a few MB in memory. */
const PAGE_ROWS = 100_000;

/** Every 4th recording (in machine, sensor, time order) is held out — with 4 sensors per machine, sensor 4 of each. */
export const isHeldOut = (index: number, count: number): boolean => index % 4 === 3 || (count < 4 && index === count - 1);

interface RecordingKey extends TrainingRecording {
  /** collected_at exactly as the driver returned it, to be sent back as a parameter. */
  raw: unknown;
}

/** The recordings in `vibration_data`, in a stable order. */
export async function listRecordings(em: EntityManager): Promise<RecordingKey[]> {
  const rows: { machine_name: string; sensor_no: string; collected_at: unknown; n: number | string }[] = await em
    .getConnection()
    .execute(
      'SELECT machine_name, sensor_no, collected_at, COUNT(*) AS n FROM vibration_data GROUP BY machine_name, sensor_no, collected_at ORDER BY machine_name, sensor_no, collected_at',
    );
  return rows.map((r) => ({
    machine_name: r.machine_name,
    sensor_no: r.sensor_no,
    collected_at: dbDate(r.collected_at).toISOString(),
    rows: Number(r.n),
    raw: r.collected_at,
  }));
}

/** One recording's rows [time, normal, unbalance, looseness, both] in time order, read page by page. */
async function recordingRows(em: EntityManager, key: RecordingKey): Promise<number[][]> {
  const rows: number[][] = [];
  let after: number | null = null;
  for (;;) {
    const page: Record<string, number>[] = await em.getConnection().execute(
      'SELECT measured_time, normal, unbalance, looseness, unbalance_looseness FROM vibration_data ' +
        `WHERE machine_name = ? AND sensor_no = ? AND collected_at = ?${after === null ? '' : ' AND measured_time > ?'} ORDER BY measured_time LIMIT ?`,
      [key.machine_name, key.sensor_no, key.raw, ...(after === null ? [] : [after]), PAGE_ROWS],
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

/** Reads a split written by `buildVibrationTrainingSet`. */
export async function readWindows(dir: string): Promise<LabelledWindows> {
  const bytes = await fs.readFile(path.join(dir, FILES.features));
  const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const labels = new Uint8Array(await fs.readFile(path.join(dir, FILES.labels)));
  return { features, labels, count: features.length / VIBRATION_FEATURE_COUNT };
}

/**
 * Labelled windows of every recording in the database, split by whole recordings into `dir/train` and
 * `dir/held-out`: no recording contributes to both. Returns what was written, never the windows themselves.
 */
export async function buildVibrationTrainingSet(em: EntityManager, dir: string, onRecording: (done: number, total: number) => void): Promise<TrainingSet | null> {
  const recordings = await listRecordings(em);
  if (recordings.length < 2) return null;
  const parts = { train: [] as LabelledWindows[], held_out: [] as LabelledWindows[] };
  const split = { train: [] as TrainingRecording[], held_out: [] as TrainingRecording[] };
  for (const [i, key] of recordings.entries()) {
    const side = isHeldOut(i, recordings.length) ? 'held_out' : 'train';
    parts[side].push(recordingWindows(await recordingRows(em, key)));
    const { raw: _raw, ...recording } = key;
    split[side].push(recording);
    onRecording(i + 1, recordings.length);
  }
  const train = concatWindows(parts.train);
  const heldOut = concatWindows(parts.held_out);
  if (train.count === 0 || heldOut.count === 0) return null;
  await writeWindows(path.join(dir, 'train'), train);
  await writeWindows(path.join(dir, 'held-out'), heldOut);
  const times = recordings.map((r) => r.collected_at).sort();
  return {
    dir,
    train: { recordings: split.train, windows: train.count },
    held_out: { recordings: split.held_out, windows: heldOut.count },
    data_window: { from: times[0], to: times[times.length - 1], rows: recordings.reduce((n, r) => n + r.rows, 0) },
  };
}
