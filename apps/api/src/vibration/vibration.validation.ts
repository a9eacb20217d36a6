import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { buildMessage, IsNumber, IsString, Length, Matches, ValidateBy, type ValidationArguments } from 'class-validator';

// The validators below also document themselves (type, lengths, pattern, format) so the OpenAPI document states
// exactly what they enforce. An explicit @ApiProperty above them adds examples and descriptions.

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i;
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

/**
 * Exactly the texts parseUtcDateTime takes, as a pattern for the OpenAPI document: a real calendar day (30 February and
 * 29 February 1973 are not), an optional time and offset, and years 1970 to 9999. It is not the `date-time` format:
 * offset-less and date-only forms are accepted too. At the ends of the range it is stricter than the parser: on
 * 1970-01-01 and 9999-12-31 it admits only offsets that cannot leave the range, and 1969-12-31 not at all. ASCII
 * classes, not \d, so every regex engine reads it alike.
 */
export const UTC_DATE_TIME_PATTERN = (() => {
  const days = (last: number) => (last === 31 ? '(0[1-9]|[12][0-9]|3[01])' : last === 30 ? '(0[1-9]|[12][0-9]|30)' : '(0[1-9]|1[0-9]|2[0-8])');
  const monthDays = (months: string[]) => months.map((m) => `${m}-${days(['04', '06', '09', '11'].includes(m) ? 30 : m === '02' ? 28 : 31)}`).join('|');
  const allMonths = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];
  const leapYears = '(19(7[26]|8[048]|9[26])|[2-9][0-9](0[48]|[2468][048]|[13579][26])|([2468][048]|[3579][26])00)';
  const date = [
    `(197[1-9]|19[89][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-(${monthDays(allMonths)})`,
    `${leapYears}-02-29`,
    `1970-(01-(0[2-9]|[12][0-9]|3[01])|${monthDays(allMonths.slice(1))})`,
    `9999-(${monthDays(allMonths.slice(0, 11))}|12-(0[1-9]|[12][0-9]|30))`,
  ].join('|');
  const time = '[Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?';
  const offset = (signs: string) => `[${signs}]([01][0-9]|2[0-3]):?[0-5][0-9]`;
  const zone = (signs: string) => `([Zz]|[+-]00:?00|${offset(signs)})`;
  return `^((${date})(${time})?${zone('+-')}?|1970-01-01(${time})?${zone('-')}?|9999-12-31(${time})?${zone('+')}?)$`;
})();

/** An ISO 8601 date-time string, turned into a Date; refused with a message naming the field otherwise. */
export function IsUtcDateTime(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, pattern: UTC_DATE_TIME_PATTERN }),
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
  applyDecorators(
    ApiProperty(options.each ? { type: [Number] } : { type: Number }),
    IsNumber(
      { allowNaN: false, allowInfinity: false },
      { each: options.each, message: options.each ? 'each of $property must be a finite number' : '$property must be a finite number' },
    ),
  );

/** `[\w.-]` spelled out: JavaScript's \w is ASCII, other engines' (Python's) is Unicode. */
const NAME = /^[A-Za-z0-9_.-]*$/;

function IsName(minLength: number, maxLength: number): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, minLength, maxLength, pattern: NAME.source }),
    IsString(),
    Length(minLength, maxLength),
    Matches(NAME, { message: '$property may contain only letters, digits and . _ -' }),
  );
}

export const IsMachineName = () => IsName(1, 50);

export const IsSensorNo = (minLength = 1) => IsName(minLength, 20);

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
