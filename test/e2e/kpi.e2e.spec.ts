// The KPI rollup end to end: a synthetic 30-day history of window- and capture-level diagnoses (g1 healthy, g2
// developing unbalance on day 10, g3 with a short looseness surge), anomalies and a lot, written through the
// repositories; POST /jobs/kpi-rollup runs the real workflow and activities on the database; every per-day KPI must
// equal a recomputation from the raw rows done here, a re-run must leave identical rows, and the health route must
// tell which machine is failing since when.
import { MikroORM } from '@mikro-orm/core';
import { Client } from '@temporalio/client';
import { HEALTH_WINDOW_DAYS, healthScore, jobStart, utcDayStart, type DailyFaultRate, type JobWorkflow } from '@him/contracts';
import { seededRandom } from '@him/ml';
import {
  Anomaly,
  AnomalyMethod,
  AnomalyRepository,
  DiagnosisLevel,
  EquipmentKind,
  EquipmentRepository,
  KpiEquipmentDaily,
  KpiLot,
  LotRepository,
  PredictionRepository,
  ProcessValue,
  Severity,
  VibrationDiagnosisRepository,
  type DiagnosisDraft,
  type FaultType,
} from '@him/db';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { TestStack } from '../support/stack';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const FROM = '2026-11-01';
const TO = '2026-11-30';
const DAYS = 30;
const day = (i: number) => new Date(utcDayStart(FROM) + i * DAY_MS).toISOString().slice(0, 10);
const dayOf = (t: Date) => t.toISOString().slice(0, 10);
/** g2's unbalance starts on day 10 (2026-11-10) at 14:00; g3 is loose from day 20 06:00 to day 21 03:00. */
const G2_ONSET = utcDayStart(day(9)) + 14 * HOUR_MS;
const G3_SURGE = [utcDayStart(day(19)) + 6 * HOUR_MS, utcDayStart(day(20)) + 3 * HOUR_MS];

const truth = (machine: string, t: number): FaultType => {
  if (machine === 'g2' && t >= G2_ONSET) return 1;
  if (machine === 'g3' && t >= G3_SURGE[0] && t < G3_SURGE[1]) return 2;
  return 0;
};

/** Diagnoses as a classifier would write them: 4 windows and one capture-level row per capture, 2 sensors every 2 h. */
function history(): DiagnosisDraft[] {
  const next = seededRandom(42);
  const drafts: DiagnosisDraft[] = [];
  for (const [m, machine] of ['g1', 'g2', 'g3'].entries()) {
    for (let i = 0; i < DAYS * 12; i++) {
      for (const sensorNo of ['1', '2']) {
        const captured = utcDayStart(FROM) + i * 2 * HOUR_MS + (5 + 5 * m) * 60_000 + (sensorNo === '2' ? 60_000 : 0);
        const real = truth(machine, captured);
        const windows: FaultType[] = [0, 1, 2, 3].map(() => {
          // The faulty machines' windows are read right 90 % of the time; 2 % of any window is misread.
          if (real !== 0 && next() < 0.1) return 0;
          return next() < 0.02 ? ((1 + Math.floor(next() * 3)) as FaultType) : real;
        });
        windows.forEach((faultType, w) =>
          drafts.push({
            machineName: machine,
            sensorNo,
            detectedAt: new Date(captured + w * 1000),
            windowStart: new Date(captured + w * 1000),
            windowEnd: new Date(captured + (w + 1) * 1000),
            faultType,
            confidence: 0.8 + 0.2 * next(),
            modelVersion: 'vibration-classifier@1',
            level: DiagnosisLevel.Window,
          }),
        );
        // The capture's fault: a fault type at least two of its windows agree on, else normal.
        const votes = [0, 1, 2, 3].map((f) => windows.filter((x) => x === f).length);
        const top = Math.max(...votes.slice(1));
        const faultType = (top >= 2 ? votes.indexOf(top, 1) : 0) as FaultType;
        drafts.push({
          machineName: machine,
          sensorNo,
          detectedAt: new Date(captured),
          faultType,
          confidence: votes[faultType] / 4 - 0.05 * next(),
          modelVersion: 'vibration-classifier@1',
          level: DiagnosisLevel.Capture,
        });
      }
    }
  }
  return drafts;
}

