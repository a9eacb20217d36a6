import { BadRequestException, PayloadTooLargeException, type PipeTransform, type ValidationError } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ErrorDetail } from '@him/contracts';

/** A 10,000-row upload with every row bad would otherwise answer with 90,000 details. */
const MAX_DETAILS = 100;

export class BulkInsertResponseDto {
  @ApiProperty({ example: 1000, description: 'Rows in the request' }) received!: number;
  @ApiProperty({ example: 950, description: 'Rows stored by this request' }) inserted!: number;
  @ApiProperty({ example: 50, description: 'Rows already stored (same natural key), left unchanged' }) duplicate!: number;
}

function flatten(errors: ValidationError[], parent: string): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = `${parent}.${e.property}`;
    return [...Object.values(e.constraints ?? {}).map((message) => ({ field, message })), ...flatten(e.children ?? [], field)];
  });
}

function invalid(message: string, details: ErrorDetail[]): BadRequestException {
  return new BadRequestException({ code: 'VALIDATION_FAILED', message, details });
}

/**
 * A bulk body: a bare JSON array of rows (as the seed's clients post) or `{ "rows": [...] }`. Each row is
 * validated like a single-row body, errors name the row (`3.normal` or `rows.3.normal`), and one bad row
 * refuses the whole request so a client never has to work out which part was stored.
 */
export class BulkRowsPipe<T extends object> implements PipeTransform<unknown, T[]> {
  constructor(
    private readonly rowType: ClassConstructor<T>,
    private readonly maxRows: number,
  ) {}

  transform(body: unknown): T[] {
    const envelope = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
    const rows = Array.isArray(body) ? body : envelope?.rows;
    if (!Array.isArray(rows) || (envelope && Object.keys(envelope).length !== 1)) {
      throw invalid('Request validation failed', [{ field: 'rows', message: 'the body must be a JSON array of rows or an object { "rows": [...] }' }]);
    }
    if (rows.length > this.maxRows) {
      throw new PayloadTooLargeException({
        code: 'PAYLOAD_TOO_LARGE',
        message: `At most ${this.maxRows} rows per request; this one has ${rows.length}. Send them in batches.`,
      });
    }
    const prefix = envelope ? 'rows.' : '';
    const details: ErrorDetail[] = [];
    let badRows = 0;
    const refuse = (rowDetails: ErrorDetail[]) => {
      badRows++;
      if (details.length < MAX_DETAILS) details.push(...rowDetails);
    };
    const instances = rows.map((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        refuse([{ field: `${prefix}${i}`, message: 'each row must be a JSON object' }]);
        return undefined;
      }
      const instance = plainToInstance(this.rowType, row);
      const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
      if (errors.length > 0) refuse(flatten(errors, `${prefix}${i}`));
      return instance;
    });
    if (badRows > 0) {
      throw invalid(`${badRows} of ${rows.length} rows are invalid; nothing was stored`, details.slice(0, MAX_DETAILS));
    }
    return instances as T[];
  }
}
