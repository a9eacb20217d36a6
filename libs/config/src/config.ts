import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DRIFT_POLICIES, SWEEP_DEFAULT_CONCURRENCY, SWEEP_MAX_CONCURRENCY, type DriftPolicy, type RetrainableModel, type TaskQueueKind } from '@him/contracts';
import { cronProblem, isIanaTimezone, parseDuration } from './schedule-settings';

/** Repository root (nearest folder with package.json): relative paths resolve from here, from source or from dist/. */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

/**
 * The JavaScript file a thread or child process loads for a module: the file itself from dist/, or its build in dist/
 * when the module runs as TypeScript under ts-jest (`npm test` builds before jest runs).
 */
export function compiledFile(file: string): string {
  return path.extname(file) === '.ts' ? path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, file)).replace(/\.ts$/, '.js') : file;
}

export const APP_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

const QUEUE_KINDS = ['io', 'cpu'] as const satisfies readonly TaskQueueKind[];
/** A comma-separated list of task queue kinds, each once. */
const queueList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(QUEUE_KINDS)).min(1, 'name at least one of io, cpu'))
  .refine((qs) => new Set(qs).size === qs.length, 'names a queue twice');

/** A proxy address as Fastify's trustProxy takes it: an IP, a CIDR range, or one of proxy-addr's named ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}
const proxyList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  )
  .refine((entries) => entries.every(isProxyAddress), 'must be comma-separated IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal)');

const cron = z.string().superRefine((v, ctx) => {
  const problem = cronProblem(v);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' is not a cron expression Temporal takes: ${problem}` });
});
const timezone = z.string().refine(isIanaTimezone, (v) => ({ message: `'${v}' is not an IANA timezone (e.g. Asia/Seoul, Europe/Berlin, UTC)` }));
// Temporal refuses a catch-up window under 10 s; a year is far beyond any outage worth catching up automatically.
const catchupWindow = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms < 10_000 || ms > 365 * 86_400_000) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' must be a duration from 10 s to 365 days, e.g. '1 day', '6h', '30 minutes'` });
    return z.NEVER;
  }
  return ms;
});

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: port.default(3000),
    PUBLIC_URL: z.string().url().optional(),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),

    DATABASE_URL: z
      .string()
      .regex(/^(mysql|mariadb):\/\/[^\s]+$/, 'must be mysql://user:password@host:port/database')
      .optional(),
    SQLITE_PATH: z.string().min(1).default('data/him-mes.sqlite'),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d+$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_UI_URL: z.string().url().default('http://localhost:8233'),

    DATA_DIR: z.string().min(1).default('data'),
    BLOB_DIR: z.string().min(1).default('data/blobs'),
    /** The built dashboard (apps/web), served at `/`. */
    WEB_DIR: z.string().min(1).default('dist/web'),

    MES_ADMIN_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
    AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    TRUSTED_PROXIES: proxyList.default(''),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    AUDIT_RETENTION_MIN_DAYS: z.coerce.number().int().min(1).default(30),

    KPI_MAX_RANGE_DAYS: z.coerce.number().int().min(1).max(36_600).default(400),

    INGEST_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024 * 1024),
    // Node and ONNX Runtime take ≈ 800 MiB of address space before a model; a 50 MB model (the upload limit) peaks at ≈ 1,030.
    QUERY_MAX_RANGE_DAYS: z.coerce.number().int().min(1).default(31),
    MODEL_CHECK_MEMORY_MB: z.coerce.number().int().min(1024).default(1536),
    MODEL_CHECK_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
    WORKER_QUEUES: queueList.default('io,cpu'),
    WORKER_IO_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
    WORKER_CPU_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    // One per core: a feature thread also waits on the database, for the captures it reads.
    WORKER_FEATURE_THREADS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
    WORKER_BUNDLE_PATH: z.string().optional(),
    WORKER_METRICS_PORT: port.optional(),
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(20),
    DB_DEBUG: bool.default('false'),

    /** The plant's IANA timezone: a hand-started sweep's default day and a scheduled sweep's day are dates there. */
    PLANT_TIMEZONE: timezone.default('Asia/Seoul'),
    SWEEP_CRON: cron.default('0 2 * * *'),
    // Series the scheduled sweep diagnoses at once: the CPU activity slots it fills (WORKER_CPU_CONCURRENCY per CPU worker).
    SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(SWEEP_MAX_CONCURRENCY).default(SWEEP_DEFAULT_CONCURRENCY),
    WEEKLY_REPORT_CRON: cron.default('0 6 * * 1'),
    WEEKLY_REPORT_LANG: z.enum(['en', 'ko']).default('en'),
    REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
    REPORT_RETENTION_CRON: cron.default('30 3 * * *'),
    // Sunday mornings, one model after another: retraining reads the whole history and competes with nothing then.
    RETRAIN_VIBRATION_CLASSIFIER_CRON: cron.default('0 4 * * 0'),
    RETRAIN_TEP_DETECTOR_CRON: cron.default('20 4 * * 0'),
    RETRAIN_TEP_LSTM_CRON: cron.default('40 4 * * 0'),
    RETRAIN_SCHEDULES_PAUSED: bool.default('true'),
    DRIFT_PSI_THRESHOLD: z.coerce.number().positive().default(0.25),
    DRIFT_MIN_SAMPLES: z.coerce.number().int().min(1).default(200),
    DRIFT_RETRAIN_POLICY: z.enum(DRIFT_POLICIES).default('notify'),
    SCHEDULE_CATCHUP_WINDOW: catchupWindow.default('1 day'),
    ENSURE_SCHEDULES: bool.default('true'),
  })
  .refine((env) => env.AUDIT_RETENTION_DAYS >= env.AUDIT_RETENTION_MIN_DAYS, {
    path: ['AUDIT_RETENTION_DAYS'],
    message: 'must not be below AUDIT_RETENTION_MIN_DAYS',
  });

