import * as path from 'node:path';
import { readTepRun } from '@him/ingest';
import { scoreTepRun, type TepDetector } from './detector';
import { pcaStatistics, type PcaMonitor } from './pca';

/**
 * The Braatz Tennessee Eastman benchmark: fit on d00.dat (normal training run), set each threshold on d00_te.dat
 * (normal test run), and use the fault test files dNN_te.dat only to measure — the fault starts at observation 160.
 */
export const TEP_FAULT_START = 160;
export const TEP_FAULTS: readonly number[] = Array.from({ length: 21 }, (_, i) => i + 1);
/** All but IDV 3, 9 and 15, which barely change the process: benchmarks average detection over these 18. */
export const TEP_DETECTABLE_FAULTS: readonly number[] = TEP_FAULTS.filter((f) => ![3, 9, 15].includes(f));

type Run = readonly (readonly number[])[];

export interface TepBenchmark {
  dir: string;
  /** d00.dat: the only data a detector is fitted on. */
  training: number[][];
  /** d00_te.dat: normal operation, for thresholds and the false-alarm rate. */
  normalTest: number[][];
  /** dNN_te.dat by fault number. */
  faultTests: Map<number, number[][]>;
}

export const tepFileName = (fault: number, test: boolean): string => `d${String(fault).padStart(2, '0')}${test ? '_te' : ''}.dat`;

/**
 * First faulty observation of a run named as in the Braatz set (see its README): the training runs dNN are
 * recorded after the fault began, the test runs dNN_te turn faulty at observation 160.
 */
export const tepFaultOnset = (runName: string): number => (/_te(\.dat)?$/.test(runName) ? TEP_FAULT_START : 0);

/** One file of the benchmark, read in place; a rejected observation is an error, not something to skip. */
export async function readTepFile(dir: string, name: string): Promise<number[][]> {
  const run = await readTepRun(path.join(dir, name), 0);
  if (run.rejectedObservations > 0) throw new Error(`${name}: ${run.rejectedObservations} observation(s) rejected`);
  return run.observations;
}

/** Reads the benchmark's normal runs and fault test runs in place. */
export async function readTepBenchmark(dir: string): Promise<TepBenchmark> {
  const read = (name: string) => readTepFile(dir, name);
  const faultTests = new Map<number, number[][]>();
  for (const f of TEP_FAULTS) faultTests.set(f, await read(tepFileName(f, true)));
  return { dir, training: await read(tepFileName(0, false)), normalTest: await read(tepFileName(0, true)), faultTests };
}

/** A detector as the benchmark sees it: one alarm decision per observation of a run. */
export type TepAlarms = (run: Run) => ArrayLike<boolean>;

export const tepDetectorAlarms =
  (d: TepDetector): TepAlarms =>
  (run) =>
    Array.from(scoreTepRun(d, run).combined, (s) => s > d.threshold);

export const pcaMonitorAlarms =
  (m: PcaMonitor): TepAlarms =>
  (run) =>
    Array.from(pcaStatistics(m, run).combined, (s) => s > m.threshold);

export interface TepDetectionReport {
  /** Share of d00_te.dat that alarms. */
  falseAlarmRate: number;
  /** Share of rows 0–159 of the fault files (pooled) that alarm: normal operation too. */
  falseAlarmRateBeforeFault: number;
  /** Per fault number: the share of rows 160+ that alarm. */
  detectionRates: Record<number, number>;
  /** Mean of the detection rates over the TEP_DETECTABLE_FAULTS present. */
  meanDetectionRate: number;
  /**
   * Per fault number: rows from the onset (row 160) to the first alarm at or after it — the README's delay, × 3 min
   * for minutes — or null when nothing from the onset on alarms. A lone early alarm may be a false one (about 5 % of
   * normal rows alarm), so `confirmedDetectionDelays` states the delay to the first of 3 consecutive alarms.
   */
  detectionDelays: Record<number, number | null>;
  /** Per fault number: rows from the onset to the first of 3 consecutive alarms at or after it, or null. */
  confirmedDetectionDelays: Record<number, number | null>;
}

/** Alarms in a row that confirm a detection, for `confirmedDetectionDelays`. */
export const TEP_CONFIRMING_ALARMS = 3;

/** Rows from `onset` to the first of `run` consecutive alarms starting at or after it, or null. */
export function detectionDelay(alarms: readonly boolean[], onset: number, run = 1): number | null {
  for (let r = onset, streak = 0; r < alarms.length; r++) {
    streak = alarms[r] ? streak + 1 : 0;
    if (streak === run) return r - run + 1 - onset;
  }
  return null;
}

export function evaluateTepDetection(alarms: TepAlarms, runs: Pick<TepBenchmark, 'normalTest' | 'faultTests'>): TepDetectionReport {
  const rate = (a: readonly boolean[]) => a.filter(Boolean).length / Math.max(1, a.length);
  const before: boolean[] = [];
  const detectionRates: Record<number, number> = {};
  const detectionDelays: Record<number, number | null> = {};
  const confirmedDetectionDelays: Record<number, number | null> = {};
  for (const [fault, run] of runs.faultTests) {
    const a = Array.from(alarms(run));
    before.push(...a.slice(0, TEP_FAULT_START));
    detectionRates[fault] = rate(a.slice(TEP_FAULT_START));
    detectionDelays[fault] = detectionDelay(a, TEP_FAULT_START);
    confirmedDetectionDelays[fault] = detectionDelay(a, TEP_FAULT_START, TEP_CONFIRMING_ALARMS);
  }
  const detectable = TEP_DETECTABLE_FAULTS.filter((f) => runs.faultTests.has(f));
  return {
    falseAlarmRate: rate(Array.from(alarms(runs.normalTest))),
    falseAlarmRateBeforeFault: rate(before),
    detectionRates,
    meanDetectionRate: detectable.reduce((s, f) => s + detectionRates[f], 0) / detectable.length,
    detectionDelays,
    confirmedDetectionDelays,
  };
}
