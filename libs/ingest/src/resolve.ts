import type { IngestKindName } from '@him/contracts';
import { hintsFromFileName } from './file-names';

export interface IngestRequestHints {
  kind?: IngestKindName;
  machineName?: string;
  sensorNo?: string;
  collectedAt?: string;
  startTime?: string;
}

/** Names the API takes (the ingest's machine_name and sensor_no, a lot code): what the database columns hold. */
const MACHINE_NAME = /^[\w.-]{1,50}$/;
const SENSOR_NO = /^[\w.-]{1,20}$/;
const LOT_CODE = /^[\w.-]{1,64}$/;

/** A name for messages: a few dozen characters of it at most. */
const quoted = (name: string) => `'${name.length > 40 ? `${name.slice(0, 40)}…` : name}'`;

/** A recording sent without collected_at is "undated": one fixed timestamp, so re-sending any part of it dedupes. */
export const UNDATED_RECORDING = '1970-01-01T00:00:00.000Z';

export type ResolvedIngest =
  | { kind: 'vibration'; machineName: string; sensorNo: string; collectedAt: string }
  | { kind: 'capture'; machineName: string; sensorNo: string; capturedAt: string }
  | { kind: 'tep'; lotCode: string; faultLabel?: number; startTime?: string };

/** Tells the kind from the first data line when neither the request nor the file name does. */
export function sniffKind(firstLine: string | undefined): IngestKindName | undefined {
  if (!firstLine) return undefined;
  const commas = firstLine.split(',').length;
  if (commas === 5) return 'vibration';
  if (commas === 2) return 'capture';
  if (commas === 1 && firstLine.trim().split(/\s+/).length >= 52) return 'tep';
  return undefined;
}

/**
 * Combines what the request says with what the file name says (the request wins) into everything the
 * ingest needs to know. Returns the problems instead when something is missing, naming the field.
 */
export function resolveIngest(
  fileName: string,
  req: IngestRequestHints,
  firstLine?: string,
): { ok: true; value: ResolvedIngest } | { ok: false; problems: { field: string; message: string }[] } {
  const name = hintsFromFileName(fileName);
  const kind = req.kind ?? name.kind ?? sniffKind(firstLine);
  const problems: { field: string; message: string }[] = [];
  if (!kind) {
    problems.push({
      field: 'kind',
      message: 'cannot tell the kind of file: pass kind (vibration, capture or tep) or name it like g1_sensor1.csv, g1_sensor1_20261101T030000Z.csv or d01.dat',
    });
    return { ok: false, problems };
  }
  if (kind === 'tep') {
    const lotCode = name.lotCode ?? fileName.replace(/\.[^.]*$/, '');
    if (!LOT_CODE.test(lotCode)) {
      problems.push({ field: 'file', message: `the lot code is the file name without .dat, and ${quoted(lotCode)} is not one: 1–64 letters, digits, _ . -` });
      return { ok: false, problems };
    }
    return { ok: true, value: { kind, lotCode, faultLabel: name.faultLabel, startTime: req.startTime } };
  }
  const machineName = req.machineName ?? name.machineName;
  const sensorNo = req.sensorNo ?? name.sensorNo;
  if (!machineName) problems.push({ field: 'machine_name', message: `machine_name is required: the file name '${fileName}' does not say it (g<machine>_sensor<n>…)` });
  else if (!MACHINE_NAME.test(machineName)) problems.push({ field: 'machine_name', message: `machine_name ${quoted(machineName)} must be 1–50 letters, digits, _ . -` });
  if (!sensorNo) problems.push({ field: 'sensor_no', message: `sensor_no is required: the file name '${fileName}' does not say it (g<machine>_sensor<n>…)` });
  else if (!SENSOR_NO.test(sensorNo)) problems.push({ field: 'sensor_no', message: `sensor_no ${quoted(sensorNo)} must be 1–20 letters, digits, _ . -` });
  if (kind === 'capture') {
    const capturedAt = req.collectedAt ?? name.capturedAt;
    if (!capturedAt && name.capturedAtProblem) problems.push({ field: 'collected_at', message: `${name.capturedAtProblem}: correct the name or pass collected_at` });
    else if (!capturedAt) problems.push({ field: 'collected_at', message: 'collected_at (capture time) is required: the file name does not say it (…_20261101T030000Z.csv)' });
    if (problems.length) return { ok: false, problems };
    return { ok: true, value: { kind, machineName: machineName!, sensorNo: sensorNo!, capturedAt: capturedAt! } };
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { kind, machineName: machineName!, sensorNo: sensorNo!, collectedAt: req.collectedAt ?? UNDATED_RECORDING } };
}
