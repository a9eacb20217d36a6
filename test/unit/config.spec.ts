import * as path from 'node:path';
import { ConfigError, loadConfig, REPO_ROOT } from '@him/config';

describe('loadConfig', () => {
  it('defaults to the embedded setup: SQLite under data/, local Temporal, port 3000', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ kind: 'sqlite', file: path.join(REPO_ROOT, 'data', 'him-mes.sqlite'), debug: false });
    expect(c.temporal).toEqual({ address: '127.0.0.1:7233', namespace: 'default', uiUrl: 'http://localhost:8233' });
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.adminApiKey).toBeUndefined();
  });

  it('selects MySQL when DATABASE_URL is set, accepting the mariadb:// scheme too', () => {
    const c = loadConfig({ DATABASE_URL: 'mariadb://root:pw@db:3306/him_mes', DB_POOL_MAX: '4' });
    expect(c.database).toEqual({ kind: 'mysql', url: 'mysql://root:pw@db:3306/him_mes', poolMax: 4, debug: false });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.kind).toBe('sqlite');
  });

  it('refuses bad values, naming every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'postgres://x', TEMPORAL_ADDRESS: 'no-port', MES_ADMIN_API_KEY: 'short', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'MES_ADMIN_API_KEY', 'PORT', 'TEMPORAL_ADDRESS']);
    expect((error as Error).message).toContain('MES_ADMIN_API_KEY: must be at least 24 characters');
  });

  it('trusts no proxy unless told, and takes only addresses and ranges', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1,loopback' }).trustedProxies).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '10.0.0.1/8/1', '*']) expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
  });

  it('refuses a non-numeric rate limit', () => {
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });

  it('serves both task queues by default, each with its own concurrency, or the ones WORKER_QUEUES names', () => {
    expect(loadConfig({}).worker).toMatchObject({ queues: ['io', 'cpu'], concurrency: { io: 8, cpu: 2 } });
    expect(loadConfig({ WORKER_QUEUES: 'cpu', WORKER_CPU_CONCURRENCY: '1' }).worker).toMatchObject({ queues: ['cpu'], concurrency: { io: 8, cpu: 1 } });
    expect(loadConfig({ WORKER_QUEUES: ' io , cpu ' }).worker.queues).toEqual(['io', 'cpu']);
    for (const bad of ['gpu', 'io,io', ',']) expect(() => loadConfig({ WORKER_QUEUES: bad })).toThrow(/WORKER_QUEUES/);
  });

  it('keeps the audit log at least AUDIT_RETENTION_MIN_DAYS, the default retention included', () => {
    expect(loadConfig({}).auditRetentionMinDays).toBe(30);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '20' })).toThrow(/AUDIT_RETENTION_DAYS: must not be below AUDIT_RETENTION_MIN_DAYS/);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '20', AUDIT_RETENTION_MIN_DAYS: '7' }).auditRetentionDays).toBe(20);
  });

  describe('schedules', () => {
    it('default to 02:00 Asia/Seoul with a day of catch-up, the weekly report on Monday 06:00, retraining paused on Sunday mornings, created at start', () => {
      expect(loadConfig({}).plantTimezone).toBe('Asia/Seoul');
      expect(loadConfig({}).schedules).toEqual({
        sweepCron: '0 2 * * *',
        weeklyReportCron: '0 6 * * 1',
        sweepConcurrency: 2,
        weeklyReportLang: 'en',
        reportRetentionCron: '30 3 * * *',
        retrainCron: { 'vibration-classifier': '0 4 * * 0', 'tep-detector': '20 4 * * 0', 'tep-lstm': '40 4 * * 0' },
        retrainPaused: true,
        catchupWindowMs: 86_400_000,
        ensureAtStart: true,
      });
    });

    it('take any five-field cron, shorthand, IANA timezone and duration from 10 s to a year', () => {
      for (const cron of ['30 1 * * *', '0 2 * * MON-FRI', '*/15 0-6 1,15 JAN-JUN 1-5', '0 3 * * 7', '@weekly', '@daily'])
        expect(loadConfig({ SWEEP_CRON: cron }).schedules.sweepCron).toBe(cron);
      expect(loadConfig({ SWEEP_CONCURRENCY: '8' }).schedules.sweepConcurrency).toBe(8);
      for (const zone of ['Europe/Berlin', 'America/New_York', 'UTC', 'America/Argentina/Buenos_Aires']) expect(loadConfig({ PLANT_TIMEZONE: zone }).plantTimezone).toBe(zone);
      const windows: [string, number][] = [
        ['10s', 10_000],
        ['30 minutes', 1_800_000],
        ['6h', 21_600_000],
        ['2 days', 172_800_000],
        ['365d', 31_536_000_000],
      ];
      for (const [text, ms] of windows) expect(loadConfig({ SCHEDULE_CATCHUP_WINDOW: text }).schedules.catchupWindowMs).toBe(ms);
    });

    it('refuse a bad cron, timezone or catch-up window at start, saying what is wrong', () => {
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig(env);
        } catch (err) {
          return (err as ConfigError).problems;
        }
        throw new Error(`accepted ${JSON.stringify(env)}`);
      };
      expect(problems({ SWEEP_CONCURRENCY: '9' })).toEqual([expect.stringMatching(/^SWEEP_CONCURRENCY: /)]);
      expect(problems({ SWEEP_CRON: '0 2 * *' })).toEqual([expect.stringMatching(/^SWEEP_CRON: '0 2 \* \*' is not a cron expression Temporal takes: must have five fields/)]);
      for (const cron of [
        '0 25 * * *',
        '60 2 * * *',
        '0 2 32 * *',
        '0 2 * 13 *',
        '0 3 ? * SUN',
        '0 2 * * 8',
        '0 2 * * FUNDAY',
        '0 5-2 * * *',
        '*/0 2 * * *',
        'CRON_TZ=UTC 0 2 * * *',
        '@every 1h',
        '@nightly',
        'every night',
      ]) {
        expect(problems({ SWEEP_CRON: cron })[0]).toMatch(/^SWEEP_CRON: /);
      }
      for (const zone of ['Asia/Seol', 'KST', 'GMT+9', 'Mars/Olympus'])
        expect(problems({ PLANT_TIMEZONE: zone })).toEqual([`PLANT_TIMEZONE: '${zone}' is not an IANA timezone (e.g. Asia/Seoul, Europe/Berlin, UTC)`]);
      for (const window of ['5s', '0', '1 fortnight', '400 days', '-1d'])
        expect(problems({ SCHEDULE_CATCHUP_WINDOW: window })[0]).toMatch(/^SCHEDULE_CATCHUP_WINDOW: .* must be a duration from 10 s to 365 days/);
      expect(
        problems({ SWEEP_CRON: '0 2', PLANT_TIMEZONE: 'Nowhere/City', SCHEDULE_CATCHUP_WINDOW: 'soon' })
          .map((p) => p.split(':')[0])
          .sort(),
      ).toEqual(['PLANT_TIMEZONE', 'SCHEDULE_CATCHUP_WINDOW', 'SWEEP_CRON']);
    });
  });

  it('takes the plant timezone from PLANT_TIMEZONE (Asia/Seoul by default), refusing names that are not IANA zones', () => {
    expect(loadConfig({}).plantTimezone).toBe('Asia/Seoul');
    expect(loadConfig({ PLANT_TIMEZONE: 'Europe/Berlin' }).plantTimezone).toBe('Europe/Berlin');
    for (const bad of ['Mars/Olympus_Mons', 'KST+9']) expect(() => loadConfig({ PLANT_TIMEZONE: bad })).toThrow(/PLANT_TIMEZONE/);
  });
});
