import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Injectable } from '@nestjs/common';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { AppConfig } from '@him/config';
import {
  ALREADY_INGESTED,
  FILE_REJECTED,
  NOT_RECONCILED,
  REJECTED_LINES_STORED,
  type ChunkResult,
  type IngestChunk,
  type IngestInput,
  type IngestPlan,
  type IngestResult,
  type IngestTarget,
  type RejectedLine,
} from '@him/contracts';
import {
  CaptureRepository,
  captureSampleBulkTable,
  EquipmentKind,
  EquipmentRepository,
  IngestKind,
  IngestLedgerRepository,
  LotRepository,
  processValueBulkTable,
  recordingBulkTable,
  type Ingest,
} from '@him/db';
import {
  checkLine,
  FileFormatError,
  FORMATS,
  isPlainDataLine,
  readTepChunk,
  resolveIngest,
  scanBlocks,
  scanLines,
  TEP_SAMPLE_MS,
  validateCsvFile,
  validateTepFile,
  type ResolvedIngest,
} from '@him/ingest';
import { BulkLoader, checkChunkChecksum, fileChanged, type BulkRow, type BulkTable, type RowSource } from './bulk-loader';
import { IngestFileAccess } from './ingest-files';
import { Activity } from '../activity.decorator';
import { recordIngestChunk } from '../throughput-metrics';

/** Data lines per chunk: one transaction, a fraction of a second of loading, a few MB of memory. */
export const CHUNK_ROWS = 50_000;
/** Observations per chunk of a TEP run: as many values as a CSV chunk's lines. */
const TEP_CHUNK_OBSERVATIONS = Math.floor(CHUNK_ROWS / FORMATS.tep.columns.length);
/** Rejected lines named in a rejection message. */
const REJECTIONS_SHOWN = 10;

/**
 * Activities of the ingest workflow. Rows never pass through Temporal: the workflow hands over the path,
 * and each chunk is read, validated and loaded here, inside one database transaction.
 */
@Injectable()
export class IngestActivities {
  private readonly files: IngestFileAccess;

  constructor(
    config: AppConfig,
    private readonly ledger: IngestLedgerRepository,
    private readonly equipment: EquipmentRepository,
    private readonly captures: CaptureRepository,
    private readonly lots: LotRepository,
    private readonly loader: BulkLoader,
  ) {
    this.files = new IngestFileAccess(config);
  }

  /** The ledger's earlier, successful ingest of the same content, if any (the new upload is then dropped). */
  @Activity()
  async findIngestedFile(input: Pick<IngestInput, 'checksum' | 'path' | 'deleteWhenDone'>): Promise<IngestResult | null> {
    this.files.readable(input.path, input.deleteWhenDone);
    const found = await this.ledger.findSucceeded(input.checksum);
    if (!found) return null;
    this.files.removeUpload(input);
    return mapIngest(found, true);
  }

  /** Creates (or, for an earlier failed or rejected attempt, resets) the ledger row of this content. */
  @Activity()
  async openIngest(input: IngestInput, workflowId: string): Promise<number> {
    const params = {
      kind: input.kind,
      machine_name: input.machineName,
      sensor_no: input.sensorNo,
      collected_at: input.collectedAt,
      start_time: input.startTime,
      max_errors: input.maxErrors,
    };
    const id = await this.ledger.open({
      checksum: input.checksum,
      fileName: input.fileName,
      kind: (input.kind ?? 'vibration') as IngestKind,
      bytes: input.bytes,
      workflowId,
      params,
    });
    if (id === null) throw ApplicationFailure.nonRetryable(`file ${input.checksum} is already ingested`, ALREADY_INGESTED);
    return id;
  }

