// How numbers and times read on every page.

/** A fraction as a percentage; a missing value as a dash. */
export const percent = (value: number | null | undefined, digits = 1): string => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)} %`);

/** An instant in UTC to the second, as the API's plant records are kept: `2026-12-05 18:00:02Z`. */
export const utcText = (value: string | number | Date): string =>
  new Date(value)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

/** Text from the API put into an ECharts HTML tooltip. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
