// The TEP LSTM predictor: from the last `steps` observations of all 52 tags, the probability that the process is
// in a fault and the next `horizon` values of one tag. Fitted on labelled runs (normal and faulty), standardised
// against normal operation only; measured on other runs beside persistence (the last observed value).
import { FORMATS, TEP_SAMPLE_MS, TEP_VARIABLES } from '@him/ingest';
import { TEP_DETECTABLE_FAULTS } from '../tep/benchmark';
import { fitStandardiser } from '../tep/standardise';
import { runToEnd, type TrainingProgress } from '../training';
import { DEFAULT_LSTM_TRAINING, lstmTraining, type LstmPredictFn, type LstmPredictor, type LstmTrainingOptions, type LstmTrainingSet } from './lstm';
import type { ModelSignature } from '../model-signatures';
import { OnnxModelRejectedError } from '../onnx/loader';
import { LSTM_FAULT_PROBABILITY, LSTM_INPUT, LSTM_PREDICTED_VALUE, lstmPredictorOnnx } from './lstm-onnx';
import { tepSequences, type LabelledTepRun, type TepSequences } from './tep-sequences';

export const TEP_LSTM_NAME = 'tep-lstm';
/** XMEAS(7), reactor pressure (kPa gauge): the plant shuts down above 3000 kPa, and many faults move it. */
export const TEP_REACTOR_PRESSURE = 6;

export interface TepLstmOptions extends LstmTrainingOptions {
  /** Observations per sequence (20 = one hour). */
  steps?: number;
  /** Forecast steps (5 = 15 minutes). */
  horizon?: number;
  hiddenSize?: number;
  /** The forecast tag: its 0-based column in the Braatz files (FORMATS.tep.columns). */
  targetIndex?: number;
  /** Rows between the ends of consecutive training sequences. */
  stride?: number;
}

/**
 * With one normal training run (d00.dat, 25 h) the normal class is tiny and easily memorised: with 24 hidden units
 * and 0.5 std of jitter, the last 100 rows of d00.dat held out still alarmed 59 % of the time. A small network with
 * 1 std of jitter trades some detection for few false alarms.
 */
export const DEFAULT_TEP_LSTM: Required<TepLstmOptions> = {
  ...DEFAULT_LSTM_TRAINING,
  epochs: 10,
  inputJitter: 1,
  steps: 20,
  horizon: 5,
  hiddenSize: 16,
  targetIndex: TEP_REACTOR_PRESSURE,
  stride: 1,
};

/** What a caller needs to cut sequences for a model: its sequence length, horizon and target tag. */
export type TepLstmFacts = Pick<LstmPredictor, 'steps' | 'horizon' | 'targetIndex'>;

export interface TrainedTepLstm {
  model: LstmPredictor;
  lossByEpoch: number[];
  sequences: { normal: number; faulty: number };
  options: Required<TepLstmOptions>;
}

/**
 * Standardised network inputs and forecast targets: the change of the target tag from its last observed value,
 * in its normal standard deviations (the forecast head's units; see LstmPredictor).
 */
function trainingSet(seq: TepSequences, model: Pick<LstmPredictor, 'inputMean' | 'inputStd' | 'targetIndex'>): LstmTrainingSet {
  const { inputMean, inputStd, targetIndex } = model;
  const { count, steps, horizon } = seq;
  const width = steps * TEP_VARIABLES;
  const inputs = new Float64Array(seq.sequences.length);
  for (let k = 0; k < inputs.length; k++) inputs[k] = (seq.sequences[k] - inputMean[k % TEP_VARIABLES]) / inputStd[k % TEP_VARIABLES];
  const targets = new Float64Array(count * horizon);
  for (let n = 0; n < count; n++) {
    const last = seq.sequences[n * width + width - TEP_VARIABLES + targetIndex];
    for (let j = 0; j < horizon; j++) targets[n * horizon + j] = (seq.targets[n * horizon + j] - last) / inputStd[targetIndex];
  }
  return { count, steps, inputs, labels: seq.labels, targets };
}

/**
 * Trains the predictor on `runs`: the standardisation comes from the normal ones (fault 0), which must be there.
 * Deterministic: the same runs and options give the same weights, bit for bit.
 */
export function trainTepLstm(runs: readonly LabelledTepRun[], options: TepLstmOptions = {}): TrainedTepLstm {
  return runToEnd(tepLstmTraining(runs, options));
}