  /**
   * Reads the whole file once: every line checked, chunks cut. Over the error budget the file is rejected
   * (ledger says why; nothing else is written). Within it, the rejected lines are recorded and the
   * rows' destination (equipment, sensor, capture, lot) is made ready.
   */
  @Activity()
  async validateIngestFile(ingestId: number, input: IngestInput): Promise<IngestPlan> {
    const file = this.files.readable(input.path, input.deleteWhenDone);
    let kind = input.kind ?? 'vibration';
    try {
      const resolved = await this.resolve(input, file);
      kind = resolved.kind;
      const budget = input.maxErrors;
      // Enough for the message, and for the ledger up to its cap: memory stays bounded whatever max_errors says.
      const keep = Math.min(Math.max(budget, REJECTIONS_SHOWN), REJECTED_LINES_STORED);
      const fileStamp = { size: fileSize(file) };
      let plan: Omit<IngestPlan, 'ingestId' | 'target' | 'fileStamp'> & { rejected: RejectedLine[]; checksum: string };
      let samplingRateHz: number | undefined;
      if (resolved.kind === 'tep') {
        const report = await validateTepFile(file, {
          keepRejected: keep,
          chunkObservations: TEP_CHUNK_OBSERVATIONS,
          onProgress: (offset) => heartbeat({ phase: 'validating', offset }),
        });
        plan = { headerLine: null, rowsRead: report.rowsRead, rowsRejected: report.rowsRejected, rejected: report.rejected, chunks: report.chunks, checksum: report.checksum };
      } else {
        const report = await validateCsvFile(file, resolved.kind, {
          keepRejected: keep,
          chunkRows: CHUNK_ROWS,
          onProgress: (offset) => heartbeat({ phase: 'validating', offset }),
        });
        plan = {
          headerLine: report.headerLine,
          rowsRead: report.rowsRead,
          rowsRejected: report.rowsRejected,
          rejected: report.rejected,
          chunks: report.chunks,
          checksum: report.checksum,
        };
        if (report.firstInterval && report.firstInterval > 0) samplingRateHz = Math.round(1 / report.firstInterval);
      }
      // The ledger keys the content by the checksum the job names: the file read must be that content.
      if (plan.checksum !== input.checksum) throw fileChanged('the file is not the content the job names (its SHA-256 differs): was it changed after it was sent?');
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
      await this.ledger.recordValidation(ingestId, resolved.kind as IngestKind, plan.rowsRead, plan.rejected, (stored) => heartbeat({ phase: 'recording rejected lines', stored }));
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
  @Activity()
  async loadIngestChunk(plan: Pick<IngestPlan, 'ingestId' | 'target' | 'headerLine' | 'fileStamp'>, chunk: IngestChunk, path: string): Promise<ChunkResult> {
    const committed = await this.loader.committedChunk(plan.ingestId, chunk.chunkNo);
    if (committed) return committed;
    const began = performance.now();
    heartbeat({ phase: 'loading', chunk: chunk.chunkNo, offset: chunk.byteStart });
    const file = this.files.readable(path);
    if (fileSize(file) !== plan.fileStamp.size) throw fileChanged('the file changed during the ingest (its size differs from when it was validated)');
    const { table, source } = await this.chunkSource(plan, chunk, file);
    const result = await this.loader.loadChunk(table, source, {
      ingestId: plan.ingestId,
      chunkNo: chunk.chunkNo,
      byteStart: chunk.byteStart,
      byteEnd: chunk.byteEnd,
      expectedRows: chunk.rows,
    });
    heartbeat({ phase: 'loaded', chunk: chunk.chunkNo, offset: chunk.byteEnd });
    recordIngestChunk(plan.target.kind, result, (performance.now() - began) / 1000);
    return result;
  }

  /** Sums the committed chunks, checks read = inserted + duplicate + rejected, and closes the ledger row. */
  @Activity()
  async closeIngest(plan: Pick<IngestPlan, 'ingestId' | 'target' | 'rowsRead' | 'chunks'>, input: Pick<IngestInput, 'path' | 'deleteWhenDone'>): Promise<IngestResult> {
    const totals = await this.ledger.chunkTotals(plan.ingestId);
    if (totals.chunks !== plan.chunks.length || totals.read !== plan.rowsRead || totals.inserted + totals.duplicate + totals.rejected !== totals.read) {
      throw ApplicationFailure.nonRetryable(
        `ingest ${plan.ingestId} does not reconcile: ${totals.chunks}/${plan.chunks.length} chunks, ${JSON.stringify(totals)}, expected ${plan.rowsRead} rows`,
        NOT_RECONCILED,
      );
    }
    if (plan.target.kind === 'capture') await this.captures.refreshSampleCount(plan.target.captureId);
    const ingest = await this.ledger.markSucceeded(plan.ingestId, totals);
    this.files.removeUpload(input);
    return mapIngest(ingest, false);
  }

  /** Marks the ledger row failed (cancelled, or a fault Temporal gave up on); committed chunks stay. */
  @Activity()
  async failIngest(ingestId: number, reason: string, input: Pick<IngestInput, 'path' | 'deleteWhenDone'>): Promise<void> {
    await this.ledger.markFailed(ingestId, reason);
    this.files.removeUpload(input);
  }

  private async resolve(input: IngestInput, file: string): Promise<ResolvedIngest> {
    let firstLine: string | undefined;
    if (!input.kind) {
      await scanLines(file, { end: Math.min(input.bytes, 64 * 1024), onLine: (t) => (firstLine ??= t.trim() || undefined) }).catch(() => undefined);
    }
    const resolved = resolveIngest(input.fileName, input, firstLine);
    if (!resolved.ok) throw new FileFormatError(resolved.problems.map((p) => p.message).join('; '));
    return resolved.value;
  }

  private async reject(ingestId: number, message: string, kind: ResolvedIngest['kind'], rowsRead: number, rowsRejected: number, input: IngestInput): Promise<void> {
    await this.ledger.markRejected(ingestId, { kind: kind as IngestKind, error: message.slice(0, 4000), rowsRead, rowsRejected });
    this.files.removeUpload(input);
  }

  /** Registers the equipment, sensor, capture or lot the rows belong to (idempotent). */
  private async prepareTarget(r: ResolvedIngest, ingestId: number, samplingRateHz?: number): Promise<IngestTarget> {
    if (r.kind === 'tep') {
      const equipment = await this.equipment.ensureEquipment({ code: 'TEP', name: 'Tennessee Eastman process', kind: EquipmentKind.Process });
      // A re-sent run keeps its original start; a new one starts when the request says, else on this hour.
      const startedAt = r.startTime ? new Date(r.startTime) : new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
      const lot = await this.lots.ensureLot({ code: r.lotCode, equipmentId: equipment.id, startedAt, faultLabel: r.faultLabel });
      return { kind: 'tep', equipmentId: equipment.id, lotId: lot.id, lotCode: lot.code, startTime: lot.startedAt.toISOString() };
    }
    const equipment = await this.equipment.ensureEquipment({ code: r.machineName, name: `Rotating machine ${r.machineName}`, kind: EquipmentKind.RotatingMachine });
    await this.equipment.ensureSensor(equipment.id, r.sensorNo, samplingRateHz);
    if (r.kind === 'vibration') return { kind: 'vibration', machineName: r.machineName, sensorNo: r.sensorNo, collectedAt: r.collectedAt };
    const capture = await this.captures.ensureCapture({ machineName: r.machineName, sensorNo: r.sensorNo, capturedAt: new Date(r.capturedAt), samplingRateHz, ingestId });
    return { kind: 'capture', machineName: r.machineName, sensorNo: r.sensorNo, capturedAt: capture.capturedAt.toISOString(), captureId: capture.id };
  }

  /** Where a chunk's rows go, and the rows themselves, read block by block as the loader consumes them. */
  private async chunkSource(plan: Pick<IngestPlan, 'target' | 'headerLine'>, chunk: IngestChunk, path: string): Promise<{ table: BulkTable; source: RowSource }> {
    const target = plan.target;
    if (target.kind === 'tep') {
      if (!chunk.tep) throw ApplicationFailure.nonRetryable(`TEP chunk ${chunk.chunkNo} does not say where it is in the run: validate the file again`);
      const start = new Date(target.startTime).getTime();
      const tags = FORMATS.tep.columns;
      const checksum = createHash('sha256');
      const run = readTepChunk(path, { ...chunk, tep: chunk.tep }, (bytes) => checksum.update(bytes));
      // Each observation at its place in the run (a rejected one leaves its 3 minutes empty).
      async function* batches(): AsyncGenerator<BulkRow[]> {
        for await (const { offset, observations } of run.blocks) {
          heartbeat({ phase: 'loading', chunk: chunk.chunkNo, offset });
          const rows: BulkRow[] = [];
          for (const { index, values } of observations) {
            const at = start + index * TEP_SAMPLE_MS;
            for (let k = 0; k < values.length; k++) rows.push([tags[k], at, values[k]]);
          }
          if (rows.length) yield rows;
        }
        checkChunkChecksum(chunk, checksum.digest('hex'));
      }
      return {
        table: processValueBulkTable(target),
        source: { kind: 'rows', batches: batches(), rejected: () => run.rejected() * tags.length },
      };
    }
    const table = csvTable(target);
    if (chunk.clean && this.loader.loadsCsvBytes) return { table, source: { kind: 'csv', path, start: chunk.byteStart, end: chunk.byteEnd, checksum: chunk.checksum } };
    const format = FORMATS[target.kind];
    let rejected = 0;
    async function* batches(): AsyncGenerator<BulkRow[]> {
      let batch: BulkRow[] = [];
      const checksum = createHash('sha256');
      const lines = scanBlocks(path, {
        start: chunk.byteStart,
        end: chunk.byteEnd,
        firstLine: chunk.firstLine,
        onBytes: (bytes) => checksum.update(bytes),
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
      checkChunkChecksum(chunk, checksum.digest('hex'));
    }
    return { table, source: { kind: 'rows', batches: batches(), rejected: () => rejected } };
  }
}

/** The table of a recording's or capture's rows, with the values every row of the file shares. */
function csvTable(target: Exclude<IngestTarget, { kind: 'tep' }>): BulkTable {
  return target.kind === 'vibration'
    ? recordingBulkTable({ machineName: target.machineName, sensorNo: target.sensorNo, collectedAt: new Date(target.collectedAt) })
    : captureSampleBulkTable(target.captureId);
}

/** The size of a job's file; a file that is gone is a non-retryable failure, not a fault to retry. */
function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw fileChanged('the file is no longer there (an upload is deleted when its ingest ends): send it again');
    throw err;
  }
}

function mapIngest(i: Ingest, duplicateFile: boolean): IngestResult {
  return {
    ingest_id: i.id,
    checksum: i.checksum,
    file_name: i.fileName,
    kind: i.kind,
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
