import * as fs from 'node:fs';
import type { RejectedLine } from '@him/contracts';
import { FORMATS } from './formats';
import { describeBadNumber, parseDecimal } from './numbers';
import { FileFormatError, scanLines } from './scanner';

export const TEP_VARIABLES = FORMATS.tep.columns.length;
/** Braatz runs are sampled every 3 minutes. */
export const TEP_SAMPLE_MS = 3 * 60_000;
/** A Braatz file is under 1 MB; anything far larger is not one. */
export const TEP_MAX_BYTES = 64 * 1024 * 1024;

export interface TepRun {
  /** observations[i][k]: variable k (XMEAS_1 … XMV_11) at sample i. */
  observations: number[][];
  /** The file stores variables as lines (as `d00.dat` does). */
  transposed: boolean;
  rejected: RejectedLine[];
  /** Observations with a bad value (each loses its 52 values). */
  rejectedObservations: number;
}

/**
 * Reads a Braatz `.dat` run: whitespace-separated, 52 values per observation. `d00.dat` is stored
 * transposed (52 lines of 500 values); that layout is recognised and turned back into observations.
 */
export async function readTepRun(file: string, keepRejected: number): Promise<TepRun> {
  if (fs.statSync(file).size > TEP_MAX_BYTES) throw new FileFormatError(`a TEP run is at most ${TEP_MAX_BYTES} bytes; this file is larger`);
  const lines: { lineNo: number; fields: string[] }[] = [];
  await scanLines(file, {
    onLine: (text, lineNo) => {
      if (text.trim() !== '') lines.push({ lineNo, fields: text.trim().split(/\s+/) });
    },
  });
  if (lines.length === 0) throw new FileFormatError('the file has no data lines');

  const width = lines[0].fields.length;
  const transposed = lines.length === TEP_VARIABLES && width !== TEP_VARIABLES && lines.every((l) => l.fields.length === width);
  const run: TepRun = { observations: [], transposed, rejected: [], rejectedObservations: 0 };
  const reject = (line: number, reason: string) => {
    run.rejectedObservations++;
    if (run.rejected.length < keepRejected) run.rejected.push({ line, reason });
  };

  if (transposed) {
    // A bad value in a transposed file spoils one observation (column) per bad field.
    const bad = new Map<number, string>();
    const grid = lines.map((l) => l.fields.map((f, i) => {
      const v = parseDecimal(f);
      if (v === null && !bad.has(i)) bad.set(i, `line ${l.lineNo} (${FORMATS.tep.columns[lines.indexOf(l)]}), value ${i + 1} ${describeBadNumber(f)}`);
      return v ?? NaN;
    }));
    for (let i = 0; i < width; i++) {
      if (bad.has(i)) reject(lines[0].lineNo, `observation ${i + 1}: ${bad.get(i)}`);
      else run.observations.push(grid.map((row) => row[i]));
    }
    return run;
  }
  for (const { lineNo, fields } of lines) {
    if (fields.length !== TEP_VARIABLES) {
      reject(lineNo, `expected ${TEP_VARIABLES} values (XMEAS_1 … XMV_11), found ${fields.length}`);
      continue;
    }
    const values = fields.map(parseDecimal);
    const badAt = values.findIndex((v) => v === null);
    if (badAt >= 0) reject(lineNo, `column '${FORMATS.tep.columns[badAt]}' ${describeBadNumber(fields[badAt])}`);
    else run.observations.push(values as number[]);
  }
  return run;
}
