// The API's one error shape for errors no controller expects: a database lock that outlasted its wait is the
// client's cue to retry (503), not a server fault (500). And the day fields' validation, which Schemathesis probed.
import type { ArgumentsHost } from '@nestjs/common';
import { ConnectionException, DeadlockException, DriverException, LockWaitTimeoutException } from '@mikro-orm/core';
import { validate } from 'class-validator';
import { AllExceptionsFilter } from '../../apps/api/src/common/all-exceptions.filter';
import { fieldWithLoneSurrogate, IsDay } from '../../apps/api/src/common/validation';

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

  it('answers 503 DEPENDENCY_UNAVAILABLE while the database is down or restarting (the chaos suite found 500s)', () => {
    const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:3306`), { code });
    const knexTimeout = Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' });
    for (const exception of [
      new DriverException(socketError('ECONNREFUSED')),
      new DriverException(socketError('ECONNRESET')),
      new ConnectionException(socketError('ER_ACCESS_DENIED_ERROR')),
      knexTimeout,
    ]) {
      const { status, body, logged } = answer(exception);
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', message: expect.stringMatching(/database is not answering/) });
      expect(logged.map(([level]) => level)).toEqual(['warn']);
    }
    // Other driver errors (a broken query) remain the server's fault.
    expect(answer(new DriverException(Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR' }))).status).toBe(500);
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

describe('fieldWithLoneSurrogate', () => {
  it('names the first string (or key) holding half of a surrogate pair, which JSON escapes allow and no text has', () => {
    expect(fieldWithLoneSurrogate({ name: 'g1 💥', rows: [{ tag: 'ok' }] })).toBeNull();
    expect(fieldWithLoneSurrogate({ name: 'g1', model_version: 'mlp-\ud800' })).toBe('model_version');
    expect(fieldWithLoneSurrogate({ rows: [{ tag: 'ok' }, { tag: '\udfff-x' }] })).toBe('rows.1.tag');
    expect(fieldWithLoneSurrogate({ ['k\ud83d']: 1 })).toBe('k\ud83d');
    expect(fieldWithLoneSurrogate('\ud800')).toBe('(body)');
    expect(fieldWithLoneSurrogate(null)).toBeNull();
  });
});
