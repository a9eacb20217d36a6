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

/** True for a header line (column names in any case, spaces around commas allowed). */
export function isHeader(fields: string[], format: LineFormat): boolean {
  return fields.length === format.columns.length && fields.every((f, i) => f.trim().toLowerCase().replace(/\s+/g, ' ') === format.columns[i].toLowerCase());
}
