// A small synthetic file in the Braatz Tennessee Eastman layout (NOT the real data), for tests that must run
// without ../shared/data/tep. Magnitudes follow normal operation: XMEAS(1..41), then XMV(1..11).
import { writeChunks } from './files';
import { Random, Seed } from './random';

/** [mean, standard deviation] per column in normal operation. */
const TEP_NORMAL_OPERATION: readonly (readonly [number, number])[] = [
  [0.25025, 0.0309],
  [3661.5, 34.8],
  [4511, 38.8],
  [9.3441, 0.0797],
  [26.902, 0.205],
  [42.328, 0.22],
  [2705.7, 6.88],
  [75.019, 0.528],
  [120.4, 0.0198],
  [0.33686, 0.0122],
  [80.087, 0.228],
  [49.93, 1.03],
  [2634.4, 7.17],
  [25.186, 1.04],
  [49.959, 1.04],
  [3102.9, 6.16],
  [22.907, 0.601],
  [65.853, 0.464],
  [234.02, 10.8],
  [341.42, 1.56],
  [94.605, 0.128],
  [77.279, 0.262],
  // Reactor feed and purge analysers, XMEAS(23..36).
  [32.189, 0.288],
  [8.897, 0.104],
  [26.403, 0.311],
  [6.8826, 0.11],
  [18.771, 0.282],
  [1.6566, 0.0249],
  [32.959, 0.346],
  [13.825, 0.105],
  [23.989, 0.379],
  [1.2535, 0.106],
  [18.551, 0.322],
  [2.2649, 0.0257],
  [4.8378, 0.0652],
  [2.3, 0.0541],
  // Product analyser, XMEAS(37..41).
  [0.018524, 0.0102],
  [0.83546, 0.0174],
  [0.0981, 0.0102],
  [53.712, 0.503],
  [43.873, 0.548],
  // XMV(1..11).
  [63.021, 0.589],
  [53.986, 0.441],
  [24.62, 3.04],
  [61.301, 1.26],
  [22.232, 0.493],
  [40.017, 1.47],
  [37.893, 3.04],
  [46.438, 2.41],
  [48.407, 2.86],
  [41.102, 0.552],
  [18.228, 1.42],
];

export const TEP_VARIABLE_COUNT = TEP_NORMAL_OPERATION.length;

/** Analysers are sampled and held: feed/purge (columns 23–36) every 2 rows, product (37–41) every 5 rows. */
function holdRows(column: number): number {
  if (column >= 22 && column <= 35) return 2;
  if (column >= 36 && column <= 40) return 5;
  return 1;
}

/** Successive 3-minute samples are correlated: a first-order autoregression per variable. */
const AUTOCORRELATION = 0.8;

/** A step disturbance: from `fromRow` on, each listed variable (0-based column) runs `sigmas` standard deviations off. */
export interface TepDisturbance {
  fromRow: number;
  shifts: readonly { column: number; sigmas: number }[];
}

/**
 * `rows` × 52 observations, rounded to 5 significant digits like the published files; with a disturbance, the
 * listed variables step away from normal operation at its row, as a fault's first effects do.
 */
export function tepSampleRows(rows: number, seed: Seed, disturbance?: TepDisturbance): number[][] {
  const random = new Random(seed, 'tep');
  const state = TEP_NORMAL_OPERATION.map(() => random.gaussian());
  const current = new Array<number>(TEP_VARIABLE_COUNT).fill(0);
  const observations: number[][] = [];
  for (let r = 0; r < rows; r++) {
    TEP_NORMAL_OPERATION.forEach(([mean, sd], c) => {
      if (r % holdRows(c) !== 0) return;
      state[c] = AUTOCORRELATION * state[c] + Math.sqrt(1 - AUTOCORRELATION ** 2) * random.gaussian();
      const shift = disturbance && r >= disturbance.fromRow ? (disturbance.shifts.find((d) => d.column === c)?.sigmas ?? 0) : 0;
      // Flows, levels, compositions and valve positions are never negative.
      current[c] = Number(Math.max(0, mean + sd * (state[c] + shift)).toPrecision(5));
    });
    observations.push([...current]);
  }
  return observations;
}

/**
 * C's `%.7e`: 8 significant digits and at least two exponent digits (`2.5038000e-01`). JavaScript rounds exact
 * binary ties away from zero where glibc rounds them to even; 5-digit data never hits one.
 */
export function formatC7e(value: number): string {
  return value.toExponential(7).replace(/e([+-])(\d)$/, (_, sign: string, digit: string) => `e${sign}0${digit}`);
}

/** Each value as 3 spaces + `%.7e`, one observation per line; `transposed` writes one variable per line like `d00.dat`. */
export function tepText(observations: readonly (readonly number[])[], transposed = false): string {
  const lines = transposed ? TEP_NORMAL_OPERATION.map((_, c) => observations.map((o) => o[c])) : observations;
  return lines.map((values) => values.map((v) => `   ${formatC7e(v)}`).join('') + '\n').join('');
}

export interface WrittenTepSample {
  rows: number;
  bytes: number;
  transposedBytes: number;
}

export async function writeTepSample(file: string, transposedFile: string, rows: number, seed: Seed): Promise<WrittenTepSample> {
  const observations = tepSampleRows(rows, seed);
  const bytes = await writeChunks(file, [tepText(observations)]);
  const transposedBytes = await writeChunks(transposedFile, [tepText(observations, true)]);
  return { rows, bytes, transposedBytes };
}

/** One TEP-shaped run (a lot), as the published files are laid out: one observation per line. */
export async function writeTepRun(file: string, rows: number, seed: Seed, disturbance?: TepDisturbance): Promise<number> {
  return writeChunks(file, [tepText(tepSampleRows(rows, seed, disturbance))]);
}
