import { Injectable } from '@nestjs/common';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** The longest a close waits for retries already scheduled (gRPC's longest back-off is about 6 s). */
const DRAIN_LIMIT_MS = 10_000;

/**
 * gRPC's default retries of a Temporal call, but none once the API closes. Closing the connection does not stop a
 * retry already waiting in its timer: the call went on retrying an unreachable Temporal for up to 20 s after the API
 * was gone (the start-up schedule bootstrap makes such calls). `drain` refuses further retries and waits until those
 * scheduled have run, so every call has ended when the connection closes.
 */
@Injectable()
export class ClosableRetries {
  private readonly defaults = defaultGrpcRetryOptions();
  private closing = false;
  /** Retries scheduled whose call has not answered yet. */
  private scheduled = 0;
  private drained?: () => void;

  readonly interceptor = makeGrpcRetryInterceptor({
    retryableDecider: (attempt, status) => {
      if (attempt > 1) this.scheduled--;
      const retry = !this.closing && this.defaults.retryableDecider(attempt, status);
      if (this.closing && this.scheduled === 0) this.drained?.();
      return retry;
    },
    delayFunction: (attempt, status) => {
      this.scheduled++;
      return this.defaults.delayFunction(attempt, status);
    },
  });

  async drain(): Promise<void> {
    this.closing = true;
    if (this.scheduled === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (this.drained = resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_LIMIT_MS)))]);
    clearTimeout(timer);
  }
}