export type Env = z.input<typeof schema>;
type Parsed = z.output<typeof schema>;

export type DatabaseConfig = { kind: 'mysql'; url: string; poolMax: number; debug: boolean } | { kind: 'sqlite'; file: string; debug: boolean };

/** The one typed configuration object; built once at start from the environment. */
export class AppConfig {
  readonly env: Parsed['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly logLevel: Parsed['LOG_LEVEL'];
  readonly database: DatabaseConfig;
  readonly temporal: { address: string; namespace: string; uiUrl: string };
  readonly dataDir: string;
  readonly blobDir: string;
  readonly webDir: string;
  readonly adminApiKey?: string;
  /** Requests per minute of one API key, over all routes. */
  readonly rateLimitPerMinute: number;
  /** Failed authentications per minute from one client address; beyond it the address is refused before any key lookup. */
  readonly authFailuresPerMinute: number;
  /** Proxies whose X-Forwarded-For names the client; none by default, so a client cannot choose its own address. */
  readonly trustedProxies: string[];
  readonly auditRetentionDays: number;
  /** No audit-retention job may delete entries younger than this. */
  readonly auditRetentionMinDays: number;
  /** Reports keep their files this many days; the report-retention schedule purges older ones (their rows stay). */
  readonly reportRetentionDays: number;
  /** Longest range of days a KPI rollup or a KPI query may span. */
  readonly kpiMaxRangeDays: number;
  /** Largest file the ingest accepts (upload or path). */
  readonly ingestMaxBytes: number;
  /** Widest time range one time-series query may ask for. */
  readonly queryMaxRangeDays: number;
  /** Limits of the child process that loads an uploaded model before it is registered. */
  readonly modelCheck: { memoryMb: number; timeoutMs: number };
  /** IANA timezone of the plant: the schedules' cron times and a scheduled sweep's day are local to it. */
  readonly plantTimezone: string;
  readonly schedules: {
    /** When the nightly diagnosis sweep runs, in the plant's local time, and how many series it diagnoses at once. */
    sweepCron: string;
    sweepConcurrency: number;
    /** When the weekly report of the previous ISO week is made (Monday 06:00 by default), and in which language. */
    weeklyReportCron: string;
    weeklyReportLang: 'en' | 'ko';
    /** When report files older than reportRetentionDays are purged. */
    reportRetentionCron: string;
    /** When each model is retrained (promotion `auto`), and whether those schedules are created paused (an operator unpauses them). */
    retrainCron: Record<RetrainableModel, string>;
    retrainPaused: boolean;
    /** How late after an outage a missed run is still taken (once); older ones are skipped. */
    catchupWindowMs: number;
    /** Whether the API creates or updates the schedules when it starts (off in tests that do not exercise them). */
    ensureAtStart: boolean;
  };
  /**
   * What the sweep does when a model's features drift: the median PSI over features (a day, all series) above which a
   * day counts as drifted, the fewest rows a day needs to be judged, and the policy — `auto` starts a retrain
   * (promotion `auto`), `notify` records the drift and starts nothing, `off` records the figures only.
   */
  readonly drift: { psiThreshold: number; minSamples: number; policy: DriftPolicy };
  readonly worker: {
    /** The task queues this worker process polls. */
    queues: TaskQueueKind[];
    /** Activities run at once, per queue. */
    concurrency: Record<TaskQueueKind, number>;
    /** Threads that cut and featurise live captures while the main thread reads the next (the sweep). */
    featureThreads: number;
    bundlePath?: string;
    /** Where the Temporal SDK serves the worker's Prometheus metrics (`/metrics`); none when unset. */
    metricsPort?: number;
    shutdownGraceSeconds: number;
  };

  constructor(p: Parsed) {
    const abs = (v: string) => path.resolve(REPO_ROOT, v);
    this.env = p.NODE_ENV;
    this.host = p.HOST;
    this.port = p.PORT;
    this.publicUrl = (p.PUBLIC_URL ?? `http://localhost:${p.PORT}`).replace(/\/$/, '');
    this.logLevel = p.LOG_LEVEL;
    this.database = p.DATABASE_URL
      ? { kind: 'mysql', url: p.DATABASE_URL.replace(/^mariadb:/, 'mysql:'), poolMax: p.DB_POOL_MAX, debug: p.DB_DEBUG }
      : { kind: 'sqlite', file: abs(p.SQLITE_PATH), debug: p.DB_DEBUG };
    this.temporal = { address: p.TEMPORAL_ADDRESS, namespace: p.TEMPORAL_NAMESPACE, uiUrl: p.TEMPORAL_UI_URL.replace(/\/$/, '') };
    this.dataDir = abs(p.DATA_DIR);
    this.blobDir = abs(p.BLOB_DIR);
    this.webDir = abs(p.WEB_DIR);
    this.adminApiKey = p.MES_ADMIN_API_KEY;
    this.rateLimitPerMinute = p.RATE_LIMIT_PER_MINUTE;
    this.authFailuresPerMinute = p.AUTH_FAILURES_PER_MINUTE;
    this.trustedProxies = p.TRUSTED_PROXIES;
    this.auditRetentionDays = p.AUDIT_RETENTION_DAYS;
    this.auditRetentionMinDays = p.AUDIT_RETENTION_MIN_DAYS;
    this.kpiMaxRangeDays = p.KPI_MAX_RANGE_DAYS;
    this.reportRetentionDays = p.REPORT_RETENTION_DAYS;
    this.ingestMaxBytes = p.INGEST_MAX_BYTES;
    this.queryMaxRangeDays = p.QUERY_MAX_RANGE_DAYS;
    this.modelCheck = { memoryMb: p.MODEL_CHECK_MEMORY_MB, timeoutMs: p.MODEL_CHECK_TIMEOUT_SECONDS * 1000 };
    this.plantTimezone = p.PLANT_TIMEZONE;
    this.schedules = {
      sweepCron: p.SWEEP_CRON.trim(),
      sweepConcurrency: p.SWEEP_CONCURRENCY,
      weeklyReportCron: p.WEEKLY_REPORT_CRON.trim(),
      weeklyReportLang: p.WEEKLY_REPORT_LANG,
      reportRetentionCron: p.REPORT_RETENTION_CRON.trim(),
      retrainCron: {
        'vibration-classifier': p.RETRAIN_VIBRATION_CLASSIFIER_CRON.trim(),
        'tep-detector': p.RETRAIN_TEP_DETECTOR_CRON.trim(),
        'tep-lstm': p.RETRAIN_TEP_LSTM_CRON.trim(),
      },
      retrainPaused: p.RETRAIN_SCHEDULES_PAUSED,
      catchupWindowMs: p.SCHEDULE_CATCHUP_WINDOW,
      ensureAtStart: p.ENSURE_SCHEDULES,
    };
    this.drift = { psiThreshold: p.DRIFT_PSI_THRESHOLD, minSamples: p.DRIFT_MIN_SAMPLES, policy: p.DRIFT_RETRAIN_POLICY };
    this.worker = {
      queues: p.WORKER_QUEUES,
      concurrency: { io: p.WORKER_IO_CONCURRENCY, cpu: p.WORKER_CPU_CONCURRENCY },
      featureThreads: p.WORKER_FEATURE_THREADS,
      bundlePath: p.WORKER_BUNDLE_PATH ? abs(p.WORKER_BUNDLE_PATH) : undefined,
      metricsPort: p.WORKER_METRICS_PORT,
      shutdownGraceSeconds: p.SHUTDOWN_GRACE_SECONDS,
    };
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // An empty variable means "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return new AppConfig(result.data);
}
