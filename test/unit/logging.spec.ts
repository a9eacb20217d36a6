// The JSON lines of libs/config/src/logging.ts: LOG_LEVEL's names, Nest's Logger calls and the Temporal SDK's metadata.
import { Logger } from '@nestjs/common';
import { createLogger, logWithin, NestPinoLogger, TemporalPinoLogger } from '@him/config';

function capture(level: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log') {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('test', level, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('JSON logs', () => {
  it('maps LOG_LEVEL to pino’s levels and names the level in each line', () => {
    expect(capture('log').logger.level).toBe('info');
    expect(capture('verbose').logger.level).toBe('trace');
    const { lines, logger } = capture('warn');
    logger.info('not written');
    logger.warn('written');
    expect(lines).toEqual([
      { level: 'warn', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), service: 'test', pid: process.pid, hostname: expect.any(String), msg: 'written' },
    ]);
  });

  it('writes Nest’s Logger calls with their context, stack or fields', () => {
    const { lines, logger } = capture('log');
    Logger.overrideLogger(new NestPinoLogger(logger));
    const log = new Logger('jobs');
    log.log('started ingest');
    log.debug('below the level');
    log.error('could not start', new Error('at the top').stack);
    log.warn({ msg: 'slow answer', ms: 1200 });
    log.error(new TypeError('bad type'));
    Logger.log('without a context');
    // Inside a request, through the request's logger (Fastify's child of the process' logger, binding the request id).
    logWithin(logger.child({ requestId: 'r-17' }), () => log.log('started report'));
    expect(lines.map(({ time, pid, hostname, service, ...rest }) => rest)).toEqual([
      { level: 'info', context: 'jobs', msg: 'started ingest' },
      { level: 'error', context: 'jobs', stack: expect.stringMatching(/^Error: at the top\n\s+at /), msg: 'could not start' },
      { level: 'warn', context: 'jobs', ms: 1200, msg: 'slow answer' },
      { level: 'error', context: 'jobs', err: expect.objectContaining({ type: 'TypeError', message: 'bad type' }), msg: 'bad type' },
      { level: 'info', msg: 'without a context' },
      { level: 'info', requestId: 'r-17', context: 'jobs', msg: 'started report' },
    ]);
  });

  it('writes the Temporal SDK’s metadata as fields, at the time the SDK stamped, without the task token', () => {
    const { lines, logger } = capture('log');
    const temporal = new TemporalPinoLogger(logger);
    const at = Date.UTC(2026, 11, 6, 2, 0, 1, 234);
    temporal.log('WARN', 'Activity failed', {
      [Symbol.for('log_timestamp')]: BigInt(at) * 1_000_000n,
      sdkComponent: 'worker',
      workflowId: 'ingest-abc',
      activityType: 'ingestChunk',
      taskToken: 'Q2lRM...',
      error: new Error('connection lost'),
    });
    temporal.debug('below the level', { workflowId: 'ingest-abc' });
    temporal.info('Worker state changed', { state: 'RUNNING' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      time: '2026-12-06T02:00:01.234Z',
      sdkComponent: 'worker',
      workflowId: 'ingest-abc',
      activityType: 'ingestChunk',
      error: { type: 'Error', message: 'connection lost', stack: expect.stringContaining('connection lost') },
      msg: 'Activity failed',
    });
    expect(lines[0]).not.toHaveProperty('taskToken');
    // The next line without a stamp is written at its own time.
    expect(Date.parse(lines[1].time)).toBeGreaterThan(at);
    expect(lines[1]).toMatchObject({ level: 'info', state: 'RUNNING', msg: 'Worker state changed' });
  });
});