/** The same training, pausing after every batch and epoch (see runPausing). */
export function* tepLstmTraining(runs: readonly LabelledTepRun[], options: TepLstmOptions = {}): Generator<TrainingProgress, TrainedTepLstm> {
  const o = { ...DEFAULT_TEP_LSTM, ...options };
  const normal = runs.filter((r) => r.fault === 0).flatMap((r) => r.observations);
  if (normal.length < 2) throw new RangeError('the training runs need normal operation (fault 0) to standardise against');
  const standardiser = fitStandardiser(normal);
  const inputMean = Float32Array.from(standardiser.mean);
  const inputStd = Float32Array.from(standardiser.std);
  const seq = tepSequences(runs, o);
  const shape = { inputSize: TEP_VARIABLES, hiddenSize: o.hiddenSize, horizon: o.horizon };
  const trained = yield* lstmTraining(trainingSet(seq, { inputMean, inputStd, targetIndex: o.targetIndex }), shape, o);
  const faulty = seq.labels.reduce((s, y) => s + y, 0);
  return {
    model: { ...shape, steps: o.steps, targetIndex: o.targetIndex, inputMean, inputStd, params: Float32Array.from(trained.params) },
    lossByEpoch: trained.lossByEpoch,
    sequences: { normal: seq.count - faulty, faulty },
    options: o,
  };
}

/** The model as ONNX, its facts (tags, steps, horizon, target, sampling) in metadata_props for whoever loads it. */
export function tepLstmOnnx(model: LstmPredictor, identity: { version: number; metadata?: Record<string, string> }): Uint8Array {
  if (model.inputSize !== TEP_VARIABLES) throw new RangeError(`a TEP model takes ${TEP_VARIABLES} tags, not ${model.inputSize}`);
  return lstmPredictorOnnx(model, {
    name: TEP_LSTM_NAME,
    version: identity.version,
    metadata: {
      ...identity.metadata,
      input_tags: JSON.stringify(FORMATS.tep.columns),
      steps: String(model.steps),
      horizon: String(model.horizon),
      target_index: String(model.targetIndex),
      target_tag: FORMATS.tep.columns[model.targetIndex],
      sample_interval_minutes: String(TEP_SAMPLE_MS / 60_000),
    },
  });
}

/** Reads back what tepLstmOnnx wrote into metadata_props. */
export function tepLstmFacts(properties: Readonly<Record<string, string>>): TepLstmFacts {
  const int = (key: string): number => {
    const v = Number(properties[key]);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`the model's metadata has no valid '${key}' (got ${JSON.stringify(properties[key])})`);
    return v;
  };
  return { steps: int('steps'), horizon: int('horizon'), targetIndex: int('target_index') };
}

export interface HorizonErrors {
  /** Per forecast step (t+1 … t+horizon), in the target's units. */
  rmse: number[];
  mae: number[];
}

export interface ForecastComparison {
  /** Sequences with a target at t+1. */
  sequences: number;
  lstm: HorizonErrors;
  /** The last observed value as the forecast for every step. */
  persistence: HorizonErrors;
}

export interface NamedTepRun extends LabelledTepRun {
  name: string;
}

export interface TepRunEvaluation {
  name: string;
  fault: number;
  sequences: number;
  /** Alarms among sequences ending before the onset (every sequence of a normal run); null if there are none. */
  falseAlarmRate: number | null;
  /** Alarms among sequences ending at or after the onset; null for a normal run. */
  detectionRate: number | null;
  /** Minutes from the onset to the first alarm at or after it; null if none. */
  detectionDelayMinutes: number | null;
  /** Over the run's faulty sequences (all of a normal run). */
  forecast: ForecastComparison;
}

export interface TepLstmEvaluation {
  threshold: number;
  sequences: number;
  /** Share of sequences whose alarm (probability ≥ threshold) matches the label, over every run… */
  accuracy: number;
  /** …and over the runs of TEP_DETECTABLE_FAULTS and normal runs only. */
  accuracyDetectable: number;
  falseAlarmRate: { normalRuns: number; faultRunsBeforeOnset: number };
  /** Mean of the per-run detection rates of the detectable faults. */
  meanDetectionRate: number;
  forecast: { normalRuns: ForecastComparison; faultRunsAfterOnset: ForecastComparison };
  runs: TepRunEvaluation[];
}

/** Squared and absolute errors per forecast step, for the model and persistence. */
class ForecastErrors {
  private readonly sums: Float64Array[];
  private readonly counts: Float64Array;

  constructor(horizon: number) {
    this.sums = Array.from({ length: 4 }, () => new Float64Array(horizon));
    this.counts = new Float64Array(horizon);
  }

  add(step: number, target: number, predicted: number, last: number): void {
    const [lstmSq, lstmAbs, persistSq, persistAbs] = this.sums;
    lstmSq[step] += (predicted - target) ** 2;
    lstmAbs[step] += Math.abs(predicted - target);
    persistSq[step] += (last - target) ** 2;
    persistAbs[step] += Math.abs(last - target);
    this.counts[step]++;
  }

  merge(other: ForecastErrors): void {
    this.sums.forEach((s, i) => other.sums[i].forEach((v, j) => (s[j] += v)));
    other.counts.forEach((v, j) => (this.counts[j] += v));
  }

  report(): ForecastComparison {
    const per = (s: Float64Array, root: boolean) => Array.from(s, (v, j) => (root ? Math.sqrt(v / this.counts[j]) : v / this.counts[j]));
    const [lstmSq, lstmAbs, persistSq, persistAbs] = this.sums;
    return {
      sequences: this.counts[0],
      lstm: { rmse: per(lstmSq, true), mae: per(lstmAbs, false) },
      persistence: { rmse: per(persistSq, true), mae: per(persistAbs, false) },
    };
  }
}

