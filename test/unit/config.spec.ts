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
    expect(loadConfig({}).worker).toMatchObject({ queues: ['io', 'cpu'], concurrency: { io: 8, cpu: 1 } });
    expect(loadConfig({ WORKER_QUEUES: 'cpu', WORKER_CPU_CONCURRENCY: '2' }).worker).toMatchObject({ queues: ['cpu'], concurrency: { io: 8, cpu: 2 } });
    expect(loadConfig({ WORKER_QUEUES: ' io , cpu ' }).worker.queues).toEqual(['io', 'cpu']);
    for (const bad of ['gpu', 'io,io', ',']) expect(() => loadConfig({ WORKER_QUEUES: bad })).toThrow(/WORKER_QUEUES/);
  });

  it('keeps the audit log at least AUDIT_RETENTION_MIN_DAYS, the default retention included', () => {
    expect(loadConfig({}).auditRetentionMinDays).toBe(30);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '20' })).toThrow(/AUDIT_RETENTION_DAYS: must not be below AUDIT_RETENTION_MIN_DAYS/);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '20', AUDIT_RETENTION_MIN_DAYS: '7' }).auditRetentionDays).toBe(20);
  });

  it('takes the plant timezone from PLANT_TIMEZONE (Asia/Seoul by default), refusing names that are not IANA zones', () => {
    expect(loadConfig({}).plantTimezone).toBe('Asia/Seoul');
    expect(loadConfig({ PLANT_TIMEZONE: 'Europe/Berlin' }).plantTimezone).toBe('Europe/Berlin');
    for (const bad of ['Mars/Olympus_Mons', 'KST+9']) expect(() => loadConfig({ PLANT_TIMEZONE: bad })).toThrow(/PLANT_TIMEZONE/);
  });
});
