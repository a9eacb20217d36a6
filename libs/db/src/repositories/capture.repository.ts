import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { Capture } from '../entities/capture.entity';
import { selectManyRows, selectRows } from './sql';
import { sqlFork } from './sql-fork';

export interface CaptureIdentity {
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  /** The ingest that registered it. */
  ingestId: number;
}

/** A capture as the query API reads it. */
export interface CaptureRecord {
  id: number;
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  sampleCount: number;
}

export interface CaptureFilter {
  machineName?: string;
  sensorNo?: string;
  from?: Date;
  to?: Date;
}

/** A capture's samples as columns, in time order: seconds from its start, and values. */
export interface CaptureSignal {
  time: Float64Array;
  values: Float64Array;
}

const toCaptureRecord = (c: Capture): CaptureRecord => ({
  id: c.id,
  machineName: c.machineName,
  sensorNo: c.sensorNo,
  capturedAt: c.capturedAt,
  samplingRateHz: c.samplingRateHz ?? undefined,
  sampleCount: c.sampleCount,
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

  /** All samples of a capture in time order: one range scan of capture_sample's primary key. */
  async readCaptureSignal(captureId: number): Promise<CaptureSignal> {
    const rows = await selectManyRows<{ measured_time: number; value: number }>(
      this.orm,
      'SELECT measured_time, value FROM capture_sample WHERE capture_id = ? ORDER BY measured_time',
      [captureId],
    );
    const time = new Float64Array(rows.length);
    const values = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      time[i] = Number(r.measured_time);
      values[i] = Number(r.value);
    });
    return { time, values };
  }
}
