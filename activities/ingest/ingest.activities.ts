import * as fs from 'node:fs';
import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import {
  FILE_REJECTED,
  type ChunkResult,
  type IngestChunk,
  type IngestInput,
  type IngestPlan,
  type IngestResult,
  type IngestTarget,
  type RejectedLine,
} from '@him/contracts';
import { Capture, Equipment, EquipmentKind, Ingest, IngestChunkEntry, IngestKind, IngestRejection, IngestStatus, Lot, recordingBulkTable, Sensor } from '@him/db';
import {
  checkLine,
  FileFormatError,
  FORMATS,
  isPlainDataLine,
  readTepRun,
  resolveIngest,
  scanBlocks,
  scanLines,
  TEP_SAMPLE_MS,
  validateCsvFile,
  type ResolvedIngest,
} from '@him/ingest';
import { BulkLoader, type BulkRow, type BulkTable, type RowSource } from './bulk-loader';

/** Data lines per chunk: one transaction, a fraction of a second of loading, a few MB of memory. */
export const CHUNK_ROWS = 50_000;
/** Rejected lines named in a rejection message. */
const REJECTIONS_SHOWN = 10;

/**
 * Activities of the ingest workflow. Rows never pass through Temporal: the workflow hands over the path,
 * and each chunk is read, validated and loaded here, inside one database transaction.
 */
@Injectable()
export class IngestActivities {
  constructor(
    private readonly orm: MikroORM,
    private readonly loader: BulkLoader,
  ) {}

  /** The ledger's earlier, successful ingest of the same content, if any (the new upload is then dropped). */
  async findIngestedFile(input: Pick<IngestInput, 'checksum' | 'path' | 'deleteWhenDone'>): Promise<IngestResult | null> {
    const found = await this.orm.em.fork().findOne(Ingest, { checksum: input.checksum, status: IngestStatus.Succeeded });
    if (!found) return null;
    if (input.deleteWhenDone) fs.rmSync(input.path, { force: true });
    return mapIngest(found, true);
  }

  /** Creates (or, for an earlier failed or rejected attempt, resets) the ledger row of this content. */
  async openIngest(input: IngestInput, workflowId: string): Promise<number> {
    const em = this.orm.em.fork();
    const params = { kind: input.kind, machine_name: input.machineName, sensor_no: input.sensorNo, collected_at: input.collectedAt, start_time: input.startTime, max_errors: input.maxErrors };
    let ingest = await em.findOne(Ingest, { checksum: input.checksum });
    if (ingest?.status === IngestStatus.Succeeded) throw ApplicationFailure.nonRetryable(`file ${input.checksum} is already ingested`, 'AlreadyIngested');
    if (ingest) {
      await em.nativeDelete(IngestChunkEntry, { ingestId: ingest.id });
      await em.nativeDelete(IngestRejection, { ingestId: ingest.id });
      em.assign(ingest, { status: IngestStatus.Running, fileName: input.fileName, workflowId, params, error: null, startedAt: new Date(), finishedAt: null, rowsRead: 0, rowsInserted: 0, rowsDuplicate: 0, rowsRejected: 0 });
    } else {
      ingest = em.create(Ingest, {
        checksum: input.checksum,
        fileName: input.fileName,
        kind: (input.kind ?? 'vibration') as IngestKind,
        bytes: String(input.bytes),
        workflowId,
        params,
        startedAt: new Date(),
      });
    }
    await em.flush();
    return ingest.id;
  }

