import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { Capture } from '../entities/capture.entity';
import { dbDate } from '../raw-values';
import { envelopeBuckets, selectManyRows, selectRows, type EnvelopeBucket } from './sql';
import { CAPTURE_SAMPLES_SQL, toSamples, type CaptureSamples } from './capture-samples';
import { sqlFork } from './sql-fork';

export interface CaptureIdentity {
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  /** The ingest that registered it. */
  ingestId: number;
}

/** A stored capture, as the sweep and the query API read it. */
export interface CaptureRecord {
  id: number;
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  /** 0 until the ingest that loads its samples has closed. */
  sampleCount: number;
  ingestId?: number;
}

/** The newest capture of one machine+sensor stream. */
export interface CaptureStreamHead {
  machineName: string;
  sensorNo: string;
  lastCaptureId: number;
}

/** A capture's first and last sample time, in seconds from its start. */
export interface CaptureSpan {
  first: number;
  last: number;
}

export interface CaptureFilter {
  machineName?: string;
  sensorNo?: string;
  from?: Date;
  to?: Date;
}

interface CaptureRow {
  id: number | string;
  machine_name: string;
  sensor_no: string;
  captured_at: unknown;
  sampling_rate_hz: number | null;
  sample_count: number;
  ingest_id: number | null;
}

const toRecord = (r: CaptureRow): CaptureRecord => ({
  id: Number(r.id),
  machineName: r.machine_name,
  sensorNo: r.sensor_no,
  capturedAt: dbDate(r.captured_at),
  samplingRateHz: r.sampling_rate_hz === null ? undefined : Number(r.sampling_rate_hz),
  sampleCount: Number(r.sample_count),
  ingestId: r.ingest_id === null ? undefined : Number(r.ingest_id),
});

const toCaptureRecord = (c: Capture): CaptureRecord => ({
  id: c.id,
  machineName: c.machineName,
  sensorNo: c.sensorNo,
  capturedAt: c.capturedAt,
  samplingRateHz: c.samplingRateHz ?? undefined,
  sampleCount: c.sampleCount,
  ingestId: c.ingestId ?? undefined,
});

/** Where the bulk loader puts a capture's samples: time and value per row, the capture once per chunk. */
export function captureSampleBulkTable(captureId: number): BulkTable {
  return {
    table: 'capture_sample',
    columns: [
      { name: 'measured_time', type: 'number' },
      { name: 'value', type: 'number' },
    ],
    constants: [{ name: 'capture_id', type: 'number', value: captureId }],
  };
}

