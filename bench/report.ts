/* `npm run bench:report`: a weekly report over 100 k diagnoses and 20 k anomalies, xlsx and pdf, on MySQL/MariaDB.
 * Setup (not timed): the rows written through the repositories, the week's KPI rollup run as a job, and the same rows
 * read into memory for (a). Timed in the same run, BENCH_ROUNDS times (default 3):
 *   (a) a bare exceljs streaming write of the same rows (two sheets, the same columns, no styles) from memory to a file;
 *   (b) the report end to end: POST /api/v1/reports (force: a new rendering each round) → Temporal → the worker
 *       (gather on the I/O queue, xlsx and pdf rendered on the CPU queue, published with SHA-256) until it is ready.
 * Prints the medians of b/a (bar: ≤ 2) and the worker's peak RSS (bar: < 400 MB) as Markdown for docs/BENCHMARKS.md.
 * Env: DATABASE_URL (server; the bench uses its own database him_mes_bench), TEMPORAL_CLI, BENCH_ROUNDS.         */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import ExcelJS from 'exceljs';
import { utcDayStart } from '@him/contracts';
import {
  AnomalyMethod,
  AnomalyRepository,
  DiagnosisLevel,
  EquipmentKind,
  EquipmentRepository,
  LotRepository,
  openReportRowReader,
  ormOptions,
  Severity,
  VibrationDiagnosisRepository,
  type DiagnosisDraft,
  type FaultType,
} from '@him/db';
import type { AnomalyLine, DiagnosisLine } from '@him/reports';
import { BenchStack, DB_URL, freshDatabase, machineLine, peakRssMb } from './stack';

const MONDAY = '2026-11-16';
const SUNDAY = '2026-11-22';
const DIAGNOSES = 100_000;
const ANOMALIES = 20_000;
const MACHINES = ['g1', 'g2', 'g3', 'g4', 'g5'];
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WEEK_MS = 7 * 86_400_000;

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Writes the week's diagnoses and the lot's anomalies through the repositories, as the sweep would. */
async function seed(orm: MikroORM): Promise<void> {
  const equipment = new EquipmentRepository(orm);
  for (const code of MACHINES) await equipment.ensureEquipment({ code, name: code, kind: EquipmentKind.RotatingMachine });
  const tep = await equipment.ensureEquipment({ code: 'tep', name: 'Tennessee Eastman', kind: EquipmentKind.Process });
  const start = utcDayStart(MONDAY);
  const perMachine = DIAGNOSES / MACHINES.length;
  const drafts: DiagnosisDraft[] = [];
  for (const [m, machineName] of MACHINES.entries()) {
    for (let i = 0; i < perMachine; i++) {
      const at = new Date(start + Math.floor((i * WEEK_MS) / perMachine));
      const faultType = ((i * 7 + m) % 50 === 0 ? 1 + (i % 3) : 0) as FaultType;
      drafts.push({
        machineName,
        sensorNo: '1',
        detectedAt: at,
        windowStart: at,
        windowEnd: new Date(at.getTime() + 1000),
        faultType,
        confidence: 0.9,
        modelVersion: 'vibration-classifier@1',
        level: DiagnosisLevel.Window,
        jobId: 'bench',
      });
    }
  }
  await new VibrationDiagnosisRepository(orm, 'mysql').insertIgnore(drafts);
  const lot = await new LotRepository(orm).ensureLot({ code: 'bench-lot', equipmentId: tep.id, startedAt: new Date(start) });
  const severities = [Severity.Low, Severity.Medium, Severity.High, Severity.Critical];
  await new AnomalyRepository(orm, 'mysql').insertIgnore(
    Array.from({ length: ANOMALIES }, (_, i) => {
      const at = new Date(start + Math.floor((i * WEEK_MS) / ANOMALIES));
      return {
        equipmentId: tep.id,
        lotId: lot.id,
        detectedAt: at,
        method: AnomalyMethod.Ensemble,
        score: 1 + (i % 97) / 10,
        severity: severities[i % 4],
        topTags: [{ tag: 'XMEAS(9)', contribution: 0.4 }],
        windowStart: at,
        windowEnd: at,
        modelVersion: 'tep-detector@2',
      };
    }),
  );
}

const EventType = temporal.api.enums.v1.EventType;
const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

/** Where the report's time went, from its workflow history: each activity's start and end after the run's start. */
async function timeline(client: Client, workflowId: string): Promise<string> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const t0 = seconds(events[0].eventTime);
  const names = new Map<number, string>();
  const started = new Map<number, number>();
  const spans: string[] = [];
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled)
      names.set(
        Number(e.eventId),
        `${scheduled.activityType?.name}${scheduled.input?.payloads?.length === 2 ? `(${Buffer.from(scheduled.input.payloads[1].data!).toString()})` : ''}`,
      );
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) started.set(Number(e.activityTaskStartedEventAttributes!.scheduledEventId), seconds(e.eventTime) - t0);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const id = Number(e.activityTaskCompletedEventAttributes!.scheduledEventId);
      spans.push(`${names.get(id)} ${started.get(id)!.toFixed(2)}–${(seconds(e.eventTime) - t0).toFixed(2)}`);
    }
  }
  return `${spans.join(' · ')} · closed ${(seconds(events[events.length - 1].eventTime) - t0).toFixed(2)} s`;
}

