// What each chaos run starts and what it must find when the job has ended. Every count is compared with one computed
// here from what the run wrote (the file, the plan, the rows), never with what the job says of itself alone.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { captureChunks, captureFileName, DEMO_MACHINES, planCaptures, recordingChunks, scriptedFaultHistory } from '@him/datagen';
import { DiagnosisLevel, EquipmentKind, EquipmentRepository, VibrationDiagnosisRepository, type DiagnosisDraft, type FaultType } from '@him/db';
import { vibrationCsv } from '../support/ingest-files';
import { ADMIN_KEY } from '../support/stack';
import type { ChaosWorkflow } from './chaos-runs';
import { sleep, type Plant } from './plant';

export interface StartedJob {
  workflowId: string;
  /** Stops whatever watches the job while it runs and throws what it saw wrong. */
  stopWatching?: () => Promise<void>;
  reportId?: number;
}

export interface Scenario {
  /** How long the job took with no fault (measured on the 2-core machine of docs/RELIABILITY.md): the fault strikes at a fraction of it. */
  spanMs: number;
  /** Writes the run's data (not timed) and returns a starter of the job. */
  prepare(plant: Plant): Promise<() => Promise<StartedJob>>;
  /** Checks the data after the job has ended (it must have completed) and sums up what was checked. */
  verify(plant: Plant, job: StartedJob, ended: any): Promise<string>;
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`);
}

function expectCompleted(ended: any): void {
  if (ended.status !== 'completed') throw new Error(`the job ended ${ended.status}: ${JSON.stringify(ended.error ?? ended.result)}`);
}

async function post(plant: Plant, route: string, body: unknown): Promise<any> {
  const res = await plant.stack.http('POST', route, { key: ADMIN_KEY, body });
  if (res.status !== 202) throw new Error(`POST ${route} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function ingestAll(plant: Plant, files: readonly { name: string; content: string }[]): Promise<void> {
  for (const file of files) {
    const res = await plant.stack.upload(file.name, file.content);
    if (res.status !== 202) throw new Error(`upload of ${file.name} answered ${res.status}`);
    expectCompleted(await plant.finished(res.body.workflow_id, 120_000));
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// 400 k rows, then 20 k of them again: 9 chunks of 50 k, the duplicates in the last.
const INGEST_ROWS = 400_000;
const INGEST_DUPLICATES = 20_000;
const CHUNK_ROWS = 50_000;

const ingest: Scenario = {
  spanMs: 4_500,
  async prepare(plant) {
    const csv = vibrationCsv(INGEST_ROWS) + vibrationCsv(INGEST_DUPLICATES, { from: 1000 });
    return async () => {
      const res = await plant.stack.upload('g9_sensor1.csv', csv);
      if (res.status !== 202) throw new Error(`upload answered ${res.status}`);
      return { workflowId: res.body.workflow_id };
    };
  },
  async verify(plant, _job, ended) {
    expectCompleted(ended);
    const read = INGEST_ROWS + INGEST_DUPLICATES;
    expectEqual('the result', ended.result, { ...ended.result, rows_read: read, rows_inserted: INGEST_ROWS, rows_duplicate: INGEST_DUPLICATES, rows_rejected: 0 });
    const [stored] = await plant.query("select count(*) as n, count(distinct measured_time) as times from vibration_data where machine_name = 'g9' and sensor_no = '1'");
    expectEqual('rows stored (all, distinct times)', [Number(stored.n), Number(stored.times)], [INGEST_ROWS, INGEST_ROWS]);
    const [chunks] = await plant.query(
      'select count(*) as n, count(distinct chunk_no) as nos, sum(rows_read) as r, sum(rows_inserted) as i, sum(rows_duplicate) as d from ingest_chunk where ingest_id = ?',
      [ended.result.ingest_id],
    );
    const chunkCount = Math.ceil(read / CHUNK_ROWS);
    expectEqual('the chunk ledger (chunks, distinct, read, inserted, duplicate)', [chunks.n, chunks.nos, chunks.r, chunks.i, chunks.d].map(Number), [
      chunkCount,
      chunkCount,
      read,
      INGEST_ROWS,
      INGEST_DUPLICATES,
    ]);
    const [ledger] = await plant.query('select status, rows_inserted as i, rows_duplicate as d from ingest where id = ?', [ended.result.ingest_id]);
    expectEqual('the ingest row', [ledger.status, Number(ledger.i), Number(ledger.d)], ['succeeded', INGEST_ROWS, INGEST_DUPLICATES]);
    return `${INGEST_ROWS} rows + ${INGEST_DUPLICATES} duplicates; ${chunkCount} chunks reconcile`;
  },
};

// 20 captures of 10 s (g1–g5, every 6 h for a day): 200 windows of 1 s.
const SWEEP_START = new Date('2026-11-01T00:00:00Z');
const WINDOWS_PER_CAPTURE = 10;

const sweep: Scenario = {
  spanMs: 1_500,
  async prepare(plant) {
    const plan = planCaptures({
      start: SWEEP_START,
      days: 1,
      everyHours: 6,
      machines: DEMO_MACHINES,
      sensorsPerMachine: 1,
      seconds: 10,
      seed: `chaos-${plant.run.n}`,
      history: scriptedFaultHistory(SWEEP_START),
    });
    await ingestAll(
      plant,
      plan.map((c) => ({ name: captureFileName(c.machine, c.sensor, c.capturedAt), content: [...captureChunks(c)].join('') })),
    );
    return async () => ({ workflowId: (await post(plant, '/api/v1/jobs/diagnosis-sweep', { day: '2026-11-02', concurrency: 2 })).workflow_id });
  },
  async verify(plant, _job, ended) {
    expectCompleted(ended);
    const captures = await plant.count('select count(*) as n from capture');
    const windows = captures * WINDOWS_PER_CAPTURE;
    expectEqual('the result (series total, done, failed)', [ended.result.series_total, ended.result.series_done, ended.result.series_failed], [5, 5, 0]);
    const [c] = await plant.query("select count(*) as n, count(distinct capture_id) as d from vibration_diagnosis where level = 'capture'");
    expectEqual('capture diagnoses (all, distinct)', [Number(c.n), Number(c.d)], [captures, captures]);
    const [w] = await plant.query("select count(*) as n, count(distinct capture_id, window_start) as d from vibration_diagnosis where level = 'window'");
    expectEqual('window diagnoses (all, distinct)', [Number(w.n), Number(w.d)], [windows, windows]);
    expectEqual('watermarks', await plant.count('select count(*) as n from sweep_watermark'), 5);
    // The drift ledger counts each window once, however often a batch was retried.
    expectEqual('windows counted for drift', await plant.count("select coalesce(sum(samples), 0) as n from model_drift where model_name = 'vibration-classifier'"), windows);
    return `${captures} captures, ${windows} windows, each diagnosed once; 5 watermarks; drift counts ${windows}`;
  },
};

// 4 machines × 45 days of diagnoses (a capture every 2 h, 4 windows each); g2 faulty from day 20.
const KPI_FROM = '2026-09-01';
const KPI_DAYS = 45;
const KPI_MACHINES = ['g1', 'g2', 'g3', 'g4'];
const KPI_COLUMNS =
  'e.code, k.day, k.windows_diagnosed, k.count_normal, k.count_unbalance, k.count_looseness, k.count_unbalance_looseness, k.fault_rate, k.health_score, k.captures_diagnosed, k.mean_confidence, k.fault_episodes, k.mttr_hours, k.mtbf_hours';
const kpiRows = (plant: Plant) => plant.query(`select ${KPI_COLUMNS} from kpi_equipment_daily k join equipment e on e.id = k.equipment_id order by e.code, k.day`);

const kpiRollup: Scenario = {
  spanMs: 3_000,
  async prepare(plant) {
    const equipment = plant.stack.app.get(EquipmentRepository);
    for (const code of KPI_MACHINES) await equipment.ensureEquipment({ code, name: code, kind: EquipmentKind.RotatingMachine });
    const start = Date.parse(`${KPI_FROM}T00:00:00Z`);
    const drafts: DiagnosisDraft[] = [];
    for (const machineName of KPI_MACHINES) {
      for (let i = 0; i < KPI_DAYS * 12; i++) {
        const at = start + i * 7_200_000;
        const fault: FaultType = machineName === 'g2' && i >= 20 * 12 ? 1 : i % 37 === 5 ? 2 : 0;
        const base = { machineName, sensorNo: '1', faultType: fault, modelVersion: 'vibration-classifier@1' };
        drafts.push({ ...base, detectedAt: new Date(at), confidence: 0.9, level: DiagnosisLevel.Capture, captureId: i + 1 });
        for (let w = 0; w < 4; w++) drafts.push({ ...base, detectedAt: new Date(at + w * 1000), confidence: 0.8, level: DiagnosisLevel.Window, captureId: i + 1 });
      }
    }
    await plant.stack.app.get(VibrationDiagnosisRepository).insertIgnore(drafts);
    const to = new Date(start + (KPI_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    return async () => ({ workflowId: (await post(plant, '/api/v1/jobs/kpi-rollup', { from: KPI_FROM, to })).workflow_id });
  },
  async verify(plant, _job, ended) {
    expectCompleted(ended);
    expectEqual('days rolled up', ended.result.days, KPI_DAYS);
    const rows = await kpiRows(plant);
    expectEqual('equipment-days', rows.length, KPI_MACHINES.length * KPI_DAYS);
    // Recomputed here from the diagnoses: each day's windows and their classes.
    const counts = await plant.query(
      `select machine_name as code, date(detected_at) as day, count(*) as n, sum(fault_type = 0) as normal, sum(fault_type = 1) as unbalance, sum(fault_type = 2) as looseness
       from vibration_diagnosis where level = 'window' group by machine_name, date(detected_at) order by machine_name, day`,
    );
    const fromRows = rows.map((r) => [r.code, Number(r.windows_diagnosed), Number(r.count_normal), Number(r.count_unbalance), Number(r.count_looseness)]);
    const recomputed = counts.map((c) => [c.code, Number(c.n), Number(c.normal), Number(c.unbalance), Number(c.looseness)]);
    expectEqual('per-day window counts against the diagnoses', fromRows, recomputed);
    // And the same rollup run again with no fault writes the very same rows.
    const again = await post(plant, '/api/v1/jobs/kpi-rollup', { from: KPI_FROM, to: ended.result.to });
    expectCompleted(await plant.finished(again.workflow_id, 120_000));
    expectEqual('the rows of a fault-free re-run', await kpiRows(plant), rows);
    return `${rows.length} equipment-days equal the diagnoses' counts and a fault-free re-run`;
  },
};

const retrain: Scenario = {
  spanMs: 2_500,
  async prepare(plant) {
    await ingestAll(
      plant,
      [1, 2, 3, 4].map((sensor) => ({ name: `g1_sensor${sensor}.csv`, content: [...recordingChunks({ machine: 1, sensor, seed: 'chaos', seconds: 45, header: true })].join('') })),
    );
    return async () => ({ workflowId: (await post(plant, '/api/v1/jobs/retrain', { model: 'vibration-classifier', promote: 'never' })).workflow_id });
  },
  async verify(plant, _job, ended) {
    expectCompleted(ended);
    const versions = await plant.query("select version, status, checksum, file_path from model_version where name = 'vibration-classifier' order by version");
    expectEqual(
      'versions (version, status)',
      versions.map((v) => [Number(v.version), v.status]),
      [
        [1, 'active'],
        [2, 'candidate'],
      ],
    );
    expectEqual('the result version', ended.result.version, 2);
    const file = path.isAbsolute(versions[1].file_path) ? versions[1].file_path : path.join(plant.stack.config.blobDir, versions[1].file_path);
    expectEqual("the registered file's checksum", sha256(fs.readFileSync(file)), versions[1].checksum);
    const training = path.join(plant.stack.config.blobDir, 'training');
    const left = fs.existsSync(training) ? fs.readdirSync(training, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    expectEqual('training files left', left.length, 0);
    return 'one candidate v2, its file matches its checksum; no training file left';
  },
};

// 60 k window diagnoses of one day: the xlsx takes a few seconds to write.
const REPORT_DAY = '2026-11-18';
const REPORT_ROWS = 60_000;

const report: Scenario = {
  spanMs: 3_000,
  async prepare(plant) {
    await plant.stack.app.get(EquipmentRepository).ensureEquipment({ code: 'g1', name: 'g1', kind: EquipmentKind.RotatingMachine });
    const start = Date.parse(`${REPORT_DAY}T00:00:00Z`);
    const drafts: DiagnosisDraft[] = Array.from({ length: REPORT_ROWS }, (_, i) => ({
      machineName: 'g1',
      sensorNo: String(1 + (i % 4)),
      detectedAt: new Date(start + Math.floor(i / 4) * 1000),
      faultType: i % 13 === 0 ? 1 : 0,
      confidence: 0.9,
      modelVersion: 'vibration-classifier@1',
      level: DiagnosisLevel.Window,
    }));
    await plant.stack.app.get(VibrationDiagnosisRepository).insertIgnore(drafts);
    return async () => {
      const started = await post(plant, '/api/v1/reports', { type: 'daily', from: REPORT_DAY, to: REPORT_DAY, formats: ['xlsx', 'pdf'] });
      // While it runs, downloads are tried again and again: whatever is served must be the whole, final file.
      const served = new Map<string, Set<string>>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          for (const format of ['xlsx', 'pdf']) {
            const res = await fetch(`${plant.stack.baseUrl}/api/v1/reports/${started.report_id}/download?format=${format}`, { headers: { 'x-api-key': ADMIN_KEY } });
            plant.noteAnswer(res.status);
            if (res.status === 200) {
              if (!served.has(format)) served.set(format, new Set());
              served.get(format)!.add(sha256(Buffer.from(await res.arrayBuffer())));
            } else await res.arrayBuffer();
          }
          await sleep(200);
        }
      })();
      return {
        workflowId: started.workflow_id,
        reportId: started.report_id,
        stopWatching: async () => {
          watching = false;
          await watcher;
          const files = (await plant.stack.http('GET', `/api/v1/reports/${started.report_id}`, { key: ADMIN_KEY })).body.files as { format: string; sha256: string }[];
          for (const [format, sums] of served) {
            const final = files.find((f) => f.format === format)?.sha256;
            if ([...sums].some((s) => s !== final)) throw new Error(`a ${format} other than the final file was served while the report ran`);
          }
        },
      };
    };
  },
  async verify(plant, job, ended) {
    expectCompleted(ended);
    await job.stopWatching!();
    const id = job.reportId!;
    const report = (await plant.stack.http('GET', `/api/v1/reports/${id}`, { key: ADMIN_KEY })).body;
    expectEqual('the report status', report.status, 'ready');
    const folder = path.join(plant.stack.config.blobDir, 'reports', String(id));
    expectEqual('files in its folder', fs.readdirSync(folder).sort(), ['document.json', `report-${id}.pdf`, `report-${id}.xlsx`]);
    for (const file of report.files as { format: string; sha256: string }[]) {
      expectEqual(`the ${file.format} checksum`, sha256(fs.readFileSync(path.join(folder, `report-${id}.${file.format}`))), file.sha256);
    }
    const rows: Record<string, number> = {};
    for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(path.join(folder, `report-${id}.xlsx`), {})) {
      const name = (sheet as unknown as { name: string }).name;
      for await (const _row of sheet) rows[name] = (rows[name] ?? 0) + 1;
    }
    const diagnoses = await plant.count("select count(*) as n from vibration_diagnosis where level = 'window'");
    expectEqual('diagnosis rows in the xlsx (header + rows)', rows.Diagnoses, diagnoses + 1);
    const pages = /Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [path.join(folder, `report-${id}.pdf`)], { encoding: 'utf8' }).stdout)?.[1];
    if (!pages || Number(pages) < 1) throw new Error('the PDF does not open in pdfinfo');
    return `xlsx holds all ${diagnoses} diagnoses; PDF ${pages} pages; checksums match; only whole files were served`;
  },
};

export const SCENARIOS: Record<ChaosWorkflow, Scenario> = { ingest, sweep, 'kpi-rollup': kpiRollup, retrain, report };