/** Live captures and the count of their samples (`capture_sample` rows are bulk-loaded by the ingest). */
@Injectable()
export class CaptureRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The capture of this sensor at this time, registered first when new (insert-if-absent as EquipmentRepository does: a re-sent capture may race its first send). */
  async ensureCapture(capture: CaptureIdentity): Promise<Capture> {
    const em = sqlFork(this.orm);
    const { machineName, sensorNo, capturedAt } = capture;
    await em
      .createQueryBuilder(Capture)
      .insert({ ...capture, sampleCount: 0 })
      .onConflict(['machineName', 'sensorNo', 'capturedAt'])
      .merge(['capturedAt'])
      .execute();
    return em.findOneOrFail(Capture, { machineName, sensorNo, capturedAt });
  }

  /** Stores the number of samples the capture holds now. */
  async refreshSampleCount(captureId: number): Promise<void> {
    await this.orm.em
      .fork()
      .getConnection()
      .execute('update capture set sample_count = (select count(*) from capture_sample where capture_id = ?) where id = ?', [captureId, captureId]);
  }

  /** Each machine+sensor stream with its newest capture id (one row per stream: the table holds a capture every few hours). */
  async findStreamHeads(): Promise<CaptureStreamHead[]> {
    const rows = await selectRows<{ machine_name: string; sensor_no: string; last_id: number | string }>(
      this.orm.em.fork(),
      'SELECT machine_name, sensor_no, MAX(id) AS last_id FROM capture GROUP BY machine_name, sensor_no ORDER BY machine_name, sensor_no',
    );
    return rows.map((r) => ({ machineName: r.machine_name, sensorNo: r.sensor_no, lastCaptureId: Number(r.last_id) }));
  }

  /** The stream's next `limit` captures after capture `afterId`, in id order (the order they were registered). */
  async findAfter(machineName: string, sensorNo: string, afterId: number, limit: number): Promise<CaptureRecord[]> {
    const rows = await selectRows<CaptureRow>(
      this.orm.em.fork(),
      'SELECT id, machine_name, sensor_no, captured_at, sampling_rate_hz, sample_count, ingest_id FROM capture WHERE machine_name = ? AND sensor_no = ? AND id > ? ORDER BY id LIMIT ?',
      [machineName, sensorNo, afterId, limit],
    );
    return rows.map(toRecord);
  }

  /** A capture's samples in time order, the first `limit` of them when given (see CAPTURE_SAMPLES_SQL). */
  async readSamples(captureId: number, limit?: number): Promise<CaptureSamples> {
    const rows = await selectManyRows<[time: number, value: number]>(
      this.orm,
      limit === undefined ? CAPTURE_SAMPLES_SQL : `${CAPTURE_SAMPLES_SQL} LIMIT ?`,
      limit === undefined ? [captureId] : [captureId, limit],
    );
    return toSamples(rows);
  }

  // --- Reads for the query API ---

  /**
   * A page of captures, newest first, with the total matching. A machine (and sensor) filter reads along
   * uq_capture_series_time, a time filter alone along ix_capture_captured_at.
   */
  async findCapturePage(filter: CaptureFilter, limit: number, offset: number): Promise<{ items: CaptureRecord[]; total: number }> {
    const capturedAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lte: filter.to }) };
    const where = {
      ...(filter.machineName !== undefined && { machineName: filter.machineName }),
      ...(filter.sensorNo !== undefined && { sensorNo: filter.sensorNo }),
      ...(Object.keys(capturedAt).length && { capturedAt }),
    };
    const [rows, total] = await this.orm.em.fork().findAndCount(Capture, where, { orderBy: { capturedAt: 'desc', id: 'desc' }, limit, offset });
    return { items: rows.map(toCaptureRecord), total };
  }

  async findCaptureById(id: number): Promise<CaptureRecord | undefined> {
    const row = await this.orm.em.fork().findOne(Capture, { id });
    return row ? toCaptureRecord(row) : undefined;
  }

  /** How many captures each sensor of a machine has (along uq_capture_series_time). */
  async countCapturesBySensor(machineName: string): Promise<Map<string, number>> {
    const rows = await selectRows<{ sensor_no: string; n: number | string }>(
      this.orm.em.fork(),
      'SELECT sensor_no, COUNT(*) AS n FROM capture WHERE machine_name = ? GROUP BY sensor_no',
      [machineName],
    );
    return new Map(rows.map((r) => [r.sensor_no, Number(r.n)]));
  }

  /** The capture's first and last sample time (two primary-key lookups); undefined for a capture without samples. */
  async findSampleSpan(captureId: number): Promise<CaptureSpan | undefined> {
    const [row] = await selectManyRows<[first: number | null, last: number | null]>(
      this.orm,
      'SELECT MIN(measured_time), MAX(measured_time) FROM capture_sample WHERE capture_id = ?',
      [captureId],
    );
    return row && row[0] !== null && row[1] !== null ? { first: Number(row[0]), last: Number(row[1]) } : undefined;
  }

  /** The capture's samples over its span, cut into `buckets` buckets of equal duration (see envelopeBuckets). */
  async readSampleEnvelope(captureId: number, span: CaptureSpan, buckets: number): Promise<EnvelopeBucket[]> {
    const series = {
      table: 'capture_sample',
      time: 'measured_time',
      timeValue: (aggregate: string) => aggregate,
      timeParam: (seconds: number) => seconds,
      where: 'capture_id = ?',
      params: [captureId],
    };
    return envelopeBuckets(this.orm, series, span.first, span.last, buckets);
  }

  /**
   * `count` consecutive samples around time `middle`, in time order: half before it, half from it (fewer when a side
   * has fewer). Two short range reads of the primary key, whatever the capture's length.
   */
  async readSamplesAround(captureId: number, middle: number, count: number): Promise<CaptureSamples> {
    const half = Math.floor(count / 2);
    const [before, after] = await Promise.all([
      selectManyRows<[time: number, value: number]>(
        this.orm,
        'SELECT measured_time, value FROM capture_sample WHERE capture_id = ? AND measured_time < ? ORDER BY measured_time DESC LIMIT ?',
        [captureId, middle, half],
      ),
      selectManyRows<[time: number, value: number]>(
        this.orm,
        'SELECT measured_time, value FROM capture_sample WHERE capture_id = ? AND measured_time >= ? ORDER BY measured_time LIMIT ?',
        [captureId, middle, count - half],
      ),
    ]);
    return toSamples([...before.reverse(), ...after]);
  }
}
