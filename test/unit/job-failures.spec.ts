// Errors cross Temporal once: the worker's activity interceptor turns domain errors into typed, non-retryable
// ApplicationFailures and lets everything else through to be retried; job status and the ingest ledger show a domain
// failure's message but only the type of an internal one (its text may hold SQL or file paths).
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DependencyUnavailableError, describeJobFailure, FILE_REJECTED, NotEnoughDataError, NotFoundError } from '@him/contracts';
import { domainErrorsToFailures } from '../../apps/worker/src/activity-failures';

describe('the activity interceptor', () => {
  const run = (fail: () => never) => new MockActivityEnvironment(undefined, { interceptors: [domainErrorsToFailures] }).run(async () => fail());

  it('makes a domain error a non-retryable failure of its type, with its details', async () => {
    const failure = await run(() => {
      throw new NotFoundError('tep-lstm version 9 is not registered', [{ field: 'version', message: 'not registered' }]);
    }).catch((err) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'NotFound',
      nonRetryable: true,
      message: 'tep-lstm version 9 is not registered',
      details: [[{ field: 'version', message: 'not registered' }]],
    });
  });

  it('keeps the type of a narrower domain error', async () => {
    await expect(
      run(() => {
        throw new NotEnoughDataError('the database needs two recordings');
      }),
    ).rejects.toMatchObject({ type: 'NotEnoughData', nonRetryable: true });
  });

  it('leaves a retryable domain error retryable', async () => {
    await expect(
      run(() => {
        throw new DependencyUnavailableError('no active vibration-classifier');
      }),
    ).rejects.toMatchObject({ type: 'DependencyUnavailable', nonRetryable: false });
  });

  it('lets transient faults and failures built by the activity through unchanged', async () => {
    const lost = new Error('Connection lost: The server closed the connection.');
    await expect(
      run(() => {
        throw lost;
      }),
    ).rejects.toBe(lost);
    const rejected = ApplicationFailure.create({ type: FILE_REJECTED, message: 'file rejected', nonRetryable: true });
    await expect(
      run(() => {
        throw rejected;
      }),
    ).rejects.toBe(rejected);
  });
});

describe('describeJobFailure', () => {
  const failed = (cause: Error) =>
    new WorkflowFailedError(
      'Workflow execution failed',
      new ActivityFailure('Activity task failed', 'loadIngestChunk', '3', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause),
      RetryState.NON_RETRYABLE_FAILURE,
    );

  it('shows the root cause of a domain failure, not "Activity task failed"', () => {
    const cause = ApplicationFailure.create({ type: FILE_REJECTED, message: 'file rejected: 1 bad line(s)', details: [{ rejected_lines: 1 }] });
    expect(describeJobFailure(failed(cause))).toEqual({ type: FILE_REJECTED, message: 'file rejected: 1 bad line(s)', details: { rejected_lines: 1 } });
  });

  it('names an internal error only by its type: no SQL, no paths', () => {
    const cause = ApplicationFailure.create({ type: 'DriverException', message: 'insert into `ingest_chunk` … - ER_LOCK_DEADLOCK at /srv/him-mes/data/blobs/uploads/3f2a' });
    const shown = describeJobFailure(failed(cause));
    expect(shown.type).toBe('DriverException');
    expect(shown.message).toMatch(/internal error \(DriverException\).*worker log/);
    expect(JSON.stringify(shown)).not.toMatch(/insert|ingest_chunk|\/srv|uploads/);
  });

  it('says when an activity timed out', () => {
    expect(describeJobFailure(failed(new TimeoutFailure('activity Heartbeat timeout', undefined, TimeoutType.HEARTBEAT)))).toEqual({
      type: 'Timeout',
      message: 'activity Heartbeat timeout',
    });
  });
});