/**
 * Evaluates a predictor (the TypeScript forward pass or an ONNX session, see lstmOnnxPredict) on labelled runs:
 * alarms at `threshold` against the labels, and forecast errors per step beside persistence.
 */
export async function evaluateTepLstm(runs: readonly NamedTepRun[], predict: LstmPredictFn, facts: TepLstmFacts, threshold = 0.5): Promise<TepLstmEvaluation> {
  const { steps, horizon, targetIndex } = facts;
  const width = steps * TEP_VARIABLES;
  const inDetectionBenchmark = (fault: number) => fault === 0 || TEP_DETECTABLE_FAULTS.includes(fault);
  const normalForecast = new ForecastErrors(horizon);
  const faultForecast = new ForecastErrors(horizon);
  const tally = { sequences: 0, correct: 0, benchmark: 0, correctBenchmark: 0, normal: 0, normalAlarms: 0, beforeOnset: 0, beforeOnsetAlarms: 0 };
  const results: TepRunEvaluation[] = [];
  for (const run of runs) {
    const seq = tepSequences([run], facts);
    const { faultProbability, predictedValue } = await predict(seq.sequences);
    const errors = new ForecastErrors(horizon);
    let [before, beforeAlarms, after, afterAlarms, correct] = [0, 0, 0, 0, 0];
    let firstAlarm = -1;
    for (let n = 0; n < seq.count; n++) {
      const alarm = faultProbability[n] >= threshold;
      const label = seq.labels[n] === 1;
      if (alarm === label) correct++;
      if (label) {
        after++;
        if (alarm) {
          afterAlarms++;
          if (firstAlarm < 0) firstAlarm = seq.end[n];
        }
      } else {
        before++;
        if (alarm) beforeAlarms++;
      }
      if (run.fault !== 0 && !label) continue;
      const last = seq.sequences[n * width + width - TEP_VARIABLES + targetIndex];
      for (let j = 0; j < horizon; j++) {
        const target = seq.targets[n * horizon + j];
        if (!Number.isNaN(target)) errors.add(j, target, predictedValue[n * horizon + j], last);
      }
    }
    (run.fault === 0 ? normalForecast : faultForecast).merge(errors);
    tally.sequences += seq.count;
    tally.correct += correct;
    if (inDetectionBenchmark(run.fault)) {
      tally.benchmark += seq.count;
      tally.correctBenchmark += correct;
    }
    if (run.fault === 0) {
      tally.normal += before;
      tally.normalAlarms += beforeAlarms;
    } else {
      tally.beforeOnset += before;
      tally.beforeOnsetAlarms += beforeAlarms;
    }
    results.push({
      name: run.name,
      fault: run.fault,
      sequences: seq.count,
      falseAlarmRate: before > 0 ? beforeAlarms / before : null,
      detectionRate: run.fault !== 0 && after > 0 ? afterAlarms / after : null,
      detectionDelayMinutes: firstAlarm >= 0 ? ((firstAlarm - run.onset) * TEP_SAMPLE_MS) / 60_000 : null,
      forecast: errors.report(),
    });
  }
  const detectionRates = results.filter((r) => r.fault !== 0 && inDetectionBenchmark(r.fault)).flatMap((r) => (r.detectionRate === null ? [] : [r.detectionRate]));
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
  return {
    threshold,
    sequences: tally.sequences,
    accuracy: ratio(tally.correct, tally.sequences),
    accuracyDetectable: ratio(tally.correctBenchmark, tally.benchmark),
    falseAlarmRate: {
      normalRuns: ratio(tally.normalAlarms, tally.normal),
      faultRunsBeforeOnset: ratio(tally.beforeOnsetAlarms, tally.beforeOnset),
    },
    meanDetectionRate: ratio(
      detectionRates.reduce((a, b) => a + b, 0),
      detectionRates.length,
    ),
    forecast: { normalRuns: normalForecast.report(), faultRunsAfterOnset: faultForecast.report() },
    runs: results,
  };
}

/**
 * What the registry accepts as a TEP LSTM predictor: sequences of the 52 tags in, fault probability and forecast
 * out, any sequence length and horizon as long as its metadata says which (sequences are cut by it).
 */
export function tepLstmSignature(): ModelSignature {
  return {
    inputs: [{ name: LSTM_INPUT, shape: [null, null, TEP_VARIABLES], type: 'float32' }],
    outputs: [
      { name: LSTM_FAULT_PROBABILITY, shape: [null, 1], type: 'float32' },
      { name: LSTM_PREDICTED_VALUE, shape: [null, null], type: 'float32' },
    ],
    checkMetadata: (metadata) => {
      try {
        tepLstmFacts(metadata.properties);
      } catch (err) {
        throw new OnnxModelRejectedError('signature_mismatch', (err as Error).message);
      }
    },
  };
}
