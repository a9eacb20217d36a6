import type { IngestKindName } from '@him/contracts';

export interface LineFormat {
  kind: IngestKindName;
  /** Column names, for messages and header detection. */
  columns: string[];
  /** ',' for CSV; null for whitespace-separated (Braatz .dat files). */
  separator: ',' | null;
  /** Columns that must not be negative: their database column is unsigned, so MySQL refuses the row on every retry. */
  nonNegative?: readonly number[];
}

export const FORMATS: Record<IngestKindName, LineFormat> = {
  vibration: { kind: 'vibration', columns: ['Time', 'Normal', 'Type 1', 'Type 2', 'Type 3'], separator: ',' },
  capture: { kind: 'capture', columns: ['Time', 'Value'], separator: ',', nonNegative: [0] },
  tep: {
    kind: 'tep',
    columns: [...Array.from({ length: 41 }, (_, i) => `XMEAS_${i + 1}`), ...Array.from({ length: 11 }, (_, i) => `XMV_${i + 1}`)],
    separator: null,
  },
};

export function splitFields(line: string, format: LineFormat): string[] {
  return format.separator ? line.split(format.separator) : line.trim().split(/\s+/);
}

/** A field of a header as a column name: any case, spaces trimmed, invisible formatting characters (U+200B, U+200F…) dropped. */
const columnName = (field: string) =>
  field
    .replace(/\p{Cf}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');

/** True for a header line (column names in any case, spaces around commas and invisible formatting characters allowed). */
export function isHeader(fields: string[], format: LineFormat): boolean {
  return fields.length === format.columns.length && fields.every((f, i) => columnName(f) === format.columns[i].toLowerCase());
}

/** True for a line of the format's column names in another order, or with one twice: a header that would misplace every value. */
export function isMisorderedHeader(fields: string[], format: LineFormat): boolean {
  const names = format.columns.map((c) => c.toLowerCase());
  return fields.length === format.columns.length && fields.every((f) => names.includes(columnName(f))) && !isHeader(fields, format);
}
