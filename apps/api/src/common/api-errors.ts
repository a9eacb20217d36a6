import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

/** What each error status means on this API; a route adds its own wording where it has one. */
const ERROR_DESCRIPTIONS = {
  400: 'The request does not match this operation (details name each field), or a rule the schema cannot state refused it',
  401: 'No API key in X-API-Key, or an unknown or revoked one',
  403: 'The key’s role is below what this operation needs',
  404: 'The resource named in the path does not exist',
  409: 'The request conflicts with the current state',
  410: 'The resource existed but is gone for good',
  413: 'The body or file is larger than this operation accepts',
  429: 'Too many requests for this key; retry after the time in Retry-After',
  503: 'A dependency (database or Temporal) is not reachable; retry shortly',
} as const;

export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/**
 * Documents error answers in the ErrorBody shape: each status with the house wording, or `[status, wording]`
 * for a route-specific one. On a class it applies to every route of the controller.
 */
export function ApiErrorResponses(...statuses: (ErrorStatus | [ErrorStatus, string])[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, ERROR_DESCRIPTIONS[entry]];
      return ApiResponse({ status, type: ErrorBody, description });
    }),
  );
}

/**
 * A controller behind the API key guard and the rate limit: documents the key and the 401, 403 and 429
 * answers that every such route can give (both guards are global, so every route but @Public() ones has them).
 */
export const ApiKeyAuth = (): ClassDecorator & MethodDecorator => applyDecorators(ApiSecurity('api-key'), ApiErrorResponses(401, 403, 429));
