/** @jest-environment ./test/support/onnx-environment.ts */
// The TEP-lot side of the nightly sweep on real Braatz runs: ingested through the API, diagnosed by one sweep started
// through the API (then by the worker's diagnoseLot directly, for re-runs and resumption) with the shipped (active)
// detector and LSTM, read back through GET /api/v1/anomalies. The anomaly rates
// before and after the fault onset must be the detection and false-alarm rates `npm run eval:models` computes for
// the same detector on the same files. TEP_LOT_FILES=all runs every dNN_te.dat (slow); the default is a handful.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '@him/config';
import { TEP_FAULT_DESCRIPTIONS } from '@him/contracts';
import { Anomaly, Prediction, SeriesKind, SweepWatermark, SweepWatermarkRepository } from '@him/db';
import { TEP_SAMPLE_MS } from '@him/ingest';
import {
  identifyTepRunOnnx,
  loadServableModel,
  readTepFile,
  scoreTepRunOnnx,
  TEP_DETECTOR_NAME,
  TEP_FAULT_START,
  TEP_IDENTIFIER_NAME,
  TEP_LSTM_NAME,
  tepIdentifierPreprocessingFromModel,
  tepLstmFacts,
  tepPreprocessingFromModel,
} from '@him/ml';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases';
import { LotDiagnosis } from '../support/lot-diagnosis';
import { ADMIN_KEY, TestStack } from '../support/stack';

const TEP_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'tep');
const FILES =
  process.env.TEP_LOT_FILES === 'all' ? Array.from({ length: 22 }, (_, f) => `d${String(f).padStart(2, '0')}_te.dat`) : ['d00_te.dat', 'd01_te.dat', 'd05_te.dat', 'd11_te.dat'];
const START = Date.parse('2026-01-02T00:00:00Z');
const at = (row: number) => new Date(START + row * TEP_SAMPLE_MS).toISOString();
const kind = DATABASE_KINDS[DATABASE_KINDS.length - 1];
const shippedModel = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'data', 'models', name, 'v1.onnx'));

