// The API's one error shape for errors no controller expects: a database lock that outlasted its wait is the
// client's cue to retry (503), not a server fault (500). And the day fields' validation, which Schemathesis probed.
import type { ArgumentsHost } from '@nestjs/common';
import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { validate } from 'class-validator';
import { AllExceptionsFilter } from '../../apps/api/src/common/all-exceptions.filter';
import { IsDay } from '../../apps/api/src/common/validation';

function answer(exception: unknown): { status: number; body: Record<string, unknown>; logged: [string, Record<string, unknown>, string][] } {
  const sent: { status?: number; body?: Record<string, unknown> } = {};
  const logged: [string, Record<string, unknown>, string][] = [];
  // The request's logger (Fastify binds the request id to it).
  const log = Object.fromEntries(['error', 'warn'].map((level) => [level, (fields: Record<string, unknown>, msg: string) => logged.push([level, fields, msg])]));
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    type: () => reply,
    send: (body: Record<string, unknown>) => ((sent.body = body), reply),
  };
  const req = { id: 'r1', method: 'POST', url: '/api/v1/models/x/rollback', log };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return { status: sent.status!, body: sent.body!, logged };
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
    const error = new Error('secret internals');
    const { status, body, logged } = answer(error);
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(JSON.stringify(body)).not.toMatch(/secret/);
    // …but logged, stack and all, for whoever reads the log under the request id.
    expect(logged).toEqual([['error', expect.objectContaining({ err: error, method: 'POST' }), expect.stringMatching(/secret internals/)]]);
  });
});

describe('IsDay', () => {
  class Body {
    @IsDay()
    day!: string;
  }
  const refused = async (day: unknown) => (await validate(Object.assign(new Body(), { day }))).length > 0;

  it('takes every existing day of years 0000–9999 and refuses the rest', async () => {
    for (const day of ['2026-12-06', '2024-02-29', '0070-04-09', '0000-01-01', '9999-12-31']) expect(await refused(day)).toBe(false);
    for (const day of ['2026-02-29', '2024-13-01', '2026-02-30', '2026-1-01', '20261206', '', 20261206]) expect(await refused(day)).toBe(true);
  });
});
