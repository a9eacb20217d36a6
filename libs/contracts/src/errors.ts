/**
 * Domain errors. Services throw these; each edge maps them once: the HTTP filter to a status code,
 * activities to ApplicationFailure (non-retryable when `retryable` is false).
 */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly retryable: boolean = false;
  constructor(message: string, readonly details?: ErrorDetail[]) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

/** A dependency (database, Temporal) is down; the caller may retry later. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  override readonly retryable = true;
}
