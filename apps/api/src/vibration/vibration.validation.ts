import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { buildMessage, IsNumber, IsString, Length, Matches, ValidateBy, type ValidationArguments } from 'class-validator';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
/** `datetime(3)` columns hold 1970 (the undated recording) up to MySQL's last representable instant. */
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses an ISO 8601 date-time. One without an offset is UTC (the seed stored naive UTC datetimes), whatever the
 * server's time zone. Impossible dates (30 February) and instants the columns cannot hold give undefined.
 */
export function parseUtcDateTime(text: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  // Date.UTC rolls overflowing fields into the next unit; a changed field means the input was impossible.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const zone = m[8]?.toUpperCase() ?? 'Z';
  const offsetMinutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const utc = local - offsetMinutes * 60_000;
  return utc >= 0 && utc <= MAX_DATE_MS ? new Date(utc) : undefined;
}

/** An ISO 8601 date-time string, turned into a Date; refused with a message naming the field otherwise. */
export function IsUtcDateTime(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseUtcDateTime(value) ?? value) : value)),
    ValidateBy({
      name: 'isUtcDateTime',
      validator: {
        validate: (value) => value instanceof Date,
        defaultMessage: buildMessage((each) => `${each}$property must be an ISO 8601 date-time between 1970-01-01 and 9999-12-31 (UTC unless it carries an offset)`),
      },
    }),
  );
}

/** Numbers only: strings, null and (from `1e400`) Infinity are refused. */
export const IsFiniteNumber = (options: { each?: boolean } = {}) =>
  IsNumber(
    { allowNaN: false, allowInfinity: false },
    { each: options.each, message: options.each ? 'each of $property must be a finite number' : '$property must be a finite number' },
  );

export const IsMachineName = () => applyDecorators(IsString(), Length(1, 50), Matches(/^[\w.-]+$/, { message: '$property may contain only letters, digits and . _ -' }));

export const IsSensorNo = (minLength = 1) =>
  applyDecorators(IsString(), Length(minLength, 20), Matches(/^[\w.-]*$/, { message: '$property may contain only letters, digits and . _ -' }));

/** Query strings are text: '12' becomes 12, while '' and 'abc' stay as they are and fail the number check. */
export const ToNumber = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value));

/** This field (a number or a Date) must not be below `other`; checked only when both are present and valid. */
export function IsNotLessThanField(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'isNotLessThanField',
    constraints: [other],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const bound = (args?.object as Record<string, unknown> | undefined)?.[other];
        const comparable = (v: unknown): v is number | Date => (typeof v === 'number' && Number.isFinite(v)) || (v instanceof Date && !isNaN(v.getTime()));
        return !comparable(value) || !comparable(bound) || +value >= +bound;
      },
      defaultMessage: buildMessage((each) => `${each}$property must not be less than ${other}`),
    },
  });
}
