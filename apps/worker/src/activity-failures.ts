import { ApplicationFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { DomainError } from '@him/contracts';

/**
 * Domain errors cross Temporal here, once for every activity: an InvalidInputError, NotFoundError, NotEnoughDataError…
 * becomes an ApplicationFailure of its failure type, non-retryable unless the error is (a dependency that is down).
 * Anything else — a lost connection, a deadlock, a bug — goes on as it is, and Temporal retries it by the policy.
 */
class DomainErrorsToFailures implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      throw ApplicationFailure.create({
        type: err.failureType,
        message: err.message,
        nonRetryable: !err.retryable,
        details: err.details?.length ? [err.details] : undefined,
      });
    }
  }
}

export const domainErrorsToFailures: ActivityInterceptorsFactory = () => ({ inbound: new DomainErrorsToFailures() });
