// Live captures: a few seconds of one sensor's signal every few hours, with a scripted fault history and its truth.
import * as path from 'node:path';
import { lineChunks, writeChunks } from './files';
import { Random, Seed } from './random';
import { FaultType, machineName, machineProfile, NOMINAL_SPEED_HZ, sensorProfile, Shaft, VibrationChannel } from './rig';

export const CAPTURE_HEADER = 'Time,Value';
export const CAPTURES_TRUTH_FILE = 'captures-truth.csv';
export const CAPTURES_TRUTH_HEADER = 'file,machine_name,sensor_no,captured_at,fault_type,speed_hz,sampling_rate_hz';

/** The demo plant's machines g1–g5. */
export const DEMO_MACHINES: readonly number[] = [1, 2, 3, 4, 5];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Speed wobble within one capture; the ±5 % drift happens between captures. */
const CAPTURE_SPEED_WOBBLE = 0.002;
const DEFAULT_CAPTURE_SECONDS = 2;

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface CaptureSpec {
  machine: number;
  sensor: number;
  capturedAt: Date;
  faultType: FaultType;
  /** Running speed during the capture (Hz). */
  speedHz: number;
  seed: Seed;
  seconds?: number;
  /** Scales the fault's own components (a fault that is still developing is weaker). */
  severity?: number;
  header?: boolean;
}

/** `g3_sensor1_20261101T030000Z.csv`: machine, sensor and UTC capture time, as the sensors name their uploads. */
export function captureFileName(machine: number, sensor: number, capturedAt: Date): string {
  const stamp = isoSeconds(capturedAt).replace(/[-:]/g, '');
  return `${machineName(machine)}_sensor${sensor}_${stamp}.csv`;
}

export function captureRowCount(spec: CaptureSpec): number {
  return Math.ceil((spec.seconds ?? DEFAULT_CAPTURE_SECONDS) * sensorProfile(spec.machine, spec.sensor, spec.seed).samplingRateHz);
}

/** [time, value] samples of a steady-state capture, from the same physics as the recordings' columns. */
export function* captureRows(spec: CaptureSpec): Generator<readonly [number, number]> {
  const sensor = sensorProfile(spec.machine, spec.sensor, spec.seed);
  const random = new Random(spec.seed, 'capture', spec.machine, spec.sensor, spec.capturedAt.toISOString());
  const shaft = new Shaft(
    { baseHz: spec.speedHz, startupSeconds: 0, driftFraction: CAPTURE_SPEED_WOBBLE, driftPhases: [random.uniform(0, 2 * Math.PI), random.uniform(0, 2 * Math.PI)] },
    sensor.samplingRateHz,
  );
  const channel = new VibrationChannel(spec.faultType, machineProfile(spec.machine, spec.seed), sensor, random, spec.severity);
  const rows = captureRowCount(spec);
  for (let i = 0; i < rows; i++) {
    const { angle, speedRatio } = shaft.at(i);
    yield [i / sensor.samplingRateHz, channel.sample(angle, speedRatio)];
  }
}

function* captureLines(spec: CaptureSpec): Generator<string> {
  if (spec.header) yield CAPTURE_HEADER;
  for (const [t, value] of captureRows(spec)) yield `${t.toFixed(6)},${value.toFixed(6)}`;
}

export function captureChunks(spec: CaptureSpec, chunkBytes?: number): Generator<string> {
  return lineChunks(captureLines(spec), chunkBytes);
}

/** The machine runs with this fault from `from` on; a developing fault reaches full strength over a few days. */
export interface FaultOnset {
  machine: number;
  from: Date;
  faultType: FaultType;
}

/** On this UTC date, each capture of the machine shows unbalance or looseness with probability `faultShare`. */
export interface FaultSurge {
  machine: number;
  date: string;
  faultShare: number;
}

export interface FaultHistory {
  onsets: FaultOnset[];
  surges: FaultSurge[];
}

const SEVERITY_AT_ONSET = 0.7;
const SEVERITY_GROWTH_DAYS = 3;