  /**
   * Reads the whole file once: every line checked, chunks cut. Over the error budget the file is rejected
   * (ledger says why; nothing else is written). Within it, the rejected lines are recorded and the
   * rows' destination (equipment, sensor, capture, lot) is made ready.
   */
  async validateIngestFile(ingestId: number, input: IngestInput): Promise<IngestPlan> {
    let kind = input.kind ?? 'vibration';
    try {
      const resolved = await this.resolve(input);
      kind = resolved.kind;
      const budget = input.maxErrors;
      const keep = Math.max(budget, REJECTIONS_SHOWN) + 1;
      const stat = fs.statSync(input.path);
      const fileStamp = { size: stat.size, mtimeMs: stat.mtimeMs };
      let plan: Omit<IngestPlan, 'ingestId' | 'target' | 'fileStamp'> & { rejected: RejectedLine[] };
      let samplingRateHz: number | undefined;
      if (resolved.kind === 'tep') {
        const run = await readTepRun(input.path, keep);
        const values = FORMATS.tep.columns.length;
        plan = {
          headerLine: null,
          rowsRead: (run.observations.length + run.rejectedObservations) * values,
          rowsRejected: run.rejectedObservations * values,
          rejected: run.rejected,
          chunks: [{ chunkNo: 0, byteStart: 0, byteEnd: stat.size, firstLine: 1, rows: (run.observations.length + run.rejectedObservations) * values, clean: false }],
        };
      } else {
        const report = await validateCsvFile(input.path, resolved.kind, {
          keepRejected: keep,
          chunkRows: CHUNK_ROWS,
          onProgress: (offset) => heartbeat({ phase: 'validating', offset }),
        });
        plan = { headerLine: report.headerLine, rowsRead: report.rowsRead, rowsRejected: report.rowsRejected, rejected: report.rejected, chunks: report.chunks };
        if (report.firstInterval && report.firstInterval > 0) samplingRateHz = Math.round(1 / report.firstInterval);
      }
      if (plan.rowsRead === 0) throw new FileFormatError('the file has no data rows');
      const rejectedLines = resolved.kind === 'tep' ? plan.rowsRejected / FORMATS.tep.columns.length : plan.rowsRejected;
      if (rejectedLines > budget) {
        const shown = plan.rejected.slice(0, REJECTIONS_SHOWN);
        const message =
          `file rejected: ${rejectedLines} bad line(s)${budget ? `, more than max_errors=${budget}` : ''}; nothing was stored. ` +
          shown.map((r) => `line ${r.line}: ${r.reason}`).join('; ') +
          (rejectedLines > shown.length ? `; …and ${rejectedLines - shown.length} more` : '');
        await this.reject(ingestId, message, resolved.kind, plan.rowsRead, plan.rowsRejected, input);
        throw ApplicationFailure.create({ message, type: FILE_REJECTED, nonRetryable: true, details: [{ errors: shown, rejected_lines: rejectedLines }] });
      }
      const target = await this.prepareTarget(resolved, ingestId, samplingRateHz);
      await this.recordRejections(ingestId, plan.rejected, resolved.kind, plan.rowsRead);
      return { ingestId, target, headerLine: plan.headerLine, fileStamp, rowsRead: plan.rowsRead, rowsRejected: plan.rowsRejected, chunks: plan.chunks };
    } catch (err) {
      if (err instanceof FileFormatError) {
        const message = `file rejected: ${err.message}; nothing was stored`;
        await this.reject(ingestId, message, kind, 0, 0, input);
        throw ApplicationFailure.create({ message, type: FILE_REJECTED, nonRetryable: true, details: [{ errors: [], rejected_lines: 0 }] });
      }
      throw err;
    }
  }

  /** Loads one chunk in one transaction; a chunk already committed (a retry) is not loaded twice. */
  async loadIngestChunk(plan: Pick<IngestPlan, 'ingestId' | 'target' | 'headerLine' | 'fileStamp'>, chunk: IngestChunk, path: string): Promise<ChunkResult> {
    const committed = await this.loader.committedChunk(plan.ingestId, chunk.chunkNo);
    if (committed) return committed;
    heartbeat({ phase: 'loading', chunk: chunk.chunkNo, offset: chunk.byteStart });
    const { table, source } = await this.chunkSource(plan, chunk, path);
    const stat = fs.statSync(path);
    if (stat.size !== plan.fileStamp.size || stat.mtimeMs !== plan.fileStamp.mtimeMs) {
      throw ApplicationFailure.nonRetryable(`the file changed during the ingest (size or modification time differs from when it was validated)`);
    }
    const result = await this.loader.loadChunk(table, source, {
      ingestId: plan.ingestId,
      chunkNo: chunk.chunkNo,
      byteStart: chunk.byteStart,
      byteEnd: chunk.byteEnd,
      expectedRows: chunk.rows,
    });
    heartbeat({ phase: 'loaded', chunk: chunk.chunkNo, offset: chunk.byteEnd });
    return result;
  }

