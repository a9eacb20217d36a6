import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import type { ErrorDetail } from '@him/contracts';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** A JSON `null` body would reach the DTO as `{}`, as if nothing had been sent: refuse it instead. */
class HouseValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === null) {
      throw new BadRequestException({ code: 'VALIDATION_FAILED', message: 'Request validation failed', details: [{ message: 'the body must be a JSON object, not null' }] });
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
