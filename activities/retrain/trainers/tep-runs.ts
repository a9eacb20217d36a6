import * as fs from 'node:fs/promises';
import type { TrainingPart } from '@him/contracts';
import type { LabelledLot, ProcessValueRepository } from '@him/db';
import type { TrainingSources } from './model-trainer';
import { FORMATS } from '@him/ingest';
import { tepFaultOnset } from '@him/ml';

// TEP runs as the trainers read them from the database: one lot is one run, its fault label says what it is.

export interface Run {
  name: string;
  /** Observations in time order, tags in FORMATS.tep.columns order. */
  observations: number[][];
  from: string;
  to: string;
}

/** A run with its fault label (0 = normal operation) and the first faulty observation. */
export interface FaultRun extends Run {
  fault: number;
  onset: number;
}

/** Every run with a known fault label (0 = normal operation), in code order; the database rows read. */
export async function readLabelledRuns(
  { lots: lotRepository, processValues }: Pick<TrainingSources, 'lots' | 'processValues'>,
  progress: (done: number, total: number) => void,
): Promise<{ runs: FaultRun[]; rows: number }> {
  const lots = await lotRepository.findLabelledLots();
  const runs: FaultRun[] = [];
  let rows = 0;
  for (const [i, lot] of lots.entries()) {
    const { run, rows: read } = await lotRun(processValues, lot);
    rows += read;
    const fault = lot.faultLabel;
    if (run.observations.length > 0) runs.push({ ...run, fault, onset: fault === 0 ? 0 : tepFaultOnset(lot.code) });
    progress(i + 1, lots.length);
  }
  return { runs, rows };
}

/** One lot's process values as observations; an observation missing a tag is left out. */
async function lotRun(processValues: ProcessValueRepository, lot: LabelledLot): Promise<{ run: Run; rows: number }> {
  const column = new Map(FORMATS.tep.columns.map((tag, k) => [tag, k]));
  const byTime = new Map<number, number[]>();
  let rows = 0;
  for await (const values of processValues.readLot(lot.lotId)) {
    rows += values.length;
    for (const v of values) {
      const k = column.get(v.tag);
      if (k === undefined) continue;
      const t = v.measuredAt.getTime();
      let observation = byTime.get(t);
      if (!observation) byTime.set(t, (observation = new Array<number>(column.size).fill(NaN)));
      observation[k] = v.value;
    }
  }
  const times = [...byTime.keys()].sort((a, b) => a - b).filter((t) => byTime.get(t)!.every(Number.isFinite));
  const iso = (t: number | undefined) => new Date(t ?? 0).toISOString();
  return { run: { name: lot.code, observations: times.map((t) => byTime.get(t)!), from: iso(times[0]), to: iso(times[times.length - 1]) }, rows };
}

export const runPart = (run: Run): TrainingPart => ({ name: run.name, rows: run.observations.length, from: run.from, to: run.to });

/** Oldest and newest observation of the runs. */
export const runsWindow = (runs: readonly Run[], rows: number) => ({ from: runs.map((r) => r.from).sort()[0], to: runs.map((r) => r.to).sort()[runs.length - 1], rows });

/** Runs (or anything else) a trainer wrote to its training-set directory as JSON. */
export const readJson = async <T>(file: string): Promise<T> => JSON.parse(await fs.readFile(file, 'utf8')) as T;
