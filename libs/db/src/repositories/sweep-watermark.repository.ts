import { Inject, Injectable } from '@nestjs/common';
import { DeadlockException, LockWaitTimeoutException, MikroORM, type EntityManager } from '@mikro-orm/core';
import { DependencyUnavailableError } from '@him/contracts';
import { DIALECT } from '../dialect';
import { SeriesKind, SweepWatermark } from '../entities';
import type { Dialect } from '../orm-config';
import { takeWriteLock } from './sql';

/** How far one series is diagnosed with one model (the entity never leaves this file). */
export interface WatermarkRecord {
  seriesKind: SeriesKind;
  seriesKey: string;
  modelName: string;
  /** The last capture id diagnosed (capture streams), or the epoch ms of the last observation scored (lots). */
  position: number;
  dataUntil?: Date;
  modelVersion?: string;
  jobId?: string;
  updatedAt: Date;
}

export type WatermarkAdvance = Omit<WatermarkRecord, 'updatedAt'>;

/** Tries of a batch's transaction that collided with another one before the activity itself fails (and is retried). */
const COLLISION_ATTEMPTS = 4;

const toRecord = (w: SweepWatermark): WatermarkRecord => ({
  seriesKind: w.seriesKind,
  seriesKey: w.seriesKey,
  modelName: w.modelName,
  position: w.position,
  dataUntil: w.dataUntil,
  modelVersion: w.modelVersion,
  jobId: w.jobId,
  updatedAt: w.updatedAt,
});

/**
 * The sweep's watermarks. A watermark advances in the transaction that writes what was diagnosed up to it (pass that
 * transaction's EntityManager), so a sweep that dies between two writes resumes exactly where it stopped.
 */
@Injectable()
export class SweepWatermarkRepository {
  constructor(
    private readonly orm: MikroORM,
    @Inject(DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Runs `write` in one transaction (the diagnoses and the watermark's advance together). A transaction the database
   * rolled back as a deadlock's victim runs again, a few times: two workers diagnosing neighbouring series lock
   * neighbouring gaps of the drift counts' key (MariaDB's gap locks) and may deadlock; the rolled-back write left nothing.
   */
  async transaction<T>(write: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.orm.em.fork().transactional(async (tx) => {
          // SQLite: take the write lock before reading, or a concurrent writer makes this transaction fail (see takeWriteLock).
          if (this.dialect === 'sqlite') await takeWriteLock(tx, 'sweep_watermark');
          return write(tx);
        });
      } catch (err) {
        if (attempt >= COLLISION_ATTEMPTS || !this.collided(err)) throw err;
        await new Promise((r) => setTimeout(r, attempt * 50 + Math.random() * 100));
      }
    }
  }

  /** A deadlock or a lock wait that timed out: raw statements throw the driver's error, insertIgnore its own. */
  private collided(err: unknown): boolean {
    if (err instanceof DependencyUnavailableError) return true;
    const converted = err instanceof Error ? this.orm.em.getDriver().convertException(err) : err;
    return converted instanceof DeadlockException || converted instanceof LockWaitTimeoutException;
  }

  /** The watermark of one series and model; position 0 when it was never diagnosed. */
  async find(seriesKind: SeriesKind, seriesKey: string, modelName: string, tx?: EntityManager): Promise<WatermarkRecord | null> {
    const found = await (tx ?? this.orm.em.fork()).findOne(SweepWatermark, { seriesKind, seriesKey, modelName });
    return found ? toRecord(found) : null;
  }

  /** Every watermark of a kind of series (small: one row per series and model). */
  async list(seriesKind?: SeriesKind): Promise<WatermarkRecord[]> {
    const rows = await this.orm.em.fork().find(SweepWatermark, seriesKind ? { seriesKind } : {}, { orderBy: { seriesKey: 'asc', modelName: 'asc' } });
    return rows.map(toRecord);
  }

  /**
   * Moves the watermark to `advance.position`, in `tx`. Never moves it back: a retried activity that re-diagnosed
   * older data (its writes were ignored as duplicates) leaves a later watermark where it is.
   */
  async advance(tx: EntityManager, advance: WatermarkAdvance): Promise<void> {
    // One statement (a sweep advances after every batch it writes): insert, or move forward only.
    const columns = ['series_kind', 'series_key', 'model_name', 'position', 'data_until', 'model_version', 'job_id', 'updated_at'];
    const moved = ['data_until', 'model_version', 'job_id', 'updated_at'];
    const upsert =
      this.dialect === 'mysql'
        ? // Assignments run left to right: position last, so the others still compare against the old one.
          `ON DUPLICATE KEY UPDATE ${moved.map((c) => `${c} = IF(VALUES(position) > position, VALUES(${c}), ${c})`).join(', ')}, position = GREATEST(position, VALUES(position))`
        : `ON CONFLICT (series_kind, series_key, model_name) DO UPDATE SET ${[...moved, 'position'].map((c) => `${c} = excluded.${c}`).join(', ')} WHERE excluded.position > sweep_watermark.position`;
    const { seriesKind, seriesKey, modelName, position, dataUntil, modelVersion, jobId } = advance;
    await tx
      .getConnection()
      .execute(
        `INSERT INTO sweep_watermark (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${upsert}`,
        [seriesKind, seriesKey, modelName, position, dataUntil ?? null, modelVersion ?? null, jobId ?? null, new Date()],
        'run',
        tx.getTransactionContext(),
      );
  }
}
