// Checks of schedule settings, done at start so a typo is a clear start-up error instead of a schedule Temporal refuses
// (or, worse, one that silently never fires).

const CRON_SHORTHANDS = ['@yearly', '@monthly', '@weekly', '@daily', '@hourly'];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
}
const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: WEEKDAYS },
];

function fieldValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

/** Why one cron field is wrong, or null. */
function cronFieldProblem(text: string, field: CronField): string | null {
  for (const item of text.split(',')) {
    const [range, step, ...extra] = item.split('/');
    if (extra.length || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `${field.name} '${item}' has a bad step`;
    if (range === '*') continue;
    const [from, to, ...more] = range.split('-');
    const start = fieldValue(from, field);
    const end = to === undefined ? start : fieldValue(to, field);
    if (more.length || start === undefined || end === undefined || end < start) {
      return `${field.name} '${item}' is not a value or range within ${field.min}–${field.max}${field.names ? ` (or ${field.names[0]}–${field.names.at(-1)})` : ''}`;
    }
  }
  return null;
}

/**
 * Why a cron expression is not one Temporal takes as we mean it, or null when it is fine: five fields (minute hour
 * day-of-month month day-of-week) with values, ranges, lists and steps, or a shorthand such as `@daily`. No `CRON_TZ=`
 * prefix (the timezone is its own setting) and no `@every` (an interval, not a time of day).
 */
export function cronProblem(cron: string): string | null {
  const text = cron.trim();
  if (text.startsWith('@')) return CRON_SHORTHANDS.includes(text) ? null : `unknown shorthand '${text}' (use one of ${CRON_SHORTHANDS.join(', ')} or five fields)`;
  if (/TZ=/i.test(text)) return 'must not name a timezone (set PLANT_TIMEZONE instead)';
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `must have five fields (minute hour day-of-month month day-of-week), not ${fields.length}`;
  for (const [i, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], field);
    if (problem) return problem;
  }
  return null;
}

/** Whether the runtime knows this IANA timezone (Temporal loads the same tz database on the server). */
export function isIanaTimezone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const DURATION_UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10 minutes`, `6h`, `1 day` → milliseconds; undefined when not such a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)$/i.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS_MS[m[2][0].toLowerCase()];
}