(fs.existsSync(TEP_DIR) ? describe : describe.skip)(`diagnoseLot on real TEP runs (${kind})`, () => {
  let db: TestDatabase;
  let stack: TestStack;
  let sweep: LotDiagnosis;
  let viewer: string;
  /**
   * Rows of each file on which the shipped detector alarms, scored as eval:models scores them, and the fault the
   * shipped identifier names at each row of the whole run.
   */
  const evaluated = new Map<string, { rows: number; alarms: number[]; faults: number[] }>();
  let detectorWindow: number;
  const lotOf = (file: string) => file.replace(/\.dat$/, '');

  const anomalyTotal = async (lot: string, range: string) => (await stack.http('GET', `/api/v1/anomalies?lot_code=${lot}&limit=1${range}`, { key: viewer })).body.total as number;
  /** The lot's anomalies as the API lists them: the row of each and the IDV fault it names, in row order. */
  const alarmsOf = async (lot: string) => {
    const found: { row: number; fault: number }[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = (await stack.http('GET', `/api/v1/anomalies?lot_code=${lot}&limit=1000&offset=${offset}`, { key: viewer })).body;
      found.push(
        ...page.items.map((a: { detected_at: string; probable_fault: { idv: number } }) => ({
          row: (Date.parse(a.detected_at) - START) / TEP_SAMPLE_MS,
          fault: a.probable_fault.idv,
        })),
      );
      if (page.items.length < 1000) return found.sort((a, b) => a.row - b.row);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind, 'lot-diagnosis');
    stack = await TestStack.start({ db, namespace: 'lot-diagnosis' });
    viewer = await stack.issueKey('viewer');
    sweep = await LotDiagnosis.start(stack.config);
    const detector = await loadServableModel(TEP_DETECTOR_NAME, shippedModel(TEP_DETECTOR_NAME));
    const p = tepPreprocessingFromModel(detector.metadata);
    detectorWindow = p.window;
    const identifier = await loadServableModel(TEP_IDENTIFIER_NAME, shippedModel(TEP_IDENTIFIER_NAME));
    const ip = tepIdentifierPreprocessingFromModel(identifier.metadata);
    for (const file of FILES) {
      const started = await stack.upload(file, fs.readFileSync(path.join(TEP_DIR, file)), { start_time: new Date(START).toISOString() });
      expect((await stack.finishedJob(started.body.workflow_id)).status).toBe('completed');
      const run = await readTepFile(TEP_DIR, file);
      const { score } = await scoreTepRunOnnx(detector.session, p, run);
      const { faults } = await identifyTepRunOnnx(identifier.session, ip, run);
      evaluated.set(lotOf(file), { rows: run.length, alarms: Array.from(score).flatMap((s, r) => (s > p.threshold ? [r] : [])), faults });
    }
  }, 600_000);

  afterAll(async () => {
    await sweep?.close();
    await stack?.close();
    await db?.drop();
  });

  it('one sweep through the API writes an anomaly per alarming observation: rates before and after the onset equal the evaluation’s, per lot', async () => {
    const lstm = tepLstmFacts((await loadServableModel(TEP_LSTM_NAME, shippedModel(TEP_LSTM_NAME))).metadata.properties);
    const started = await stack.http('POST', '/api/v1/jobs/diagnosis-sweep', { key: ADMIN_KEY, body: { day: '2026-01-03' } });
    expect(started.status).toBe(202);
    const sweepJob = await stack.finishedJob(started.body.workflow_id, 600_000);
    expect(sweepJob.status).toBe('completed');
    const expected = FILES.map((file) => evaluated.get(lotOf(file))!);
    expect(sweepJob.result).toMatchObject({
      series_total: FILES.length,
      series_done: FILES.length,
      series_failed: 0,
      items: expected.reduce((sum, e) => sum + e.rows, 0),
      anomalies_written: expected.reduce((sum, e) => sum + e.alarms.length, 0),
      predictions_written: expected.reduce((sum, e) => sum + e.rows - lstm.steps + 1, 0),
      days: ['2026-01-02', '2026-01-03'],
    });
    const lines: string[] = [];
    for (const file of FILES) {
      const lot = lotOf(file);
      const { rows, alarms } = evaluated.get(lot)!;
      const before = (await anomalyTotal(lot, `&to=${at(TEP_FAULT_START - 1)}`)) / TEP_FAULT_START;
      const after = (await anomalyTotal(lot, `&from=${at(TEP_FAULT_START)}`)) / (rows - TEP_FAULT_START);
      const evalBefore = alarms.filter((r) => r < TEP_FAULT_START).length / TEP_FAULT_START;
      const evalAfter = alarms.filter((r) => r >= TEP_FAULT_START).length / (rows - TEP_FAULT_START);
      const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
      lines.push(`${lot}: rows <160 ${pct(before)} (eval ${pct(evalBefore)}), rows ≥160 ${pct(after)} (eval ${pct(evalAfter)})`);
      expect(Math.abs(before - evalBefore)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(after - evalAfter)).toBeLessThanOrEqual(0.005);
      // Not only the rates: the very observations, each naming the fault the identifier names on the whole run.
      const found = await alarmsOf(lot);
      expect(found.map((a) => a.row)).toEqual(alarms);
      expect(found.map((a) => a.fault)).toEqual(alarms.map((r) => evaluated.get(lot)!.faults[r]));
      const fault = Number(lot.slice(1, 3));
      const afterOnset = found.filter((a) => a.row >= TEP_FAULT_START);
      if (fault > 0)
        lines.push(`  ${lot}: ${pct(afterOnset.filter((a) => a.fault === fault).length / Math.max(1, afterOnset.length))} of the alarms from row 160 name IDV(${fault})`);
    }
    console.log(`anomaly rate per lot, sweep vs eval:models (shipped tep-detector@1):\n${lines.join('\n')}`);

    // Drift: every observation the detector did not alarm on is counted against its training tags, once, per lot.
    const drift = (await stack.http('GET', '/api/v1/models/tep-detector/drift?from=2026-01-02&to=2026-01-03', { key: viewer })).body;
    for (const file of FILES) {
      const { rows, alarms } = evaluated.get(lotOf(file))!;
      const counted = drift.series.filter((s: { series_key: string }) => s.series_key === lotOf(file)).reduce((n: number, s: { samples: number }) => n + s.samples, 0);
      expect(counted).toBe(rows - alarms.length);
    }
    expect(drift.days.map((d: { day: string }) => d.day)).toEqual(['2026-01-02', '2026-01-03']);
    expect(sweepJob.result.drift.filter((d: { model: string }) => d.model === 'tep-detector')).toEqual(
      drift.days.map((d: { day: string; decision: string }) => expect.objectContaining({ day: d.day, decision: d.decision })),
    );

    const [first] = (await stack.http('GET', `/api/v1/anomalies?lot_code=d01_te&from=${at(TEP_FAULT_START)}&limit=1`, { key: viewer })).body.items;
    expect(first).toMatchObject({
      equipment: 'TEP',
      lot_code: 'd01_te',
      method: 'ensemble',
      model_version: 'tep-detector@1',
      job_id: started.body.workflow_id,
      acknowledged_at: null,
    });
    expect(first.top_tags).toHaveLength(3);
    const named = evaluated.get('d01_te')!.faults[(Date.parse(first.detected_at) - START) / TEP_SAMPLE_MS];
    expect(first.probable_fault).toMatchObject({ idv: named, fault: `IDV(${named})`, description: TEP_FAULT_DESCRIPTIONS[named], model_version: 'tep-identifier@1' });
    expect(first.probable_fault.candidates).toHaveLength(3);
    expect(first.probable_fault.candidates[0]).toEqual({
      idv: named,
      fault: `IDV(${named})`,
      description: TEP_FAULT_DESCRIPTIONS[named],
      probability: first.probable_fault.probability,
    });
    expect(first.probable_fault.candidates[0].probability).toBeGreaterThanOrEqual(first.probable_fault.candidates[1].probability);
    expect(first.top_tags[0].contribution).toBeGreaterThanOrEqual(first.top_tags[2].contribution);
    // The longest rolling window of the detector's features, up to the alarming observation.
    expect(Date.parse(first.detected_at) - Date.parse(first.window_start)).toBe((detectorWindow - 1) * TEP_SAMPLE_MS);
    expect(first.window_end).toBe(first.detected_at);
  });

  it('a re-run writes nothing new, and nor does one that lost its watermarks (the natural keys hold)', async () => {
    const count = async () => [await sweep.orm.em.fork().count(Anomaly, {}), await sweep.orm.em.fork().count(Prediction, {})];
    const stored = await count();
    for (const file of FILES) {
      expect(await sweep.diagnose(lotOf(file), 'sweep-test-2')).toMatchObject({ items: 0, anomalies_written: 0, predictions_written: 0, days: [], data_until: null });
    }
    await sweep.orm.em.fork().nativeDelete(SweepWatermark, {});
    const lot = lotOf(FILES[1]);
    expect(await sweep.diagnose(lot, 'sweep-test-3')).toMatchObject({ items: evaluated.get(lot)!.rows, anomalies_written: 0, predictions_written: 0 });
    expect(await count()).toEqual(stored);
  });

  it('resumed from a watermark mid-lot, it scores the rest with the history it needs: the same alarms and forecasts again', async () => {
    const lot = lotOf(FILES[1]);
    const { alarms } = evaluated.get(lot)!;
    const em = sweep.orm.em.fork();
    const lotId = (await em.getConnection().execute('select id from lot where code = ?', [lot]))[0].id;
    // As if the last sweep had stopped after observation 400: its later rows and watermark gone.
    const cut = new Date(at(400));
    await em.nativeDelete(SweepWatermark, {});
    const anomaliesGone = await em.nativeDelete(Anomaly, { lotId, detectedAt: { $gt: cut } });
    const predictionsGone = await em.nativeDelete(Prediction, { lotId, predictedAt: { $gt: cut } });
    const repo = new SweepWatermarkRepository(sweep.orm, kind);
    for (const modelName of [TEP_DETECTOR_NAME, TEP_LSTM_NAME]) {
      await repo.transaction((tx) => repo.advance(tx, { seriesKind: SeriesKind.Lot, seriesKey: lot, modelName, position: cut.getTime() }));
    }
    const result = await sweep.diagnose(lot, 'sweep-test-4');
    expect(result).toMatchObject({ items: evaluated.get(lot)!.rows - 401, anomalies_written: anomaliesGone, predictions_written: predictionsGone });
    expect(anomaliesGone).toBeGreaterThan(0);
    // The identifier's 60-row windows reach back past the watermark too: the same faults named again.
    expect(await alarmsOf(lot)).toEqual(alarms.map((row) => ({ row, fault: evaluated.get(lot)!.faults[row] })));
  });

  it('refuses a lot that does not exist', async () => {
    await expect(sweep.diagnose('d99_te', 'sweep-test-5')).rejects.toThrow('no lot d99_te');
    expect((await stack.http('GET', '/api/v1/anomalies?lot_code=d99_te', { key: ADMIN_KEY })).status).toBe(404);
  });
});