const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);
const utcDate = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * The demo plant's week: g1 stays healthy; g2 develops unbalance from day 3, g3 looseness from day 5,
 * g4 both from day 6; g5 is healthy but for a fault surge on days 4 and 5 (like the seed's 26–27 April).
 */
export function scriptedFaultHistory(start: Date, surgeDates: readonly string[] = [utcDate(addDays(start, 3)), utcDate(addDays(start, 4))]): FaultHistory {
  return {
    onsets: [
      { machine: 2, from: addDays(start, 2), faultType: FaultType.Unbalance },
      { machine: 3, from: addDays(start, 4), faultType: FaultType.Looseness },
      { machine: 4, from: addDays(start, 5), faultType: FaultType.UnbalanceLooseness },
    ],
    surges: surgeDates.map((date) => ({ machine: 5, date, faultShare: 0.6 })),
  };
}

export interface CaptureCampaign {
  /** First capture (UTC). */
  start: Date;
  days: number;
  everyHours: number;
  machines: readonly number[];
  sensorsPerMachine: number;
  seconds: number;
  seed: Seed;
  history: FaultHistory;
  header?: boolean;
}

export interface PlannedCapture extends CaptureSpec {
  file: string;
  samplingRateHz: number;
}

/** Condition and speed of one capture under the fault history. */
function captureCondition(campaign: CaptureCampaign, machine: number, capturedAt: Date): { faultType: FaultType; severity: number; speedHz: number } {
  const random = new Random(campaign.seed, 'condition', machine, capturedAt.toISOString());
  // Load follows the day shift (±2.5 %) with ±2 % jitter: within ±5 % of nominal with the in-capture wobble.
  const hourOfDay = capturedAt.getUTCHours() + capturedAt.getUTCMinutes() / 60;
  const speedHz = NOMINAL_SPEED_HZ * (1 + 0.025 * Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24 + machine) + random.uniform(-0.02, 0.02));

  const onset = campaign.history.onsets.filter((o) => o.machine === machine && o.from.getTime() <= capturedAt.getTime()).sort((a, b) => b.from.getTime() - a.from.getTime())[0];
  if (onset) {
    const daysIn = (capturedAt.getTime() - onset.from.getTime()) / DAY_MS;
    const severity = SEVERITY_AT_ONSET + (1 - SEVERITY_AT_ONSET) * Math.min(1, daysIn / SEVERITY_GROWTH_DAYS);
    return { faultType: onset.faultType, severity, speedHz };
  }
  const surge = campaign.history.surges.find((s) => s.machine === machine && s.date === utcDate(capturedAt));
  if (surge && random.next() < surge.faultShare) {
    return { faultType: random.next() < 0.5 ? FaultType.Unbalance : FaultType.Looseness, severity: random.uniform(0.8, 1.1), speedHz };
  }
  return { faultType: FaultType.Normal, severity: 1, speedHz };
}

/** Every capture of the campaign in time order (then machine, sensor), with its truth. */
export function planCaptures(campaign: CaptureCampaign): PlannedCapture[] {
  const plan: PlannedCapture[] = [];
  const count = Math.ceil((campaign.days * 24) / campaign.everyHours);
  for (let k = 0; k < count; k++) {
    const capturedAt = new Date(campaign.start.getTime() + k * campaign.everyHours * HOUR_MS);
    for (const machine of campaign.machines) {
      const condition = captureCondition(campaign, machine, capturedAt);
      for (let sensor = 1; sensor <= campaign.sensorsPerMachine; sensor++) {
        plan.push({
          machine,
          sensor,
          capturedAt,
          ...condition,
          seed: campaign.seed,
          seconds: campaign.seconds,
          header: campaign.header,
          file: captureFileName(machine, sensor, capturedAt),
          samplingRateHz: sensorProfile(machine, sensor, campaign.seed).samplingRateHz,
        });
      }
    }
  }
  return plan;
}

function truthLine(capture: PlannedCapture): string {
  return [
    capture.file,
    machineName(capture.machine),
    capture.sensor,
    isoSeconds(capture.capturedAt),
    capture.faultType,
    capture.speedHz.toFixed(3),
    capture.samplingRateHz.toFixed(2),
  ].join(',');
}

export interface WrittenCaptures {
  files: number;
  rows: number;
  bytes: number;
  truthFile: string;
}

/** Writes every capture of the campaign into `dir`, then `captures-truth.csv` beside them. */
export async function writeCaptures(dir: string, campaign: CaptureCampaign): Promise<WrittenCaptures> {
  const plan = planCaptures(campaign);
  let rows = 0;
  let bytes = 0;
  for (const capture of plan) {
    bytes += await writeChunks(path.join(dir, capture.file), captureChunks(capture));
    rows += captureRowCount(capture);
  }
  const truthFile = path.join(dir, CAPTURES_TRUTH_FILE);
  await writeChunks(truthFile, lineChunks([CAPTURES_TRUTH_HEADER, ...plan.map(truthLine)]));
  return { files: plan.length, rows, bytes, truthFile };
}