  /** Sums the committed chunks, checks read = inserted + duplicate + rejected, and closes the ledger row. */
  async closeIngest(plan: Pick<IngestPlan, 'ingestId' | 'target' | 'rowsRead' | 'chunks'>, input: Pick<IngestInput, 'path' | 'deleteWhenDone'>): Promise<IngestResult> {
    const em = this.orm.em.fork();
    const chunks = await em.find(IngestChunkEntry, { ingestId: plan.ingestId });
    const sum = (f: (c: IngestChunkEntry) => number) => chunks.reduce((a, c) => a + f(c), 0);
    const totals = { read: sum((c) => c.rowsRead), inserted: sum((c) => c.rowsInserted), duplicate: sum((c) => c.rowsDuplicate), rejected: sum((c) => c.rowsRejected) };
    if (chunks.length !== plan.chunks.length || totals.read !== plan.rowsRead || totals.inserted + totals.duplicate + totals.rejected !== totals.read) {
      throw ApplicationFailure.nonRetryable(`ingest ${plan.ingestId} does not reconcile: ${chunks.length}/${plan.chunks.length} chunks, ${JSON.stringify(totals)}, expected ${plan.rowsRead} rows`);
    }
    const ingest = await em.findOneOrFail(Ingest, { id: plan.ingestId });
    em.assign(ingest, { status: IngestStatus.Succeeded, rowsRead: totals.read, rowsInserted: totals.inserted, rowsDuplicate: totals.duplicate, rowsRejected: totals.rejected, finishedAt: new Date() });
    if (plan.target.kind === 'capture') {
      const samples = await em.getConnection().execute<{ n: number }[]>('select count(*) as n from capture_sample where capture_id = ?', [plan.target.captureId]);
      await em.nativeUpdate(Capture, { id: plan.target.captureId }, { sampleCount: Number(samples[0].n) });
    }
    await em.flush();
    if (input.deleteWhenDone) fs.rmSync(input.path, { force: true });
    return mapIngest(ingest, false);
  }

