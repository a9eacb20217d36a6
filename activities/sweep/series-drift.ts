import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ModelDriftRepository, type SeriesKind } from '@him/db';
import { addDriftCounts, driftCounts, driftOf, type DriftCounts, type FeatureDistribution } from '@him/ml';

/** Features named with each series-day's drift. */
export const TOP_DRIFT_FEATURES = 5;

/** What one batch of a series showed a model, counted per data day into its training bins. */
export class DriftTally {
  readonly byDay = new Map<string, DriftCounts>();

  constructor(readonly distribution: FeatureDistribution) {}

  /** Counts `rows` (row-major, one value per feature of the distribution), each into the bins of the class `labelOf` names. */
  add(day: string, rows: ArrayLike<number>, labelOf: (row: number) => string): void {
    const counts = this.byDay.get(day) ?? {};
    this.byDay.set(day, driftCounts(this.distribution, rows, labelOf, counts));
  }
}

/** The sweep's drift bookkeeping: a batch's tally goes into model_drift in the transaction of the batch's watermark. */
@Injectable()
export class SeriesDrift {
  constructor(private readonly drift: ModelDriftRepository) {}

  /** Adds the tally of a batch that moves the series' watermark to `position`, in the transaction of that move. */
  async record(
    tx: EntityManager,
    series: { kind: SeriesKind; key: string },
    model: { name: string; version: string },
    position: number,
    tally: DriftTally,
    jobId: string,
  ): Promise<void> {
    await this.drift.add(
      tx,
      { modelName: model.name, modelVersion: model.version, seriesKind: series.kind, seriesKey: series.key },
      position,
      tally.byDay,
      addDriftCounts,
      (total) => {
        const drift = driftOf(tally.distribution, total);
        return { samples: drift.samples, psi: drift.psi, topFeatures: drift.features.slice(0, TOP_DRIFT_FEATURES) };
      },
      jobId,
    );
  }
}
