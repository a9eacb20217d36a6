// The API's one error shape for errors no controller expects: a database lock that outlasted its wait is the
// client's cue to retry (503), not a server fault (500).
import type { ArgumentsHost } from '@nestjs/common';
import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { AllExceptionsFilter } from '../../apps/api/src/common/all-exceptions.filter';

function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status?: number; body?: Record<string, unknown> } = {};
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    type: () => reply,
    send: (body: Record<string, unknown>) => ((sent.body = body), reply),
  };
  const req = { id: 'r1', method: 'POST', url: '/api/v1/models/x/rollback' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return { status: sent.status!, body: sent.body! };
}

describe('AllExceptionsFilter', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE when a write waited too long for a lock or lost a deadlock', () => {
    for (const exception of [new LockWaitTimeoutException(new Error('database is locked')), new DeadlockException(new Error('Deadlock found'))]) {
      const { status, body } = answer(exception);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: expect.stringMatching(/retry/), request_id: 'r1' });
    }
  });

  it('answers 500 without details for anything unexpected', () => {
    const { status, body } = answer(new Error('secret internals'));
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(JSON.stringify(body)).not.toMatch(/secret/);
  });
});