  /** Marks the ledger row failed (cancelled, or a fault Temporal gave up on); committed chunks stay. */
  async failIngest(ingestId: number, reason: string, input: Pick<IngestInput, 'path' | 'deleteWhenDone'>): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(Ingest, { id: ingestId, status: IngestStatus.Running }, { status: IngestStatus.Failed, error: reason.slice(0, 2000), finishedAt: new Date() });
    if (input.deleteWhenDone) fs.rmSync(input.path, { force: true });
  }

  private async resolve(input: IngestInput): Promise<ResolvedIngest> {
    let firstLine: string | undefined;
    if (!input.kind) {
      await scanLines(input.path, { end: Math.min(input.bytes, 64 * 1024), onLine: (t) => (firstLine ??= t.trim() || undefined) }).catch(() => undefined);
    }
    const resolved = resolveIngest(input.fileName, input, firstLine);
    if (!resolved.ok) throw new FileFormatError(resolved.problems.map((p) => p.message).join('; '));
    return resolved.value;
  }

  private async reject(ingestId: number, message: string, kind: ResolvedIngest['kind'], rowsRead: number, rowsRejected: number, input: IngestInput): Promise<void> {
    await this.orm.em.fork().nativeUpdate(Ingest, { id: ingestId }, { status: IngestStatus.Rejected, kind: kind as IngestKind, error: message.slice(0, 4000), rowsRead, rowsRejected, finishedAt: new Date() });
    if (input.deleteWhenDone) fs.rmSync(input.path, { force: true });
  }

  private async recordRejections(ingestId: number, rejected: RejectedLine[], kind: ResolvedIngest['kind'], rowsRead: number): Promise<void> {
    const em = this.orm.em.fork();
    await em.nativeDelete(IngestRejection, { ingestId });
    for (const r of rejected) em.create(IngestRejection, { ingestId, lineNo: r.line, reason: r.reason.slice(0, 255) });
    await em.nativeUpdate(Ingest, { id: ingestId }, { kind: kind as IngestKind, rowsRead });
    await em.flush();
  }

  /** Registers the equipment, sensor, capture or lot the rows belong to (idempotent). */
  private async prepareTarget(r: ResolvedIngest, ingestId: number, samplingRateHz?: number): Promise<IngestTarget> {
    const em = this.orm.em.fork();
    if (r.kind === 'tep') {
      const equipment = await this.ensureEquipment(em, 'TEP', 'Tennessee Eastman process', EquipmentKind.Process);
      let lot = await em.findOne(Lot, { code: r.lotCode });
      if (!lot) {
        // A re-sent run keeps its original start; a new one starts when the request says, else on this hour.
        const start = r.startTime ? new Date(r.startTime) : new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
        lot = em.create(Lot, { code: r.lotCode, equipment, startedAt: start, faultLabel: r.faultLabel, createdAt: new Date() });
        await em.flush();
      }
      return { kind: 'tep', equipmentId: equipment.id, lotId: lot.id, lotCode: lot.code, startTime: lot.startedAt.toISOString() };
    }
    const equipment = await this.ensureEquipment(em, r.machineName, `Rotating machine ${r.machineName}`, EquipmentKind.RotatingMachine);
    const sensor = (await em.findOne(Sensor, { equipment, sensorNo: r.sensorNo })) ?? em.create(Sensor, { equipment, sensorNo: r.sensorNo });
    if (samplingRateHz && !sensor.samplingRateHz) sensor.samplingRateHz = samplingRateHz;
    await em.flush();
    if (r.kind === 'vibration') return { kind: 'vibration', machineName: r.machineName, sensorNo: r.sensorNo, collectedAt: r.collectedAt };
    const capturedAt = new Date(r.capturedAt);
    const capture =
      (await em.findOne(Capture, { machineName: r.machineName, sensorNo: r.sensorNo, capturedAt })) ??
      em.create(Capture, { machineName: r.machineName, sensorNo: r.sensorNo, capturedAt, samplingRateHz, ingestId });
    await em.flush();
    return { kind: 'capture', machineName: r.machineName, sensorNo: r.sensorNo, capturedAt: capturedAt.toISOString(), captureId: capture.id };
  }

  private async ensureEquipment(em: ReturnType<MikroORM['em']['fork']>, code: string, name: string, kind: EquipmentKind): Promise<Equipment> {
    const existing = await em.findOne(Equipment, { code });
    if (existing) return existing;
    const created = em.create(Equipment, { code, name, kind, createdAt: new Date() });
    await em.flush();
    return created;
  }

  /** Where a chunk's rows go, and the rows themselves, read block by block as the loader consumes them. */
  private async chunkSource(plan: Pick<IngestPlan, 'target' | 'headerLine'>, chunk: IngestChunk, path: string): Promise<{ table: BulkTable; source: RowSource }> {
    const target = plan.target;
    if (target.kind === 'tep') {
      const run = await readTepRun(path, 0);
      const start = new Date(target.startTime).getTime();
      const tags = FORMATS.tep.columns;
      const rows: BulkRow[] = [];
      run.observations.forEach((obs, i) => obs.forEach((value, k) => rows.push([tags[k], start + i * TEP_SAMPLE_MS, value])));
      return {
        table: {
          table: 'process_value',
          columns: [{ name: 'tag', type: 'text' }, { name: 'measured_at', type: 'datetime' }, { name: 'value', type: 'number' }],
          constants: [{ name: 'equipment_id', type: 'number', value: target.equipmentId }, { name: 'lot_id', type: 'number', value: target.lotId }],
        },
        source: { kind: 'rows', batches: [rows], rejected: () => run.rejectedObservations * tags.length },
      };
    }
    const table = csvTable(target);
    if (chunk.clean && this.loader.loadsCsvBytes) return { table, source: { kind: 'csv', path, start: chunk.byteStart, end: chunk.byteEnd } };
    const format = FORMATS[target.kind];
    let rejected = 0;
    async function* batches(): AsyncGenerator<BulkRow[]> {
      let batch: BulkRow[] = [];
      const lines = scanBlocks(path, {
        start: chunk.byteStart,
        end: chunk.byteEnd,
        firstLine: chunk.firstLine,
        onLine: (text, lineNo) => {
          if (lineNo === plan.headerLine || text.trim() === '') return;
          if (isPlainDataLine(text, format)) return void batch.push(text.split(','));
          const checked = checkLine(text, format);
          if ('reason' in checked) rejected++;
          else batch.push(checked.fields);
        },
      });
      for await (const offset of lines) {
        heartbeat({ phase: 'loading', chunk: chunk.chunkNo, offset });
        if (batch.length) yield batch;
        batch = [];
      }
    }
    return { table, source: { kind: 'rows', batches: batches(), rejected: () => rejected } };
  }
}

/** The table of a recording's or capture's rows, with the values every row of the file shares. */
function csvTable(target: Exclude<IngestTarget, { kind: 'tep' }>): BulkTable {
  return target.kind === 'vibration'
    ? recordingBulkTable({ machineName: target.machineName, sensorNo: target.sensorNo, collectedAt: new Date(target.collectedAt) })
    : {
        table: 'capture_sample',
        columns: [{ name: 'measured_time', type: 'number' }, { name: 'value', type: 'number' }],
        constants: [{ name: 'capture_id', type: 'number', value: target.captureId }],
      };
}

function mapIngest(i: Ingest, duplicateFile: boolean): IngestResult {
  return {
    ingest_id: i.id,
    checksum: i.checksum,
    file_name: i.fileName,
    kind: i.kind as IngestResult['kind'],
    status: i.status,
    rows_read: i.rowsRead,
    rows_inserted: i.rowsInserted,
    rows_duplicate: i.rowsDuplicate,
    rows_rejected: i.rowsRejected,
    duplicate_file: duplicateFile,
    workflow_id: i.workflowId,
    started_at: i.startedAt.toISOString(),
    finished_at: i.finishedAt?.toISOString() ?? null,
  };
}
