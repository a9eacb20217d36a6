import { InvalidInputError, isUtcDay, utcDaysBetween } from '@him/contracts';

/** `from`..`to` are real days, in order, spanning at most `maxDays` (KPI_MAX_RANGE_DAYS); else a 400 naming the field. */
export function assertDayRange(from: string, to: string, maxDays: number): void {
  for (const [field, day] of [
    ['from', from],
    ['to', to],
  ]) {
    if (!isUtcDay(day)) throw new InvalidInputError(`${field} ${day} is not a calendar day`, [{ field, message: 'must be a calendar day, YYYY-MM-DD' }]);
  }
  if (from > to) throw new InvalidInputError(`from ${from} is after to ${to}`, [{ field: 'from', message: 'must not be after to' }]);
  const days = utcDaysBetween(from, to);
  if (days > maxDays) {
    throw new InvalidInputError(`${from}..${to} spans ${days} days; at most ${maxDays} (KPI_MAX_RANGE_DAYS)`, [
      { field: 'to', message: `at most ${maxDays} days after from, inclusive (KPI_MAX_RANGE_DAYS)` },
    ]);
  }
}
