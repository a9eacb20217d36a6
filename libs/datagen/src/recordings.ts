// KAMP "rotating-machine fault type" recordings: one rig run per machine and sensor, four conditions side by side.
import { lineChunks, writeChunks, WrittenFile } from './files';
import { Random, Seed } from './random';
import { FaultType, machineName, machineProfile, NOMINAL_SPEED_HZ, sensorProfile, Shaft, SpeedProfile, VibrationChannel } from './rig';

/** The header some copies of the files carry; the originals have none. */
export const RECORDING_HEADER = 'Time,Normal,Type 1,Type 2,Type 3';

export interface RecordingSpec {
  machine: number;
  sensor: number;
  seed: Seed;
  /** Length of the run; 140 s like the originals. */
  seconds?: number;
  /** Start-up ramp from standstill; 0 starts at steady state (used for the small committed samples). */
  startupSeconds?: number;
  /** The speed the run settles at (Hz); nominal 25 Hz when omitted. */
  speedHz?: number;
  header?: boolean;
}

/** time, normal, unbalance (Type 1), looseness (Type 2), unbalance + looseness (Type 3). */
export type RecordingRow = readonly [number, number, number, number, number];

const DEFAULT_SECONDS = 140;
const DEFAULT_STARTUP_SECONDS = 30;
/** Supply and load make the speed wander ±1.5 % during a run. */
const RUN_SPEED_DRIFT = 0.015;
const COLUMNS: readonly FaultType[] = [FaultType.Normal, FaultType.Unbalance, FaultType.Looseness, FaultType.UnbalanceLooseness];

export const recordingFileName = (machine: number, sensor: number): string => `${machineName(machine)}_sensor${sensor}.csv`;

export function recordingSamplingRateHz(spec: RecordingSpec): number {
  return sensorProfile(spec.machine, spec.sensor, spec.seed).samplingRateHz;
}

/** Data rows (header excluded): one per sample in [0, seconds). */
export function recordingRowCount(spec: RecordingSpec): number {
  return Math.ceil((spec.seconds ?? DEFAULT_SECONDS) * recordingSamplingRateHz(spec));
}

export function* recordingRows(spec: RecordingSpec): Generator<RecordingRow> {
  const sensor = sensorProfile(spec.machine, spec.sensor, spec.seed);
  const machine = machineProfile(spec.machine, spec.seed);
  const runRandom = new Random(spec.seed, 'recording', spec.machine, spec.sensor, 'speed');
  const speed: SpeedProfile = {
    baseHz: spec.speedHz ?? NOMINAL_SPEED_HZ,
    startupSeconds: spec.startupSeconds ?? DEFAULT_STARTUP_SECONDS,
    driftFraction: RUN_SPEED_DRIFT,
    driftPhases: [runRandom.uniform(0, 2 * Math.PI), runRandom.uniform(0, 2 * Math.PI)],
  };
  // One shaft for all four columns (same run), each column with its own noise.
  const shaft = new Shaft(speed, sensor.samplingRateHz);
  const [normal, unbalance, looseness, both] = COLUMNS.map(
    (faultType) => new VibrationChannel(faultType, machine, sensor, new Random(spec.seed, 'recording', spec.machine, spec.sensor, faultType)),
  );
  const rows = recordingRowCount(spec);
  for (let i = 0; i < rows; i++) {
    const { angle, speedRatio } = shaft.at(i);
    yield [i / sensor.samplingRateHz, normal.sample(angle, speedRatio), unbalance.sample(angle, speedRatio), looseness.sample(angle, speedRatio), both.sample(angle, speedRatio)];
  }
}

function* recordingLines(spec: RecordingSpec): Generator<string> {
  if (spec.header) yield RECORDING_HEADER;
  for (const [t, normal, unbalance, looseness, both] of recordingRows(spec)) {
    yield `${t.toFixed(6)},${normal.toFixed(6)},${unbalance.toFixed(6)},${looseness.toFixed(6)},${both.toFixed(6)}`;
  }
}

/** The file's text in ~64 KiB chunks, for streaming to disk or to an upload. */
export function recordingChunks(spec: RecordingSpec, chunkBytes?: number): Generator<string> {
  return lineChunks(recordingLines(spec), chunkBytes);
}

export async function writeRecording(file: string, spec: RecordingSpec): Promise<WrittenFile> {
  const bytes = await writeChunks(file, recordingChunks(spec));
  return { path: file, rows: recordingRowCount(spec), bytes };
}
