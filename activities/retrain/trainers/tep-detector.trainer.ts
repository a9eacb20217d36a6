import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { TrainingPart } from '@him/contracts';
import { dbDate } from '@him/db';
import { FORMATS, TEP_SAMPLE_MS } from '@him/ingest';
import {
  calibrateTepDetector,
  DEFAULT_TEP_DETECTOR,
  fitTepDetector,
  scoreTepRunOnnx,
  TEP_DETECTABLE_FAULTS,
  TEP_DETECTOR_NAME,
  TEP_FAULT_START,
  tepDetectorOnnx,
  tepPreprocessingFromModel,
} from '@him/ml';
import type { ModelTrainer } from './model-trainer';

/** Braatz convention: faults start after 1 h (observation 20) in the training runs dNN, after 8 h (160) in the test runs dNN_te. */
const TRAINING_RUN_FAULT_START = 20;
export const faultOnset = (lotCode: string): number => (lotCode.endsWith('_te') ? TEP_FAULT_START : TRAINING_RUN_FAULT_START);
/** The false-alarm rate the challenger's threshold is set to on held-out normal operation, as the shipped detector's. */
const FALSE_ALARM_RATE = 0.05;
/** With a single normal run, its first 60 % fit the detector and the rest is held out. */
const SINGLE_RUN_FIT_SHARE = 0.6;

interface Run {
  name: string;
  /** Observations in time order, tags in FORMATS.tep.columns order. */
  observations: number[][];
  from: string;
  to: string;
}

interface FaultRun extends Run {
  fault: number;
  onset: number;
}

interface HeldOut {
  normal: Run[];
  faults: FaultRun[];
}

/** One lot's process values as observations; an observation missing a tag is left out. */
async function lotRun(em: EntityManager, lot: { id: number; code: string }): Promise<{ run: Run; rows: number }> {
  const column = new Map(FORMATS.tep.columns.map((tag, k) => [tag, k]));
  const values: { tag: string; measured_at: unknown; value: number }[] = await em
    .getConnection()
    .execute('SELECT tag, measured_at, value FROM process_value WHERE lot_id = ? ORDER BY measured_at', [lot.id]);
  const byTime = new Map<number, number[]>();
  for (const v of values) {
    const k = column.get(v.tag);
    if (k === undefined) continue;
    const t = dbDate(v.measured_at).getTime();
    let observation = byTime.get(t);
    if (!observation) byTime.set(t, (observation = new Array<number>(column.size).fill(NaN)));
    observation[k] = Number(v.value);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b).filter((t) => byTime.get(t)!.every(Number.isFinite));
  const iso = (t: number | undefined) => new Date(t ?? 0).toISOString();
  return { run: { name: lot.code, observations: times.map((t) => byTime.get(t)!), from: iso(times[0]), to: iso(times[times.length - 1]) }, rows: values.length };
}

const part = (run: Run): TrainingPart => ({ name: run.name, rows: run.observations.length, from: run.from, to: run.to });
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;

/**
 * The TEP anomaly detector. Training set: the TEP runs (lots) in the database. Normal runs (fault label 0) are split
 * by whole run — the last third by code held out — or, with a single normal run, by time. The detector is fitted on
 * the training side only; its threshold is set to 5 % false alarms on the held-out normal operation, as the Braatz
 * protocol sets it on d00_te. Runs with a known fault are only ever scored: the score is the mean detection rate
 * over the detectable faults present (rows after the onset), at each model's own threshold.
 */
