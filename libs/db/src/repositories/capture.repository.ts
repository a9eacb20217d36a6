import { Injectable } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/core';
import { Capture } from '../entities/capture.entity';

export interface CaptureIdentity {
  machineName: string;
  sensorNo: string;
  capturedAt: Date;
  samplingRateHz?: number;
  /** The ingest that registered it. */
  ingestId: number;
}

/** Live captures and the count of their samples (`capture_sample` rows are bulk-loaded by the ingest). */
@Injectable()
export class CaptureRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The capture of this sensor at this time, registered first when new. */
  async ensureCapture(capture: CaptureIdentity): Promise<Capture> {
    const em = this.orm.em.fork();
    const { machineName, sensorNo, capturedAt } = capture;
    const existing = await em.findOne(Capture, { machineName, sensorNo, capturedAt });
    if (existing) return existing;
    const created = em.create(Capture, capture);
    await em.flush();
    return created;
  }

  /** Stores the number of samples the capture holds now. */
  async refreshSampleCount(captureId: number): Promise<void> {
    await this.orm.em
      .fork()
      .getConnection()
      .execute('update capture set sample_count = (select count(*) from capture_sample where capture_id = ?) where id = ?', [captureId, captureId]);
  }
}