/** A newer model re-diagnosed g1's sensor 1 on day 5 as all normal: its rows replace version 1's in the KPIs. */
const rediagnosed = (drafts: DiagnosisDraft[]): DiagnosisDraft[] =>
  drafts
    .filter((d) => d.machineName === 'g1' && d.sensorNo === '1' && dayOf(d.detectedAt) === day(4))
    .map((d) => ({ ...d, faultType: 0, confidence: 0.99, modelVersion: 'vibration-classifier@2' }));

interface ExpectedDay {
  windows_diagnosed: number;
  count_normal: number;
  count_unbalance: number;
  count_looseness: number;
  count_unbalance_looseness: number;
  fault_rate: number;
  captures_diagnosed: number;
  mean_confidence: number | null;
  fault_episodes: number;
  mtbf_hours: number | null;
  mttr_hours: number | null;
  anomalies_low: number;
  anomalies_medium: number;
  anomalies_high: number;
  anomalies_critical: number;
  health_score: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The KPIs recomputed here from the raw rows, independently of the rollup: key `day machine`. */
/** Onsets of each machine's fault episodes, in order (filled by recompute). */
const onsets = new Map<string, number[]>();

function recompute(drafts: DiagnosisDraft[], anomalies: { machine: string; at: Date; severity: Severity }[]): Map<string, ExpectedDay> {
  // The newest diagnosis of each window or capture counts (the later draft was inserted later).
  const current = new Map<string, DiagnosisDraft>();
  for (const d of drafts) current.set(`${d.machineName}|${d.detectedAt.getTime()}|${d.sensorNo}|${d.level}`, d);
  const rows = [...current.values()];
  const out = new Map<string, ExpectedDay>();
  const get = (key: string) => {
    let e = out.get(key);
    if (!e) {
      e = {
        ...{ windows_diagnosed: 0, count_normal: 0, count_unbalance: 0, count_looseness: 0, count_unbalance_looseness: 0, fault_rate: 0 },
        ...{ captures_diagnosed: 0, mean_confidence: null, fault_episodes: 0, mtbf_hours: null, mttr_hours: null, health_score: null },
        ...{ anomalies_low: 0, anomalies_medium: 0, anomalies_high: 0, anomalies_critical: 0 },
      };
      out.set(key, e);
    }
    return e;
  };
  const names = ['count_normal', 'count_unbalance', 'count_looseness', 'count_unbalance_looseness'] as const;
  for (const w of rows.filter((r) => r.level === DiagnosisLevel.Window)) {
    const e = get(`${dayOf(w.detectedAt)} ${w.machineName}`);
    e.windows_diagnosed += 1;
    e[names[w.faultType]] += 1;
  }
  for (const e of out.values()) e.fault_rate = e.windows_diagnosed ? (e.windows_diagnosed - e.count_normal) / e.windows_diagnosed : 0;

  for (const machine of ['g1', 'g2', 'g3']) {
    const seq = rows
      .filter((r) => r.machineName === machine && r.level === DiagnosisLevel.Capture)
      .sort((a, b) => a.detectedAt.getTime() - b.detectedAt.getTime() || (a.sensorNo < b.sensorNo ? -1 : 1));
    const confidences = new Map<string, number[]>();
    const upTimes = new Map<string, number[]>();
    const repairs = new Map<string, number[]>();
    const push = (m: Map<string, number[]>, d: string, v: number) => m.set(d, [...(m.get(d) ?? []), v]);
    // The whole history at once: an episode's onset, its repair, and the up time since the previous repair.
    let faulty = false;
    let since: number | undefined;
    for (const c of seq) {
      const t = c.detectedAt.getTime();
      const d = dayOf(c.detectedAt);
      const e = get(`${d} ${machine}`);
      e.captures_diagnosed += 1;
      push(confidences, d, c.confidence!);
      if (c.faultType !== 0 && !faulty) {
        e.fault_episodes += 1;
        onsets.set(machine, [...(onsets.get(machine) ?? []), t]);
        if (since !== undefined) push(upTimes, d, (t - since) / HOUR_MS);
        faulty = true;
        since = t;
      } else if (c.faultType === 0 && faulty) {
        push(repairs, d, (t - since!) / HOUR_MS);
        faulty = false;
        since = t;
      } else if (since === undefined) since = t;
    }
    for (let i = 0; i < DAYS; i++) {
      const e = out.get(`${day(i)} ${machine}`);
      if (!e) continue;
      e.mean_confidence = mean(confidences.get(day(i)) ?? []);
      e.mtbf_hours = mean(upTimes.get(day(i)) ?? []);
      e.mttr_hours = mean(repairs.get(day(i)) ?? []);
      const rates: DailyFaultRate[] = [];
      for (let k = 0; k < HEALTH_WINDOW_DAYS && i - k >= 0; k++) {
        const past = out.get(`${day(i - k)} ${machine}`);
        if (past) rates.push({ daysAgo: k, windows: past.windows_diagnosed, faultWindows: past.windows_diagnosed - past.count_normal });
      }
      e.health_score = healthScore(rates, e.mean_confidence ?? undefined)?.score ?? null;
    }
  }
  const severity = { low: 'anomalies_low', medium: 'anomalies_medium', high: 'anomalies_high', critical: 'anomalies_critical' } as const;
  for (const a of anomalies) get(`${dayOf(a.at)} ${a.machine}`)[severity[a.severity]] += 1;
  return out;
}

describe.each(DATABASE_KINDS)('KPI rollup (%s)', (kind) => {
  let db: TestDatabase;
  let stack: TestStack;
  let viewer: string;
  let operator: string;
  let expected: Map<string, ExpectedDay>;
  let orm: MikroORM;

  const kpiRows = async () =>
    (await orm.em.fork().find(KpiEquipmentDaily, {}, { orderBy: { day: 'asc', equipmentId: 'asc' } })).map((r) => {
      const { updatedAt: _updated, ...rest } = r;
      return { ...rest };
    });

  async function rollup(body: Record<string, unknown>) {
    const started = await stack.http('POST', '/api/v1/jobs/kpi-rollup', { key: operator, body });
    expect(started.status).toBe(202);
    return stack.finishedJob(started.body.workflow_id, 180_000);
  }

  beforeAll(async () => {
    db = await createTestDatabase(kind, `kpi_${kind}`);
    stack = await TestStack.start({ db, namespace: kind === 'mysql' ? 'kpi-mysql' : 'kpi-sqlite', env: { KPI_MAX_RANGE_DAYS: '60' } });
    viewer = await stack.issueKey('viewer');
    operator = await stack.issueKey('operator');
    orm = stack.app.get(MikroORM);

    const equipment = stack.app.get(EquipmentRepository);
    const ids: Record<string, number> = {};
    for (const code of ['g1', 'g2', 'g3']) ids[code] = (await equipment.ensureEquipment({ code, name: `machine ${code}`, kind: EquipmentKind.RotatingMachine })).id;
    const tep = await equipment.ensureEquipment({ code: 'tep', name: 'Tennessee Eastman', kind: EquipmentKind.Process });
    ids.tep = tep.id;

    const drafts = history();
    const diagnoses = stack.app.get(VibrationDiagnosisRepository);
    await diagnoses.insertIgnore(drafts);
    const newer = rediagnosed(drafts);
    await diagnoses.insertIgnore(newer);

    // A lot of the process unit: 20 observations of 3 tags, 5 alarms on 4 observations, 3 predictions.
    const lot = await stack.app.get(LotRepository).ensureLot({ code: 'kpi-lot-1', equipmentId: tep.id, startedAt: new Date(`${day(14)}T00:00:00Z`) });
    const at = (k: number) => new Date(utcDayStart(day(14)) + k * 180_000);
    const em = orm.em.fork();
    await em.insertMany(
      ProcessValue,
      [...Array(20).keys()].flatMap((k) => ['XMEAS_1', 'XMEAS_2', 'XMV_1'].map((tag) => ({ equipmentId: tep.id, lotId: lot.id, tag, measuredAt: at(k), value: k }))),
    );
    const anomalies = [
      { machine: 'g2', at: new Date(`${day(11)}T03:00:00Z`), severity: Severity.High },
      { machine: 'g2', at: new Date(`${day(11)}T04:00:00Z`), severity: Severity.High },
      { machine: 'g2', at: new Date(`${day(11)}T05:00:00Z`), severity: Severity.Critical },
      { machine: 'g3', at: new Date(`${day(19)}T07:00:00Z`), severity: Severity.Medium },
      { machine: 'tep', at: at(5), severity: Severity.Low, lot: true, method: AnomalyMethod.ZScore },
      { machine: 'tep', at: at(5), severity: Severity.Medium, lot: true, method: AnomalyMethod.IsolationForest },
      { machine: 'tep', at: at(6), severity: Severity.Medium, lot: true },
      { machine: 'tep', at: at(7), severity: Severity.High, lot: true },
      { machine: 'tep', at: at(12), severity: Severity.Low, lot: true },
    ];
    // The detector's lot anomalies and the predictor's forecasts through their repositories; AnomalyRepository
    // stores lot anomalies only, so the machines' few go in through the ORM.
    const lotAnomalies = anomalies.filter((a) => 'lot' in a);
    await stack.app.get(AnomalyRepository).insertIgnore(
      lotAnomalies.map((a) => ({
        equipmentId: tep.id,
        lotId: lot.id,
        detectedAt: a.at,
        method: 'method' in a ? a.method! : AnomalyMethod.Ensemble,
        score: 1,
        severity: a.severity,
        topTags: [{ tag: 'XMEAS_1', contribution: 1 }],
        windowStart: a.at,
        windowEnd: a.at,
        modelVersion: 'tep-detector@1',
      })),
    );
    await em.insertMany(
      Anomaly,
      anomalies
        .filter((a) => !('lot' in a))
        .map((a) => ({ equipmentId: ids[a.machine], detectedAt: a.at, method: AnomalyMethod.Ensemble, score: 1, severity: a.severity, modelVersion: 'vibration-test@1' })),
    );
    await stack.app.get(PredictionRepository).insertIgnore(
      [0.2, 0.4, 0.9].map((probability, k) => ({
        equipmentId: tep.id,
        lotId: lot.id,
        tag: 'fault',
        predictedAt: at(k),
        horizonMinutes: 30,
        probability,
        modelVersion: 'tep-lstm@1',
      })),
    );
    expected = recompute([...drafts, ...newer], anomalies);
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  it('refuses bad ranges, unknown machines and granularities, and viewers', async () => {
    const post = (body: unknown, key = operator) => stack.http('POST', '/api/v1/jobs/kpi-rollup', { key, body });
    expect((await post({ from: '2026-11-30', to: '2026-11-01' })).status).toBe(400);
    const tooLong = await post({ from: '2026-01-01', to: '2026-03-02' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0].field).toBe('to');
    expect((await post({ from: '2026-02-30', to: '2026-03-02' })).status).toBe(400);
    // A month that does not exist, with `to` before it (Schemathesis found the 500 this was).
    expect((await post({ from: '2024-13-01', to: '2000-01-01' })).status).toBe(400);
    expect((await post({ from: 'yesterday', to: '2026-03-02' })).status).toBe(400);
    expect((await post({ from: FROM, to: TO }, viewer)).status).toBe(403);
    expect((await stack.http('GET', `/api/v1/kpi?granularity=hour`, { key: viewer })).status).toBe(400);
    expect((await stack.http('GET', `/api/v1/kpi?from=${TO}&to=${FROM}`, { key: viewer })).status).toBe(400);
    expect((await stack.http('GET', `/api/v1/kpi?from=2026-01-01&to=2026-12-31`, { key: viewer })).status).toBe(400);
    expect((await stack.http('GET', `/api/v1/kpi?equipment=g9`, { key: viewer })).status).toBe(404);
    expect((await stack.http('GET', `/api/v1/equipment/g9/health`, { key: viewer })).status).toBe(404);
    expect((await stack.http('GET', `/api/v1/kpi/lots?lot_code=nope`, { key: viewer })).status).toBe(404);
  });

  it('rolls up 30 days through the API: every per-day KPI equals the recomputation from the raw rows', async () => {
    const job = await rollup({ from: FROM, to: TO });
    expect(job.status).toBe('completed');
    expect(job.result).toEqual({ from: FROM, to: TO, days: DAYS, equipment_days: expected.size, lots: 1 });
    expect(job.progress).toMatchObject({ phase: 'done', done: DAYS, total: DAYS, unit: 'days' });
    // What the Temporal UI shows: the run's current details (its last phase).
    const metadata = await stack.app.get(Client).workflow.getHandle(job.workflow_id).query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toBe(`done: ${DAYS} days, ${expected.size} equipment-days, 1 lots`);

    const res = await stack.http('GET', `/api/v1/kpi?from=${FROM}&to=${TO}&limit=1000`, { key: viewer });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(expected.size);
    const seen = new Set<string>();
    for (const item of res.body.items) {
      const key = `${item.period_start} ${item.equipment}`;
      seen.add(key);
      const want = expected.get(key)!;
      expect(want).toBeDefined();
      for (const [field, value] of Object.entries(want)) {
        if (typeof value === 'number') expect([key, field, item[field]]).toEqual([key, field, expect.closeTo(value, 9)]);
        else expect([key, field, item[field]]).toEqual([key, field, value]);
      }
    }
    expect(seen.size).toBe(expected.size);
    // The story the data tells: episodes, a repair, MTBF/MTTR, anomalies, the newer model's day.
    expect(expected.get(`${day(9)} g2`)!.fault_episodes).toBeGreaterThanOrEqual(1);
    expect(expected.get(`${day(19)} g3`)!.fault_episodes).toBeGreaterThanOrEqual(1);
    // g3's surge (day 20 06:00 to day 21 03:00) is repaired on day 21 after about 21 h, after more than 400 h up.
    expect(expected.get(`${day(20)} g3`)!.mttr_hours).toBeGreaterThan(18);
    expect(expected.get(`${day(20)} g3`)!.mttr_hours).toBeLessThan(24);
    expect(expected.get(`${day(19)} g3`)!.mtbf_hours).toBeGreaterThan(400);
    // The newer model's diagnoses of g1 on day 5 replace the older ones: 12 captures × 2 sensors × 4 windows, not more.
    expect(expected.get(`${day(4)} g1`)!.windows_diagnosed).toBe(96);
    expect(expected.get(`${day(11)} g2`)!.anomalies_high).toBe(2);
    expect(expected.get(`${day(14)} tep`)).toMatchObject({ windows_diagnosed: 0, anomalies_low: 2, anomalies_medium: 2, anomalies_high: 1, health_score: null });
  });

  it('re-running the range, also split by continue-as-new, leaves identical rows', async () => {
    const before = await kpiRows();
    const lotsBefore = (await orm.em.fork().find(KpiLot, {})).map(({ updatedAt: _u, ...rest }) => ({ ...rest }));
    expect(before).toHaveLength(expected.size);
    const again = await rollup({ from: FROM, to: TO });
    expect(again.status).toBe('completed');
    expect(await kpiRows()).toEqual(before);

    // A backfill of 5 days per run continues as new five times, its batches cut at other days than the first run's (7 days
    // each), and ends where one run ends: a day does not depend on the batch it was computed in.
    const client = stack.app.get(Client);
    const start = jobStart({ type: 'kpi-rollup', input: { from: FROM, to: TO } });
    const result = await client.workflow.execute<JobWorkflow<'kpi-rollup'>>('kpiRollup', {
      taskQueue: start.taskQueue,
      workflowId: `${start.workflowId}-split`,
      args: [{ from: FROM, to: TO, daysPerRun: 5 }],
    });
    expect(result).toEqual({ from: FROM, to: TO, days: DAYS, equipment_days: expected.size, lots: 1 });
    expect(await kpiRows()).toEqual(before);
    expect((await orm.em.fork().find(KpiLot, {})).map(({ updatedAt: _u, ...rest }) => ({ ...rest }))).toEqual(lotsBefore);
  });

  it('weeks and months sum the days and recompute the rates', async () => {
    for (const granularity of ['week', 'month'] as const) {
      const res = await stack.http('GET', `/api/v1/kpi?equipment=g2&from=${FROM}&to=${TO}&granularity=${granularity}`, { key: viewer });
      expect(res.status).toBe(200);
      // 2026-11-01 is a Sunday: the range touches six ISO weeks, the first and last by one day.
      expect(res.body.total).toBe(granularity === 'week' ? 6 : 1);
      let windows = 0;
      for (const item of res.body.items) {
        const days = [...expected.entries()].filter(([k]) => k.endsWith(' g2') && k.slice(0, 10) >= item.period_start && k.slice(0, 10) <= item.period_end).map(([, v]) => v);
        const sum = (f: keyof ExpectedDay) => days.reduce((s, d) => s + (d[f] as number), 0);
        expect(item.days).toBe(days.length);
        expect(item.windows_diagnosed).toBe(sum('windows_diagnosed'));
        expect(item.count_unbalance).toBe(sum('count_unbalance'));
        expect(item.fault_episodes).toBe(sum('fault_episodes'));
        expect(item.anomalies_high).toBe(sum('anomalies_high'));
        expect(item.fault_rate).toBeCloseTo((sum('windows_diagnosed') - sum('count_normal')) / sum('windows_diagnosed'), 12);
        windows += item.windows_diagnosed;
      }
      expect(windows).toBe(DAYS * 12 * 2 * 4);
    }
    const page = await stack.http('GET', `/api/v1/kpi?from=${FROM}&to=${TO}&offset=10&limit=5`, { key: viewer });
    expect(page.body).toMatchObject({ total: expected.size });
    expect(page.body.items).toHaveLength(5);
  });

  it('lot KPIs: samples, anomalies once per observation, yield, mean predicted probability, first alarm', async () => {
    const res = await stack.http('GET', '/api/v1/kpi/lots?lot_code=kpi-lot-1', { key: viewer });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      lot_code: 'kpi-lot-1',
      equipment: 'tep',
      samples: 20,
      anomaly_count: 4,
      anomaly_rate: 0.2,
      yield: 0.8,
      first_alarm_at: new Date(utcDayStart(day(14)) + 5 * 180_000).toISOString(),
    });
    expect(res.body.items[0].mean_fault_probability).toBeCloseTo(0.5, 12);
  });

  it('health: the healthy machine stays above 90, the unbalanced one falls below 60 within two days and says since when', async () => {
    const health = async (name: string) => (await stack.http('GET', `/api/v1/equipment/${name}/health`, { key: viewer })).body;
    const g1 = await health('g1');
    expect(g1).toMatchObject({ equipment: 'g1', day: TO, current_fault_name: 'normal' });
    expect(g1.trend).toHaveLength(30);
    expect(Math.min(...g1.trend.map((p: { health_score: number }) => p.health_score))).toBeGreaterThan(90);
    expect(g1.explanation).toMatch(/^Health /);

    const g2 = await health('g2');
    const trend = new Map<string, number>(g2.trend.map((p: { day: string; health_score: number }) => [p.day, p.health_score]));
    for (let i = 0; i < 9; i++) expect(trend.get(day(i))).toBeGreaterThan(90);
    for (let i = 10; i < DAYS; i++) expect(trend.get(day(i))).toBeLessThan(60);
    expect(g2.health_score).toBeLessThan(60);
    expect(g2).toMatchObject({ current_fault_type: 1, current_fault_name: 'unbalance' });
    // Since the onset of the episode in progress; the first episode began within hours of the real onset.
    const g2onsets = onsets.get('g2')!;
    expect(Date.parse(g2.since)).toBe(g2onsets[g2onsets.length - 1]);
    expect(g2onsets[0]).toBeGreaterThanOrEqual(G2_ONSET);
    expect(g2onsets[0]).toBeLessThan(G2_ONSET + 6 * HOUR_MS);
    // The equipment detail carries the latest score.
    expect((await stack.http('GET', '/api/v1/equipment/g2', { key: viewer })).body.health).toEqual({ day: TO, health_score: g2.health_score });
    expect(g2.explanation).toMatch(/weighted fault rate of \d+\.\d % over the last 7 days costs/);

    const g3 = await health('g3');
    const g3trend = new Map<string, number>(g3.trend.map((p: { day: string; health_score: number }) => [p.day, p.health_score]));
    expect(g3trend.get(day(19))).toBeLessThan(60);
    expect(g3.health_score).toBeGreaterThan(90);
    expect(g3.current_fault_name).toBe('normal');
    expect(Date.parse(g3.since)).toBeGreaterThanOrEqual(G3_SURGE[1]);
  });
});