export const tepDetectorTrainer: ModelTrainer = {
  needs: 'normal TEP runs (fault label 0, e.g. d00.dat) and at least one run of a detectable fault (e.g. d01_te.dat)',

  async buildTrainingSet(em, dir, progress) {
    const lots: { id: number; code: string; fault_label: number | null }[] = await em
      .getConnection()
      .execute('SELECT id, code, fault_label FROM lot WHERE fault_label IS NOT NULL ORDER BY code');
    const normal: Run[] = [];
    const faults: FaultRun[] = [];
    let rows = 0;
    for (const [i, lot] of lots.entries()) {
      const { run, rows: read } = await lotRun(em, lot);
      rows += read;
      if (run.observations.length === 0) continue;
      if (Number(lot.fault_label) === 0) normal.push(run);
      else faults.push({ ...run, fault: Number(lot.fault_label), onset: faultOnset(lot.code) });
      progress(i + 1, lots.length);
    }
    if (normal.length === 0 || !faults.some((f) => TEP_DETECTABLE_FAULTS.includes(f.fault) && f.observations.length > f.onset)) return null;

    let fit: Run[];
    let heldOutNormal: Run[];
    if (normal.length > 1) {
      const heldOutCount = Math.max(1, Math.round(normal.length / 3));
      fit = normal.slice(0, normal.length - heldOutCount);
      heldOutNormal = normal.slice(normal.length - heldOutCount);
    } else {
      const [run] = normal;
      const cut = Math.floor(run.observations.length * SINGLE_RUN_FIT_SHARE);
      // The rolling features need a window's history: too short a run cannot be split.
      if (cut <= DEFAULT_TEP_DETECTOR.window || run.observations.length - cut <= DEFAULT_TEP_DETECTOR.window) return null;
      const slice = (first: number, observations: number[][]): Run => ({
        name: `${run.name} rows ${first}–${first + observations.length - 1}`,
        observations,
        from: new Date(Date.parse(run.from) + first * TEP_SAMPLE_MS).toISOString(),
        to: new Date(Date.parse(run.from) + (first + observations.length - 1) * TEP_SAMPLE_MS).toISOString(),
      });
      fit = [slice(0, run.observations.slice(0, cut))];
      heldOutNormal = [slice(cut, run.observations.slice(cut))];
    }
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'train.json'), JSON.stringify(fit));
    await fs.writeFile(path.join(dir, 'held-out.json'), JSON.stringify({ normal: heldOutNormal, faults } satisfies HeldOut));
    const all = [...normal, ...faults];
    const count = (runs: Run[]) => runs.reduce((n, r) => n + r.observations.length, 0);
    return {
      unit: 'observations',
      train: { parts: fit.map(part), samples: count(fit) },
      held_out: { parts: [...heldOutNormal, ...faults].map(part), samples: count(heldOutNormal) + count(faults) },
      data_window: { from: all.map((r) => r.from).sort()[0], to: all.map((r) => r.to).sort()[all.length - 1], rows },
    };
  },

  async train(dir, options, progress) {
    const fit = await readJson<Run[]>(path.join(dir, 'train.json'));
    const heldOut = await readJson<HeldOut>(path.join(dir, 'held-out.json'));
    const detector = fitTepDetector(fit.map((r) => r.observations), DEFAULT_TEP_DETECTOR);
    await progress({ fitted_observations: fit.reduce((n, r) => n + r.observations.length, 0) });
    calibrateTepDetector(detector, heldOut.normal.map((r) => r.observations), FALSE_ALARM_RATE);
    return {
      bytes: tepDetectorOnnx(detector, { name: TEP_DETECTOR_NAME, version: 0, metadata: { training_job: options.jobId } }),
      training: { threshold: detector.threshold, trees: detector.forest.trees.length },
    };
  },

  async score(model, dir) {
    const heldOut = await readJson<HeldOut>(path.join(dir, 'held-out.json'));
    const preprocessing = tepPreprocessingFromModel(model.metadata);
    const alarms = async (run: Run) => Array.from((await scoreTepRunOnnx(model.session, preprocessing, run.observations)).score, (s) => s > preprocessing.threshold);
    const rate = (a: boolean[]) => a.filter(Boolean).length / Math.max(1, a.length);
    const normalAlarms = (await Promise.all(heldOut.normal.map(alarms))).flat();
    const detection: Record<string, number> = {};
    for (const run of heldOut.faults) detection[run.name] = rate((await alarms(run)).slice(run.onset));
    const detectable = heldOut.faults.filter((r) => TEP_DETECTABLE_FAULTS.includes(r.fault));
    return {
      metric: 'mean detection rate',
      score: detectable.reduce((s, r) => s + detection[r.name], 0) / detectable.length,
      samples: normalAlarms.length + heldOut.faults.reduce((n, r) => n + r.observations.length, 0),
      details: { false_alarm_rate: rate(normalAlarms), detection_rates: detection, detectable_runs: detectable.map((r) => r.name) },
    };
  },
};
