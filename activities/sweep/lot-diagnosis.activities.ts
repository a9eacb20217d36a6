import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { heartbeat } from '@temporalio/activity';
import { anomalySeverity, InvalidInputError, NotFoundError, type SeriesRef, type SeriesSweepResult } from '@him/contracts';
import {
  AnomalyMethod,
  AnomalyRepository,
  LotRepository,
  PredictionRepository,
  ProcessValueRepository,
  SeriesKind,
  Severity,
  SweepWatermarkRepository,
  type AnomalyDraft,
  type LotRecord,
  type PredictionDraft,
  type ProbableFault,
} from '@him/db';
import { FORMATS, TEP_SAMPLE_MS } from '@him/ingest';
import {
  featureDistributionFromModel,
  identifyTepRunOnnx,
  lstmOnnxPredict,
  scoreTepRunOnnx,
  TEP_DETECTOR_NAME,
  TEP_IDENTIFIER_NAME,
  TEP_LSTM_NAME,
  tepIdentifierHistory,
  tepIdentifierPreprocessingFromModel,
  tepLstmFacts,
  tepPreprocessingFromModel,
  tepSequences,
  topTags,
} from '@him/ml';
import { ServedModels, type ServedModel } from '@him/registry';
import { Activity } from '../activity.decorator';
import { recordSweepPass, recordSweepWindows } from '../throughput-metrics';
import { DriftTally, SeriesDrift } from './series-drift';

/** Tags named with each alarm. */
const TOP_TAGS = 3;
/** Faults named as candidates with each alarm's probable fault. */
const FAULT_CANDIDATES = 3;

/** A lot's observations from some point on: time-ordered, each with one value per tag in the model's tag order. */
interface LotStretch {
  times: number[];
  observations: number[][];
  /** Index of the first observation past the model's watermark (the ones before are history for the features). */
  firstNew: number;
}

/** What one model did to a lot. */
interface ModelPass {
  /** `name@version`. */
  version: string;
  /** Times of the observations it scored (epoch ms). */
  scored: number[];
  written: number;
}

/**
 * The TEP-lot side of the diagnosis sweep: the active detector turns a lot's new observations into `anomaly` rows and
 * the active LSTM into `prediction` rows. Each model has its own watermark (epoch ms of the last observation it
 * scored); what a model writes and its watermark's advance commit together, and the natural keys include the model
 * version, so a retried or repeated run writes nothing twice.
 */
@Injectable()
export class LotDiagnosisActivities {
  constructor(
    private readonly lots: LotRepository,
    private readonly processValues: ProcessValueRepository,
    private readonly anomalies: AnomalyRepository,
    private readonly predictions: PredictionRepository,
    private readonly watermarks: SweepWatermarkRepository,
    private readonly models: ServedModels,
    private readonly drift: SeriesDrift,
  ) {}

  /** Diagnoses one lot (series.key = its code) from each model's watermark to its last observation. */
  @Activity({ queue: 'cpu' })
  async diagnoseLot(series: SeriesRef, jobId: string): Promise<SeriesSweepResult> {
    if (series.kind !== 'lot') throw new InvalidInputError(`diagnoseLot diagnoses lots, not a ${series.kind}`);
    const lot = await this.lots.findByCode(series.key);
    if (!lot) throw new NotFoundError(`no lot ${series.key}`);
    heartbeat({ lot: lot.code, phase: TEP_DETECTOR_NAME });
    // The fault identifier, when one is active, names the fault each alarm most resembles.
    const detector = await this.models.withActive(TEP_DETECTOR_NAME, (model) =>
      this.models.withActiveIfAny(TEP_IDENTIFIER_NAME, (identifier) => this.detect(lot, model, identifier, jobId)),
    );
    heartbeat({ lot: lot.code, phase: TEP_LSTM_NAME });
    const lstm = await this.models.withActive(TEP_LSTM_NAME, (model) => this.forecast(lot, model, jobId));
    const scored = [...new Set([...detector.scored, ...lstm.scored])];
    const until = scored.length ? Math.max(...scored) : undefined;
    return {
      series,
      items: scored.length,
      windows: 0,
      diagnoses_written: 0,
      anomalies_written: detector.written,
      predictions_written: lstm.written,
      models: [detector.version, lstm.version],
      days: [...new Set(scored.map((t) => new Date(t).toISOString().slice(0, 10)))].sort(),
      data_until: until === undefined ? null : new Date(until).toISOString(),
    };
  }

