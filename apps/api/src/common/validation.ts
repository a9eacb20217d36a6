import { applyDecorators, BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import type { ErrorDetail } from '@him/contracts';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The first string of a body that is not Unicode text: `"\ud800"` is valid JSON, but a lone surrogate is no character
 * (MySQL would store it as U+FFFD). Answers the field's path (`rows.3.name`; a key's own path for a bad key), or null.
 */
export function fieldWithLoneSurrogate(value: unknown, at = ''): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? at || '(body)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const field = at ? `${at}.${key}` : key;
    if (LONE_SURROGATE.test(key)) return field;
    const found = fieldWithLoneSurrogate(item, field);
    if (found) return found;
  }
  return null;
}
const LONE_SURROGATE = /\p{Cs}/u;

/** A JSON `null` body would reach the DTO as `{}`, as if nothing had been sent: refuse it instead; so is text that is not Unicode. */
class HouseValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === null) {
      throw new BadRequestException({ code: 'VALIDATION_FAILED', message: 'Request validation failed', details: [{ message: 'the body must be a JSON object, not null' }] });
    }
    const broken = metadata.type === 'body' || metadata.type === 'query' ? fieldWithLoneSurrogate(value) : null;
    if (broken) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'Request validation failed',
        details: [{ field: broken, message: `${broken} must be Unicode text: it holds a lone surrogate (a \\uD800–\\uDFFF escape without its pair)` }],
      });
    }
    return super.transform(value, metadata);
  }
}

/** The one global validation pipe: unknown fields are refused, and every error names its field. */
export function createValidationPipe(): ValidationPipe {
  return new HouseValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException({ code: 'VALIDATION_FAILED', message: 'Request validation failed', details: flatten(errors) }),
  });
}

/**
 * The field may be left out. Unlike class-validator's @IsOptional(), a null is validated like any other value (and so
 * refused): the OpenAPI document says a field is absent or has its type, never null.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** Query strings are text: '12' becomes 12, while '' and 'abc' stay as they are and fail the number check. */
export const ToNumber = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value));

/** Largest `offset`: far past any table here, and within what every database takes in LIMIT … OFFSET. */
export const MAX_PAGE_OFFSET = 1_000_000_000;

/** `offset` of a paged list: rows to skip, 0 unless asked (the property keeps `= 0` as its default). */
export const PageOffset = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      default: 0,
      minimum: 0,
      maximum: MAX_PAGE_OFFSET,
      description: 'Items to skip: 0 for the first page, then the previous offset + limit',
    }),
    Optional(),
    ToNumber(),
    IsInt(),
    Min(0),
    Max(MAX_PAGE_OFFSET),
  );

/** `limit` of a paged list: 1–1000 per page, 100 unless asked (the property keeps `= 100` as its default). */
export const PageLimit = (): PropertyDecorator =>
  applyDecorators(ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 }), Optional(), ToNumber(), IsInt(), Min(1), Max(1000));

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day written YYYY-MM-DD: the form, and a day that exists (2024-13-01 and 2026-02-30 are refused). */
export const IsDay = (): PropertyDecorator =>
  applyDecorators(
    Matches(DAY, { message: '$property must be a day, YYYY-MM-DD' }),
    ValidateBy({ name: 'isDay', validator: { validate: (value) => typeof value === 'string' && dayExists(value), defaultMessage: () => '$property must be a day that exists' } }),
  );

/** Read as UTC midnight and written back, an existing day is itself, any year from 0000 to 9999 (Date.UTC would move 0070 to 1970). */
function dayExists(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