/** (a): the rows written with exceljs's streaming writer and nothing else. */
async function bareWrite(file: string, diagnoses: DiagnosisLine[], anomalies: AnomalyLine[]): Promise<number> {
  const started = performance.now();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: false, useSharedStrings: false });
  const d = book.addWorksheet('Diagnoses');
  d.addRow(['id', 'equipment', 'sensor', 'level', 'detected at', 'window start', 'window end', 'fault type', 'fault name', 'confidence', 'model version', 'job id']).commit();
  for (const r of diagnoses)
    d.addRow([r.id, r.equipment, r.sensorNo, r.level, r.detectedAt, r.windowStart, r.windowEnd, r.faultType, 'normal', r.confidence, r.modelVersion, r.jobId]).commit();
  d.commit();
  const a = book.addWorksheet('Anomalies');
  a.addRow(['id', 'equipment', 'lot', 'detected at', 'method', 'score', 'severity', 'top tags', 'model version', 'acknowledged by', 'acknowledged at']).commit();
  for (const r of anomalies)
    a.addRow([r.id, r.equipment, r.lot, r.detectedAt, r.method, r.score, r.severity, r.topTags, r.modelVersion, r.acknowledgedBy, r.acknowledgedAt]).commit();
  a.commit();
  await book.commit();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  await freshDatabase();
  const orm = await MikroORM.init(ormOptions({ kind: 'mysql', url: DB_URL, poolMax: 4, debug: false }));
  console.log(`writing ${DIAGNOSES.toLocaleString('en')} diagnoses and ${ANOMALIES.toLocaleString('en')} anomalies…`);
  await seed(orm);
  const scope = { from: new Date(utcDayStart(MONDAY)), to: new Date(utcDayStart(SUNDAY) + 86_400_000) };
  // The rows as the report's workbook reads them (the same reader), whole, for (a).
  const reader = openReportRowReader({ kind: 'mysql', url: DB_URL, poolMax: 1, debug: false });
  const everything = { afterId: 0, maxId: Number.MAX_SAFE_INTEGER, limit: DIAGNOSES + ANOMALIES };
  const diagnoses = await reader.page('diagnoses', scope, everything);
  const anomalies = await reader.page('anomalies', scope, everything);
  await reader.close();
  await orm.close();

  const stack = await BenchStack.start();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const temporal = new Client({ connection });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'him-bench-report-'));
  try {
    await stack.result(await stack.startJob('kpi-rollup', { from: MONDAY, to: SUNDAY }));
    const runs: { bare: number; report: number }[] = [];
    let last: Record<string, unknown> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      const bare = await bareWrite(path.join(scratch, `bare-${round}.xlsx`), diagnoses, anomalies);
      const started = performance.now();
      const created = await stack.accepted('/api/v1/reports', { type: 'weekly', from: MONDAY, to: SUNDAY, formats: ['xlsx', 'pdf'], force: round > 1 });
      // Temporal answers the moment the run closes (a long poll), where polling the API would add its interval.
      last = (await temporal.workflow.getHandle(String(created.workflow_id)).result()) as Record<string, unknown>;
      const report = (performance.now() - started) / 1000;
      console.log(
        `round ${round}/${ROUNDS}: (a) bare exceljs write ${bare.toFixed(2)} s · (b) report ${report.toFixed(2)} s · b/a ${(report / bare).toFixed(2)} · worker peak RSS so far ${peakRssMb(stack.worker.pid!).toFixed(0)} MB`,
      );
      console.log(`  ${await timeline(temporal, String(created.workflow_id))}`);
      runs.push({ bare, report });
    }
    const files = (last.files as { format: string; bytes: number }[]).map((f) => `${f.format} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ');
    console.log(
      [
        '',
        `| Weekly report, ${DIAGNOSES.toLocaleString('en')} diagnoses + ${ANOMALIES.toLocaleString('en')} anomalies, median of ${ROUNDS} | Figure |`,
        '|---|---|',
        `| (a) bare exceljs streaming write of the same rows | ${median(runs.map((r) => r.bare)).toFixed(2)} s |`,
        `| (b) report end to end (POST → ready: gather, xlsx + pdf, publish) | ${median(runs.map((r) => r.report)).toFixed(2)} s |`,
        `| **b/a** (bar ≤ 2) | **${median(runs.map((r) => r.report / r.bare)).toFixed(2)}** (rounds: ${runs.map((r) => (r.report / r.bare).toFixed(2)).join(', ')}) |`,
        `| worker peak RSS (bar < 400 MB) | ${peakRssMb(stack.worker.pid!).toFixed(0)} MB |`,
        `| files | ${files} |`,
        `| machine | ${machineLine()} |`,
      ].join('\n'),
    );
  } finally {
    await connection.close();
    stack.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
