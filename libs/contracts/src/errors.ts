import { CONFLICT, DEPENDENCY_UNAVAILABLE, INVALID_INPUT, NOT_ENOUGH_DATA, NOT_FOUND } from './failures';

/**
 * Domain errors. Services and activities throw these; each edge maps them once: the HTTP filter to a status code,
 * the worker's activity interceptor to an ApplicationFailure of `failureType` (non-retryable unless `retryable`).
 */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export abstract class DomainError extends Error {
  /** The HTTP error body's `code`. */
  abstract readonly code: string;
  /** The ApplicationFailure type when it crosses Temporal (failures.ts). */
  abstract readonly failureType: string;
  readonly retryable: boolean = false;
  constructor(
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  readonly code: string = 'INVALID_INPUT';
  readonly failureType: string = INVALID_INPUT;
}

export class NotFoundError extends DomainError {
  readonly code: string = 'NOT_FOUND';
  readonly failureType: string = NOT_FOUND;
}

export class ConflictError extends DomainError {
  readonly code: string = 'CONFLICT';
  readonly failureType: string = CONFLICT;
}

/** The database holds too little data for the job (a retrain's training and held-out sets). */
export class NotEnoughDataError extends ConflictError {
  override readonly code = 'NOT_ENOUGH_DATA';
  override readonly failureType = NOT_ENOUGH_DATA;
}

/** A dependency (database, Temporal) is down; the caller may retry later. */
export class DependencyUnavailableError extends DomainError {
  readonly code: string = 'DEPENDENCY_UNAVAILABLE';
  readonly failureType: string = DEPENDENCY_UNAVAILABLE;
  override readonly retryable = true;
}