  /**
   * The detector over the new observations: one anomaly per alarming observation, as `npm run eval:models` alarms;
   * with an identifier, each names its probable fault.
   */
  private async detect(lot: LotRecord, model: ServedModel, identifier: ServedModel | undefined, jobId: string): Promise<ModelPass> {
    const began = performance.now();
    const p = tepPreprocessingFromModel(model.metadata);
    const ip = identifier && tepIdentifierPreprocessingFromModel(identifier.metadata);
    // A new observation's features reach back a rolling window and a hold period (the identifier's windows too): that
    // much history makes them what scoring the whole run from its start gives.
    const history = Math.max(p.window, ...p.holdPeriods, ip ? tepIdentifierHistory(ip) - 1 : 0);
    const stretch = await this.readPastWatermark(lot, TEP_DETECTOR_NAME, p.tags, history);
    if (!stretch) return { version: model.version, scored: [], written: 0 };
    const { times, observations, firstNew } = stretch;
    const scores = await scoreTepRunOnnx(model.session, p, observations);
    // The identifier only where the detector alarms among the new rows: its features take most of a lot's scoring time.
    const alarming = (i: number) => scores.score[i] > p.threshold;
    const anyAlarm = times.some((_, i) => i >= firstNew && alarming(i));
    const probable = identifier && ip && anyAlarm ? await probableFaults(identifier, ip, p.tags, observations) : undefined;
    const tagCount = p.tags.length;
    const drafts: AnomalyDraft[] = [];
    for (let i = firstNew; i < times.length; i++) {
      if (!alarming(i)) continue;
      const score = scores.score[i];
      const contributions = Array.from(scores.contributions.subarray(i * tagCount, (i + 1) * tagCount));
      drafts.push({
        equipmentId: lot.equipmentId,
        lotId: lot.id,
        detectedAt: new Date(times[i]),
        method: AnomalyMethod.Ensemble,
        score,
        severity: anomalySeverity(score, p.threshold) as Severity,
        topTags: topTags(contributions, TOP_TAGS).map((k) => ({ tag: p.tags[k], contribution: contributions[k] })),
        probableFault: probable?.(i),
        windowStart: new Date(times[Math.max(0, i - p.window + 1)]),
        windowEnd: new Date(times[i]),
        modelVersion: model.version,
        jobId,
      });
    }
    heartbeat({ lot: lot.code, phase: TEP_DETECTOR_NAME, alarms: drafts.length });
    // Drift is measured on what the detector called normal: its training distribution is normal operation, and an
    // alarm is a fault of the process, not a change of the population.
    const distribution = featureDistributionFromModel(model.metadata);
    let tally: DriftTally | undefined;
    if (distribution) {
      tally = new DriftTally(distribution);
      for (let i = firstNew; i < times.length; i++) {
        if (!alarming(i)) tally.add(new Date(times[i]).toISOString().slice(0, 10), observations[i], () => 'normal');
      }
    }
    const written = await this.commit(lot, TEP_DETECTOR_NAME, model.version, jobId, times[times.length - 1], (tx) => this.anomalies.insertIgnore(drafts, tx), tally);
    recordLotPass(TEP_DETECTOR_NAME, times.length - firstNew, began);
    return { version: model.version, scored: times.slice(firstNew), written };
  }

  /** The LSTM over the new observations: from each one that ends a full input sequence, the fault probability and the target tag `horizon` steps ahead. */
  private async forecast(lot: LotRecord, model: ServedModel, jobId: string): Promise<ModelPass> {
    const began = performance.now();
    const properties = model.metadata.properties;
    const facts = tepLstmFacts(properties);
    const tags = properties.input_tags ? (JSON.parse(properties.input_tags) as string[]) : FORMATS.tep.columns;
    const tag = properties.target_tag ?? tags[facts.targetIndex];
    const horizonMinutes = facts.horizon * (Number(properties.sample_interval_minutes) || TEP_SAMPLE_MS / 60_000);
    const stretch = await this.readPastWatermark(lot, TEP_LSTM_NAME, tags, facts.steps - 1);
    if (!stretch) return { version: model.version, scored: [], written: 0 };
    const { times, observations, firstNew } = stretch;
    const seq = tepSequences([{ fault: 0, onset: 0, observations }], facts);
    const predicted = await lstmOnnxPredict(model.session, { ...facts, inputSize: tags.length })(seq.sequences);
    const drafts: PredictionDraft[] = [];
    for (let n = 0; n < seq.count; n++) {
      if (seq.end[n] < firstNew) continue;
      drafts.push({
        equipmentId: lot.equipmentId,
        lotId: lot.id,
        tag,
        predictedAt: new Date(times[seq.end[n]]),
        horizonMinutes,
        probability: predicted.faultProbability[n],
        predictedValue: predicted.predictedValue[n * facts.horizon + facts.horizon - 1],
        modelVersion: model.version,
        jobId,
      });
    }
    heartbeat({ lot: lot.code, phase: TEP_LSTM_NAME, forecasts: drafts.length });
    const written = await this.commit(lot, TEP_LSTM_NAME, model.version, jobId, times[times.length - 1], (tx) => this.predictions.insertIgnore(drafts, tx));
    recordLotPass(TEP_LSTM_NAME, times.length - firstNew, began);
    return { version: model.version, scored: times.slice(firstNew), written };
  }

