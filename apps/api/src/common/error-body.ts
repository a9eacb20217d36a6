import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorDetail } from '@him/contracts';

/** One reason a request was refused; `field` names the input it is about (`rows.3.normal`), when there is one. */
export class ErrorDetailDto implements ErrorDetail {
  @ApiPropertyOptional({ example: 'older_than_days', description: 'The field (dotted path for nested fields and rows)' })
  field?: string;

  @ApiProperty({ example: 'older_than_days must not be less than 1' })
  message!: string;

  [key: string]: unknown;
}

/** The one JSON shape of every 4xx/5xx answer. */
export class ErrorBody {
  @ApiProperty({ type: 'integer', example: 400 })
  status!: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: 'Request validation failed' })
  message!: string;

  @ApiPropertyOptional({
    type: [ErrorDetailDto],
    description: 'Each refused field or reason; some carry more keys (e.g. `reason`, `line`). Absent when there is nothing beyond the message.',
  })
  details?: ErrorDetailDto[];

  @ApiProperty({ example: '/api/v1/jobs/audit-retention' })
  path!: string;

  @ApiProperty({ example: 'req-7f3c2a' })
  request_id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T08:00:00.000Z' })
  timestamp!: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

export function defaultCode(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
}

export function errorBody(status: number, code: string, message: string, req: { url: string; id: string }, details?: ErrorDetail[]): ErrorBody {
  return {
    status,
    code,
    message,
    ...(details?.length ? { details } : {}),
    path: req.url.split('?')[0],
    request_id: req.id,
    timestamp: new Date().toISOString(),
  };
}
