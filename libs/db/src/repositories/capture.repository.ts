import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import type { BulkTable } from '../bulk-table';
import { Capture } from '../entities/capture.entity';
import { sqlFork } from './sql-fork';

export interface CaptureIdentity {
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  /** The ingest that registered it. */
  ingestId: number;
}

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
}
