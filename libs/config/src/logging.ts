// The processes' logs: one JSON object per line on stdout (pino), for the API's requests, Nest's own messages and the
// Temporal SDK's (with the workflow and activity each line is about). Fields: README, "Logs".
import { AsyncLocalStorage } from 'node:async_hooks';
import * as os from 'node:os';
import { inspect } from 'node:util';
import type { LoggerService } from '@nestjs/common';
import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { pino, stdSerializers, type BaseLogger, type DestinationStream, type Level, type Logger } from 'pino';
import type { AppConfig } from './config';

/** LOG_LEVEL keeps Nest's names; pino's `info` is Nest's `log`, its `trace` Nest's `verbose`. */
const PINO_LEVEL: Record<AppConfig['logLevel'], Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** When the line being written happened, if not now (see TemporalPinoLogger). */
let eventTimeMs: number | undefined;

/**
 * The process' logger, on stdout unless given another destination: `service` names the process (api, worker) in every
 * line, beside its pid and host.
 */
export function createLogger(service: string, level: AppConfig['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level: PINO_LEVEL[level],
    base: { service, pid: process.pid, hostname: os.hostname() },
    timestamp: () => `,"time":"${new Date(eventTimeMs ?? Date.now()).toISOString()}"`,
    // Level names, not pino's numbers: a reader (or a log query) says `level:"warn"`.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger as far as writing a line at a level goes (pino's, or Fastify's view of a request's pino child). */
type LineWriter = Pick<BaseLogger, Level>;

const requestLogger = new AsyncLocalStorage<LineWriter>();

/**
 * Runs `next` (the rest of an HTTP request's handling) with the request's logger as the one Nest's `Logger` calls write
 * through, so that their lines carry what it binds: the request id.
 */
export function logWithin(logger: LineWriter, next: () => void): void {
  requestLogger.run(logger, next);
}

/** Nest's `new Logger(context)` calls pass a stack before the context; a stack is recognised by its first frame. */
const STACK = /^.+\n\s+at .+/;

/**
 * Nest's logs through pino, so every `new Logger(context)` of the code (and Nest's own bootstrap messages) writes the
 * same JSON lines: the context as `context`, an Error or a stack as `err` / `stack`, an object message as fields; inside
 * a request (logWithin), through the request's logger.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    const last = rest.at(-1);
    if (typeof last === 'string' && !STACK.test(last)) fields.context = rest.pop();
    const extra: unknown[] = [];
    for (const param of rest) {
      if (typeof param === 'string' && STACK.test(param)) fields.stack = param;
      else if (isPlainObject(param)) Object.assign(fields, param);
      else if (param !== undefined) extra.push(param);
    }
    if (extra.length > 0) fields.params = extra;
    let msg: string;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (isPlainObject(message)) {
      const { msg: text, message: alt, ...others } = message;
      Object.assign(fields, others);
      msg = typeof text === 'string' ? text : typeof alt === 'string' ? alt : '';
    } else {
      msg = typeof message === 'string' ? message : inspect(message);
    }
    (requestLogger.getStore() ?? this.logger)[level](fields, msg);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

const TEMPORAL_LEVEL: Record<TemporalLogLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
/** `LogTimestamp` of @temporalio/worker (not imported here: the lib would load the SDK's native module). */
const LOG_TIMESTAMP = Symbol.for('log_timestamp');

/**
 * The Temporal Runtime's logger (`Runtime.install({ logger })`): the SDK's messages, the Rust core's (forwarded), the
 * activities' context logger and the workflows' logger (a sink), whose metadata — workflowId, workflowType,
 * workflowRunId or runId, activityId, activityType, taskQueue, attempt, sdkComponent — become fields of the line.
 */
export class TemporalPinoLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    const method = TEMPORAL_LEVEL[level];
    if (!this.logger.isLevelEnabled(method)) return;
    // The runtime holds lines back up to 100 ms to sort them; each is stamped with the time it happened (nanoseconds).
    const at: unknown = meta?.[LOG_TIMESTAMP];
    eventTimeMs = typeof at === 'bigint' ? Number(at / 1_000_000n) : undefined;
    try {
      this.logger[method](meta ? temporalFields(meta) : {}, message);
    } finally {
      eventTimeMs = undefined;
    }
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/**
 * Temporal's metadata as fields. Errors are serialised here (pino does it only under `err`; the SDK says `error`); the
 * activity's task token is left out: long, and of use only to complete the activity from elsewhere. Symbol keys (the
 * SDK's own timestamp) are not entries.
 */
function temporalFields(meta: LogMetadata): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (key !== 'taskToken') fields[key] = value instanceof Error ? stdSerializers.err(value) : value;
  }
  return fields;
}
