import * as path from 'node:path';
import type { IngestKindName } from '@him/contracts';

const RECORDING = /^g(\d+)_sensor(\d+)\.csv$/i;
const CAPTURE = /^g(\d+)_sensor(\d+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.csv$/i;
const TEP_RUN = /^(d(\d{2})(?:_te)?)\.dat$/i;

export interface NameHints {
  kind?: IngestKindName;
  machineName?: string;
  sensorNo?: string;
  capturedAt?: string;
  /** Why the capture time the name spells is no instant (30 February, hour 25): the name cannot date the capture. */
  capturedAtProblem?: string;
  lotCode?: string;
  faultLabel?: number;
}

/** What a file's name says about it: `g1_sensor3.csv`, `g2_sensor1_20261101T030000Z.csv`, `d05_te.dat`. */
export function hintsFromFileName(fileName: string): NameHints {
  const base = path.basename(fileName);
  let m = CAPTURE.exec(base);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(3, 9).map(Number);
    const at = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    // Date.UTC rolls 30 February over into March: a field that changed means the name spells no real instant.
    const real = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
    const hints: NameHints = { kind: 'capture', machineName: `g${m[1]}`, sensorNo: m[2] };
    if (real && year >= 1970) return { ...hints, capturedAt: `${m[3]}-${m[4]}-${m[5]}T${m[6]}:${m[7]}:${m[8]}.000Z` };
    return { ...hints, capturedAtProblem: `the capture time in the file name (${m.slice(3, 6).join('')}T${m.slice(6, 9).join('')}Z) is not a real date and time from 1970 on` };
  }
  m = RECORDING.exec(base);
  if (m) return { kind: 'vibration', machineName: `g${m[1]}`, sensorNo: m[2] };
  m = TEP_RUN.exec(base);
  if (m) return { kind: 'tep', lotCode: m[1].toLowerCase(), faultLabel: Number(m[2]) };
  if (/\.dat$/i.test(base)) return { kind: 'tep', lotCode: base.replace(/\.dat$/i, '') };
  return {};
}

/**
 * A file name we can store and show: a plain name, no folders, no `..`, no control characters.
 * Returns the reason it is unsafe, or null when it is fine.
 */
export function unsafeFileNameReason(name: string): string | null {
  if (name.length === 0 || name.length > 255) return 'must be 1–255 characters';
  if (/[/\\]/.test(name)) return 'must not contain / or \\ (no folders)';
  if (name === '.' || name === '..' || name.includes('..')) return 'must not contain ..';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f-\x9f]/.test(name)) return 'must not contain control characters';
  // Shown in the ledger and the dashboard, a right-to-left override makes `report\u202Evsc.exe` read `reportexe.csv`.
  const invisible = /\p{Cf}/u.exec(name);
  if (invisible) return `must not contain invisible formatting characters (U+${invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  return null;
}