  /**
   * The lot's observations past the model's watermark, preceded by up to `history` earlier ones; null when nothing is
   * new. An observation missing a tag is left out (as training leaves it out).
   */
  private async readPastWatermark(lot: LotRecord, modelName: string, tags: readonly string[], history: number): Promise<LotStretch | null> {
    const mark = (await this.watermarks.find(SeriesKind.Lot, lot.code, modelName))?.position ?? 0;
    const last = await this.processValues.lastMeasuredAt(lot.id, tags[0]);
    if (!last || last.getTime() <= mark) return null;
    const from = mark > 0 ? await this.processValues.historyStart(lot.id, tags[0], new Date(mark), history) : undefined;
    const column = new Map(tags.map((t, k) => [t, k]));
    const byTime = new Map<number, number[]>();
    for (const v of await this.processValues.readLotFrom(lot.id, from)) {
      const k = column.get(v.tag);
      if (k === undefined) continue;
      const t = v.measuredAt.getTime();
      let observation = byTime.get(t);
      if (!observation) byTime.set(t, (observation = new Array<number>(tags.length).fill(NaN)));
      observation[k] = v.value;
    }
    const times = [...byTime.keys()].filter((t) => byTime.get(t)!.every(Number.isFinite)).sort((a, b) => a - b);
    const firstNew = times.findIndex((t) => t > mark);
    if (firstNew < 0) return null;
    return { times, observations: times.map((t) => byTime.get(t)!), firstNew };
  }

  /**
   * Writes a model's rows, moves its watermark to `position` and adds the drift counts (once per batch), in one
   * transaction; returns the rows that were new.
   */
  private commit(
    lot: LotRecord,
    modelName: string,
    modelVersion: string,
    jobId: string,
    position: number,
    write: (tx: EntityManager) => Promise<number>,
    tally?: DriftTally,
  ): Promise<number> {
    return this.watermarks.transaction(async (tx) => {
      const written = await write(tx);
      await this.watermarks.advance(tx, { seriesKind: SeriesKind.Lot, seriesKey: lot.code, modelName, position, dataUntil: new Date(position), modelVersion, jobId });
      if (tally) await this.drift.record(tx, { kind: SeriesKind.Lot, key: lot.code }, { name: modelName, version: modelVersion }, position, tally, jobId);
      return written;
    });
  }
}

/** A model's committed pass over a lot: its windows are the new observations it scored (each with its history). */
function recordLotPass(model: string, scored: number, began: number): void {
  recordSweepWindows(model, scored);
  recordSweepPass(model, scored, (performance.now() - began) / 1000);
}

/**
 * The identifier over a stretch of observations (columns in the detector's tag order): per row, the fault it most
 * resembles and the next candidates.
 */
async function probableFaults(
  identifier: ServedModel,
  ip: ReturnType<typeof tepIdentifierPreprocessingFromModel>,
  tags: readonly string[],
  observations: readonly (readonly number[])[],
): Promise<(row: number) => ProbableFault> {
  const column = ip.tags.map((tag) => tags.indexOf(tag));
  if (column.some((k) => k < 0))
    throw new InvalidInputError(`the identifier ${identifier.version} reads tags the detector does not: ${ip.tags.filter((_, i) => column[i] < 0).join(', ')}`);
  const { probabilities } = await identifyTepRunOnnx(
    identifier.session,
    ip,
    observations.map((o) => column.map((k) => o[k])),
  );
  const classes = ip.faults.length;
  return (row) => {
    const candidates = ip.faults
      .map((fault, k) => ({ fault, probability: probabilities[row * classes + k] }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, FAULT_CANDIDATES);
    return { fault: candidates[0].fault, probability: candidates[0].probability, candidates, modelVersion: identifier.version };
  };
}
