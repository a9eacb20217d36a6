/** Small, exact CSV files for ingest tests: every value is known, so stored rows can be compared. */

export interface CsvOptions {
  from?: number;
  header?: boolean;
  crlf?: boolean;
  bom?: boolean;
}

export const VIBRATION_HEADER = 'Time,Normal,Type 1,Type 2,Type 3';

/** Row i of a synthetic recording: time i/1350 s and four deterministic values. */
export function vibrationRow(i: number): string {
  const t = i / 1350;
  return [t, Math.sin(i) * 0.5, Math.sin(i / 3) * 2, Math.cos(i / 5), Math.sin(i / 7) - Math.cos(i / 11)].map((v) => v.toFixed(6)).join(',');
}

export function vibrationCsv(rows: number, opts: CsvOptions = {}): string {
  const from = opts.from ?? 0;
  const eol = opts.crlf ? '\r\n' : '\n';
  const lines = Array.from({ length: rows }, (_, k) => vibrationRow(from + k));
  if (opts.header) lines.unshift(VIBRATION_HEADER);
  return (opts.bom ? '\ufeff' : '') + lines.join(eol) + eol;
}

/** Replaces line `lineNo` (1-based, counting a header if present) of a CSV text. */
export function withLine(csv: string, lineNo: number, replacement: string): string {
  const lines = csv.split('\n');
  lines[lineNo - 1] = replacement;
  return lines.join('\n');
}
