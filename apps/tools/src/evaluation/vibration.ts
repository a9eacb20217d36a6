// The vibration classifier's evaluation sets, shared by `train:vibration` (which reports them with the model it
// trains) and `eval:models` (which scores the shipped file). None of them is ever trained on.
import type * as ort from 'onnxruntime-node';
import { captureRows, DEMO_MACHINES, FaultType, planCaptures, recordingRows, scriptedFaultHistory, sensorProfile, type CaptureSpec, type PlannedCapture } from '@him/datagen';
import {
  classificationReport,
  concatWindows,
  predictWindows,
  recordingWindows,
  signalWindowFeatures,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSES,
  VIBRATION_FEATURE_COUNT,
  type LabelledWindows,
} from '@him/ml';

/** The generated KAMP-like set: seed 42, machines g1 and g2; sensors 1–3 train, sensor 4 is held out. */
export const TRAINING_SEED = '42';
export const MACHINES = [1, 2];
export const TRAIN_SENSORS = [1, 2, 3];
export const HELD_OUT_SENSORS = [4];
/** Generator seeds never used in training. */
export const EVAL_CAPTURE_SEED = 'eval-2026';
export const SPEED_SWEEP_SEED = 'eval-sweep-2026';

export const recordingSet = (sensors: readonly number[]): LabelledWindows =>
  concatWindows(MACHINES.flatMap((machine) => sensors.map((sensor) => recordingWindows(recordingRows({ machine, sensor, seed: TRAINING_SEED })))));

export interface CaptureSet {
  title: string;
  captures: CaptureSpec[];
  speeds: number[];
  rates: number[];
}

/** A week of 2 s captures every 3 h from all demo machines and 4 sensors each, under the scripted fault history. */
export function campaignCaptures(): CaptureSet {
  const start = new Date('2026-11-01T00:00:00Z');
  const plan: PlannedCapture[] = planCaptures({
    start,
    days: 7,
    everyHours: 3,
    machines: DEMO_MACHINES,
    sensorsPerMachine: 4,
    seconds: 2,
    seed: EVAL_CAPTURE_SEED,
    history: scriptedFaultHistory(start),
  });
  return { title: `a week of captures, seed ${EVAL_CAPTURE_SEED}`, captures: plan, speeds: plan.map((c) => c.speedHz), rates: plan.map((c) => c.samplingRateHz) };
}

/** Every condition at the corners and centre of the speed range (±5 %, ±2.5 %, nominal), every machine and sensor. */
export function speedSweepCaptures(): CaptureSet {
  const capturedAt = new Date('2026-11-15T12:00:00Z');
  const captures: CaptureSpec[] = [];
  for (const speedHz of [23.75, 24.375, 25, 25.625, 26.25]) {
    for (const faultType of Object.values(FaultType)) {
      for (const machine of DEMO_MACHINES) {
        for (let sensor = 1; sensor <= 4; sensor++) captures.push({ machine, sensor, capturedAt, faultType, speedHz, seed: SPEED_SWEEP_SEED, seconds: 2 });
      }
    }
  }
  return {
    title: `speed sweep ±5 %, seed ${SPEED_SWEEP_SEED}`,
    captures,
    speeds: captures.map((c) => c.speedHz),
    rates: captures.map((c) => sensorProfile(c.machine, c.sensor, c.seed).samplingRateHz),
  };
}

export interface CaptureReport {
  captures: number;
  speed_hz: string;
  sampling_rate_hz: string;
  capture_accuracy: number;
  capture_confusion: number[][];
  window_accuracy: number;
  window_confusion: number[][];
}

const range = (values: number[], digits: number): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

/** Each 2 s capture gives two 1 s windows without overlap; the capture's verdict averages their probabilities. */
export async function scoreCaptures(session: ort.InferenceSession, set: CaptureSet): Promise<CaptureReport> {
  const parts = set.captures.map((capture, i) =>
    signalWindowFeatures(
      Float64Array.from(captureRows(capture), ([, value]) => value),
      set.rates[i],
      { hopSeconds: 1 },
    ),
  );
  const features = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((offset, p) => (features.set(p, offset), offset + p.length), 0);
  const windowsPerCapture = parts.map((p) => p.length / VIBRATION_FEATURE_COUNT);
  const truth = set.captures.map((c) => c.faultType);
  const { probabilities, labels } = await predictWindows(session, features);
  const captureLabels: number[] = [];
  let row = 0;
  for (const windows of windowsPerCapture) {
    const mean = new Float64Array(VIBRATION_CLASS_COUNT);
    for (let w = 0; w < windows; w++, row++) for (let k = 0; k < VIBRATION_CLASS_COUNT; k++) mean[k] += probabilities[row * VIBRATION_CLASS_COUNT + k];
    captureLabels.push(mean.indexOf(Math.max(...mean)));
  }
  const byCapture = classificationReport(truth, captureLabels);
  const byWindow = classificationReport(
    truth.flatMap((t, i) => Array<number>(windowsPerCapture[i]).fill(t)),
    labels,
  );
  return {
    captures: truth.length,
    speed_hz: range(set.speeds, 2),
    sampling_rate_hz: range(set.rates, 1),
    capture_accuracy: byCapture.accuracy,
    capture_confusion: byCapture.confusion,
    window_accuracy: byWindow.accuracy,
    window_confusion: byWindow.confusion,
  };
}

export const percent = (x: number): string => `${(100 * x).toFixed(2)} %`;

export function printConfusion(title: string, confusion: number[][]): void {
  console.log(`${title} (rows: truth, columns: predicted ${VIBRATION_CLASSES.map((_, k) => k).join('/')})`);
  confusion.forEach((row, k) => console.log(`  ${k} ${VIBRATION_CLASSES[k].padEnd(20)} ${row.map((v) => String(v).padStart(6)).join('')}`));
}
