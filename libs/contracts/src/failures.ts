import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';

/**
 * Every ApplicationFailure type a job fails with on purpose. Domain errors (errors.ts) carry theirs across Temporal
 * (the worker's activity interceptor); activities that build a failure themselves use these names too.
 */
export const INVALID_INPUT = 'InvalidInput';
export const NOT_FOUND = 'NotFound';
export const CONFLICT = 'Conflict';
/** Retryable: a dependency (database, model store) is not there right now. */
export const DEPENDENCY_UNAVAILABLE = 'DependencyUnavailable';
/** A file refused for its content; the reasons (rejected lines) are in the failure's details. */
export const FILE_REJECTED = 'FileRejected';
/** A file is not (or no longer) the content the job names: changed after it was sent, or while it was loaded. */
export const FILE_CHANGED = 'FileChanged';
/** A job names a file outside the upload store and the data directory, or asks to delete one that is not an upload. */
export const FILE_NOT_ALLOWED = 'FileNotAllowed';
/** An ingest's committed chunks do not add up to what validation counted. */
export const NOT_RECONCILED = 'NotReconciled';
/** The ledger already holds a successful ingest of this content. */
export const ALREADY_INGESTED = 'AlreadyIngested';
/** The database holds too little data to train and hold out. */
export const NOT_ENOUGH_DATA = 'NotEnoughData';

/** Failure types whose messages are written for whoever started the job: job status and the ingest ledger show them. */
export const DOMAIN_FAILURE_TYPES: readonly string[] = [
  INVALID_INPUT,
  NOT_FOUND,
  CONFLICT,
  DEPENDENCY_UNAVAILABLE,
  FILE_REJECTED,
  FILE_CHANGED,
  FILE_NOT_ALLOWED,
  NOT_RECONCILED,
  ALREADY_INGESTED,
  NOT_ENOUGH_DATA,
];

/** Why a job failed, fit to show any reader of job status or the ledger. */
export interface JobFailure {
  type: string;
  message: string;
  /** A domain failure's structured reasons, e.g. the rejected lines of a file. */
  details?: unknown;
}

/**
 * The root cause of a failed job, past Temporal's wrappers ("Activity task failed"). A domain failure keeps its
 * message; any other error (an SQL message, a file path, a stack) is named only by its type, because job status
 * goes to viewers: its full text stays in the worker log and the Temporal UI. Safe in workflow code.
 */
export function describeJobFailure(err: unknown): JobFailure {
  let cause = err;
  while (!isFailureItself(cause) && cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'Error';
    if (!DOMAIN_FAILURE_TYPES.includes(type)) return internalFailure(type);
    return { type, message: cause.message, ...(cause.details?.length ? { details: cause.details[0] } : {}) };
  }
  if (cause instanceof TimeoutFailure) return { type: 'Timeout', message: cause.message || 'timed out' };
  if (cause instanceof CancelledFailure) return { type: 'Cancelled', message: 'cancelled' };
  if (cause instanceof TerminatedFailure) return { type: 'Terminated', message: cause.message || 'terminated' };
  return internalFailure(cause instanceof Error ? cause.name : 'Error');
}

/** What really happened, as opposed to Temporal's wrappers (ActivityFailure, ChildWorkflowFailure, WorkflowFailedError). */
function isFailureItself(err: unknown): boolean {
  return err instanceof ApplicationFailure || err instanceof TimeoutFailure || err instanceof CancelledFailure || err instanceof TerminatedFailure;
}

function internalFailure(type: string): JobFailure {
  return { type, message: `the job failed on an internal error (${type}); its full text is in the worker log` };
}
