/**
 * A plain decimal number as sensors write it. Number() alone is too lenient for ingest: it reads '' and ' '
 * as 0, '0x1f' as 31 and 'Infinity' as a number, and LOAD DATA would store any leftover as 0.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value of a decimal field, or null when the field is not a finite decimal number. */
export function parseDecimal(field: string): number | null {
  if (!DECIMAL.test(field)) return null;
  const value = Number(field);
  return Number.isFinite(value) ? value : null;
}

/** Why a field is not a number, in the words an engineer fixing the file needs. */
export function describeBadNumber(field: string): string {
  if (field.trim() === '') return 'is empty';
  if (/^[+-]?(nan|inf(inity)?)$/i.test(field.trim())) return `is ${field.trim()}, not a finite number`;
  return `is not a number ('${field.length > 20 ? `${field.slice(0, 20)}…` : field}')`;
}
