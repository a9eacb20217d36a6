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
  if (parseDecimal(field.trim()) !== null) return `has spaces around the number ('${field}')`;
  return `is not a number ('${visible(field.length > 20 ? `${field.slice(0, 20)}…` : field)}')`;
}

/** Characters a message would show as nothing (zero-width, direction marks, control characters) written as <U+200B>. */
function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}
