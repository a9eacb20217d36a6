import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { InvalidInputError } from '@him/contracts';
import { FORMATS } from '@him/ingest';
import type { ModelSignature } from '../model-signatures';
import {
  AI_ONNX,
  AI_ONNX_ML,
  AI_ONNX_OPSET,
  attr,
  BATCH_DIM,
  ElemType,
  encodeModel,
  floatTensor,
  int64Tensor,
  node,
  tensorValue,
  TREE_ML_OPSET,
  type LoadedOnnxModel,
  type ModelIdentity,
  type OnnxModelMetadata,
} from '../onnx';
import { FEATURE_KINDS, scoreTepRun, tepInputFeatures, type TepDetector, type TepFeatureSpec } from './detector';
import { averagePathLength, isolationForestOnnx, ISOLATION_PATH_OUTPUT } from './isolation-forest';
import { tepPreprocessingMetadata } from './preprocessing';

export const TEP_DETECTOR_NAME = 'tep-detector';
export const TEP_DETECTOR_INPUT = 'features';
export const TEP_DETECTOR_OUTPUTS = { score: 'score', isolation: 'isolation', zscore: 'zscore', peak: 'peak', contributions: 'contributions' } as const;
/** The metadata_props key holding the `TepPreprocessing` JSON. */
export const TEP_PREPROCESSING_KEY = 'preprocessing';

/** The tensors a TEP detector model must have for `tagCount` tags (null = any batch size). */
export function tepDetectorSignature(tagCount = FORMATS.tep.columns.length): ModelSignature {
  const rows = (name: string, width: number) => ({ name, shape: [null, width], type: 'float32' as const });
  return {
    inputs: [rows(TEP_DETECTOR_INPUT, FEATURE_KINDS.length * tagCount)],
    outputs: [
      rows(TEP_DETECTOR_OUTPUTS.score, 1),
      rows(TEP_DETECTOR_OUTPUTS.isolation, 1),
      rows(TEP_DETECTOR_OUTPUTS.zscore, 1),
      rows(TEP_DETECTOR_OUTPUTS.peak, 1),
      rows(TEP_DETECTOR_OUTPUTS.contributions, tagCount),
    ],
    checkMetadata: (metadata) => void tepPreprocessingFromModel(metadata),
  };
}

/**
 * Everything outside the graph, stored in the model as JSON under `TEP_PREPROCESSING_KEY`: how to turn a run
 * (observations in time order, one value per tag in `tags` order) into the `features` input, and when to alarm.
 * A row's features depend on that row and the `window` rows before it at most (`window` ≥ `shortWindow`; the
 * hold-aware difference looks back a hold period): scoring new observations preceded by max(window, ...holdPeriods)
 * earlier ones gives exactly the features of scoring the whole run.
 */
export interface TepPreprocessing extends TepFeatureSpec {
  /** Column k of every observation is tag tags[k]; contributions use the same order. */
  tags: string[];
  /** The input's column blocks, each `tags.length` wide: always FEATURE_KINDS. */
  featureKinds: string[];
  /** Alarm when `score` exceeds this. */
  threshold: number;
  /** The share of normal observations that alarm at `threshold`, when it was calibrated. */
  falseAlarmRate: number;
}

/**
 * The calibrated detector as one ONNX graph (ai.onnx 13 + ai.onnx.ml 3). Input `features` [N, 6·tags]: the raw
 * features of `tepInputFeatures`. Inside: feature standardisation, the forest's mean path length → isolation score
 * 2^(−h/c(ψ)), the z-score (mean squared standardised feature), the peak (largest |standardised feature|), per-tag
 * contributions (sum of the tag's six squared standardised features) and the combined score
 * max(isolation / isolationScale, zscore / zScale, peak / peakScale).
 * Outputs `score`, `isolation`, `zscore`, `peak` [N, 1] and `contributions` [N, tags]. `tags` name the columns of an
 * observation: the platform's TEP tag names (XMEAS_1 … XMV_11, as ingest stores them) unless given.
 */
export function tepDetectorOnnx(d: TepDetector, identity: Partial<ModelIdentity> = {}, tags: readonly string[] = FORMATS.tep.columns): Uint8Array {
  if (!Number.isFinite(d.threshold) || d.falseAlarmRate === undefined) {
    throw new RangeError('calibrate the detector (calibrateTepDetector) before exporting it');
  }
  if (tags.length !== d.tagCount) throw new RangeError(`${tags.length} tag names for ${d.tagCount} tags`);
  const width = FEATURE_KINDS.length * d.tagCount;
  const preprocessing: TepPreprocessing = {
    tags: [...tags],
    standardiser: d.standardiser,
    window: d.window,
    shortWindow: d.shortWindow,
    holdPeriods: d.holdPeriods,
    windowVariance: d.windowVariance,
    featureKinds: [...FEATURE_KINDS],
    threshold: d.threshold,
    falseAlarmRate: d.falseAlarmRate,
  };
  // The forest's own exporter writes its TreeEnsembleRegressor node; spliced in here, it reads the standardised features.
  const forest = onnx.ModelProto.decode(isolationForestOnnx(d.forest, { inputName: 'standardised' })).graph?.node?.[0];
  if (forest?.output?.[0] !== ISOLATION_PATH_OUTPUT) throw new Error('the isolation forest export no longer has the expected single node');
  const { score, isolation, zscore, peak, contributions } = TEP_DETECTOR_OUTPUTS;
  return encodeModel({
    identity: {
      name: identity.name ?? TEP_DETECTOR_NAME,
      version: identity.version ?? 1,
      metadata: { ...identity.metadata, [TEP_PREPROCESSING_KEY]: JSON.stringify(preprocessing) },
    },
    opsets: [
      { domain: AI_ONNX, version: AI_ONNX_OPSET },
      { domain: AI_ONNX_ML, version: TREE_ML_OPSET },
    ],
    inputs: [tensorValue(TEP_DETECTOR_INPUT, ElemType.FLOAT, [BATCH_DIM, width])],
    outputs: [
      tensorValue(score, ElemType.FLOAT, [BATCH_DIM, 1]),
      tensorValue(isolation, ElemType.FLOAT, [BATCH_DIM, 1]),
      tensorValue(zscore, ElemType.FLOAT, [BATCH_DIM, 1]),
      tensorValue(peak, ElemType.FLOAT, [BATCH_DIM, 1]),
      tensorValue(contributions, ElemType.FLOAT, [BATCH_DIM, d.tagCount]),
    ],
    initializers: [
      floatTensor('feature_mean', [width], Float32Array.from(d.featureStandardiser.mean)),
      floatTensor('feature_std', [width], Float32Array.from(d.featureStandardiser.std)),
      floatTensor('two', [], Float32Array.of(2)),
      floatTensor('mean_path_of_subsample', [], Float32Array.of(averagePathLength(d.forest.subsample))),
      floatTensor('isolation_scale', [], Float32Array.of(d.isolationScale)),
      floatTensor('z_scale', [], Float32Array.of(d.zScale)),
      floatTensor('peak_scale', [], Float32Array.of(d.peakScale)),
      // Reshape's 0 keeps the batch dimension: [N, 6·tags] → [N, 6, tags].
      int64Tensor('by_kind', [3], [0, FEATURE_KINDS.length, d.tagCount]),
      int64Tensor('kind_axis', [1], [1]),
    ],
    nodes: [
      node('Sub', [TEP_DETECTOR_INPUT, 'feature_mean'], ['centred']),
      node('Div', ['centred', 'feature_std'], ['standardised']),
      forest,
      node('Div', [ISOLATION_PATH_OUTPUT, 'mean_path_of_subsample'], ['relative_path']),
      node('Neg', ['relative_path'], ['isolation_exponent']),
      node('Pow', ['two', 'isolation_exponent'], [isolation]),
      node('Mul', ['standardised', 'standardised'], ['squared']),
      node('ReduceMean', ['squared'], [zscore], [attr.ints('axes', [1]), attr.int('keepdims', 1)]),
      node('Abs', ['standardised'], ['magnitude']),
      // ReduceMax still takes its axes as an attribute in opset 13.
      node('ReduceMax', ['magnitude'], [peak], [attr.ints('axes', [1]), attr.int('keepdims', 1)]),
      node('Reshape', ['squared', 'by_kind'], ['squared_by_kind']),
      // Since opset 13 ReduceSum takes its axes as an input.
      node('ReduceSum', ['squared_by_kind', 'kind_axis'], [contributions], [attr.int('keepdims', 0)]),
      node('Div', [isolation, 'isolation_scale'], ['isolation_scaled']),
      node('Div', [zscore, 'z_scale'], ['zscore_scaled']),
      node('Div', [peak, 'peak_scale'], ['peak_scaled']),
      node('Max', ['isolation_scaled', 'zscore_scaled', 'peak_scaled'], [score]),
    ],
    doc: 'TEP anomaly detector: z-score, peak |z| and isolation forest over per-tag value, short and long rolling mean/std and hold-aware difference features.',
  });
}

/**
 * Reads a TEP detector model's preprocessing back from its metadata (as `loadOnnxModel` returns it), so a server
 * can score runs from the .onnx file alone. Refuses, as a signature mismatch, metadata that is missing, malformed
 * or disagrees with the model's input width.
 */
export function tepPreprocessingFromModel(model: Pick<OnnxModelMetadata, 'properties' | 'inputs'>): TepPreprocessing {
  const { json: p, tags, standardiser, refuse, perTag } = tepPreprocessingMetadata(model, TEP_PREPROCESSING_KEY, 'TEP detector');
  const holdPeriods = perTag('holdPeriods (whole numbers ≥ 1)', p.holdPeriods, (x) => Number.isInteger(x) && x >= 1);
  const wv = (typeof p.windowVariance === 'object' && p.windowVariance !== null ? p.windowVariance : {}) as Record<string, unknown>;
  const variance = (x: number) => Number.isFinite(x) && x >= 0;
  const windowVariance = { short: perTag('windowVariance.short (finite, ≥ 0)', wv.short, variance), long: perTag('windowVariance.long (finite, ≥ 0)', wv.long, variance) };
  const { window, shortWindow, threshold, falseAlarmRate, featureKinds } = p;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 1) throw refuse('needs window: a whole number ≥ 1');
  if (typeof shortWindow !== 'number' || !Number.isInteger(shortWindow) || shortWindow < 1 || shortWindow > window) {
    throw refuse('needs shortWindow: a whole number from 1 to window');
  }
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw refuse('needs threshold: a finite number');
  if (typeof falseAlarmRate !== 'number' || !(falseAlarmRate > 0 && falseAlarmRate < 1)) throw refuse('needs falseAlarmRate between 0 and 1');
  if (!Array.isArray(featureKinds) || featureKinds.join() !== FEATURE_KINDS.join()) throw refuse(`needs featureKinds ${JSON.stringify(FEATURE_KINDS)}`);
  const input = model.inputs.find((v) => v.name === TEP_DETECTOR_INPUT);
  const width = FEATURE_KINDS.length * tags.length;
  if (input?.shape?.length !== 2 || input.shape[1] !== width) throw refuse(`names ${tags.length} tags but input '${TEP_DETECTOR_INPUT}' is not [N, ${width}]`);
  return { tags, standardiser, window, shortWindow, holdPeriods, windowVariance, featureKinds: [...FEATURE_KINDS], threshold, falseAlarmRate };
}

export interface TepOnnxScores {
  score: Float32Array;
  isolation: Float32Array;
  zscore: Float32Array;
  peak: Float32Array;
  /** Row-major, one value per tag per row (tags in the preprocessing's order). */
  contributions: Float32Array;
}

/** Scores one run (observations in time order, tags in the preprocessing's order) with a loaded TEP detector model. */
export async function scoreTepRunOnnx(session: ort.InferenceSession, p: TepFeatureSpec, observations: readonly (readonly number[])[]): Promise<TepOnnxScores> {
  const tagCount = p.holdPeriods.length;
  const bad = observations.findIndex((o) => o.length !== tagCount);
  if (bad >= 0) throw new InvalidInputError(`observation ${bad} has ${observations[bad].length} values; the model takes ${tagCount} tags`);
  const features = tepInputFeatures(p, observations);
  const out = await session.run({ [TEP_DETECTOR_INPUT]: new ort.Tensor('float32', features, [observations.length, FEATURE_KINDS.length * tagCount]) });
  const data = (name: string) => out[name].data as Float32Array;
  const { score, isolation, zscore, peak, contributions } = TEP_DETECTOR_OUTPUTS;
  return { score: data(score), isolation: data(isolation), zscore: data(zscore), peak: data(peak), contributions: data(contributions) };
}

/**
 * Largest relative difference between float32 ONNX outputs and the float64 TypeScript scores. The graph sees the same
 * float32 standardised features as TypeScript (bit for bit), so the differences are float32 rounding in sums of
 * non-negative terms and the forest's float32 accumulation: ≤ ~1e-6 relative in practice, 1e-5 is the tolerance.
 */
export const TEP_ONNX_TOLERANCE = 1e-5;

export interface TepOnnxAgreement {
  rows: number;
  maxRelativeDifference: { score: number; isolation: number; zscore: number; peak: number; contributions: number };
  /** Rows where the model's alarm (score > preprocessing threshold) differs from `scoreTepRun`'s. */
  alarmsDiffering: number;
}

/** Compares a loaded TEP detector model, driven by its own metadata only, with `scoreTepRun` of the detector it was exported from. */
export async function tepOnnxAgreement(d: TepDetector, model: LoadedOnnxModel, observations: readonly (readonly number[])[]): Promise<TepOnnxAgreement> {
  const p = tepPreprocessingFromModel(model.metadata);
  const onnxScores = await scoreTepRunOnnx(model.session, p, observations);
  const ts = scoreTepRun(d, observations);
  const maxRelative = (expected: ArrayLike<number>, got: Float32Array) =>
    Array.from(expected).reduce((m, e, i) => Math.max(m, e === 0 ? Math.abs(got[i]) : Math.abs(got[i] - e) / Math.abs(e)), 0);
  return {
    rows: observations.length,
    maxRelativeDifference: {
      score: maxRelative(ts.combined, onnxScores.score),
      isolation: maxRelative(ts.isolation, onnxScores.isolation),
      zscore: maxRelative(ts.zscore, onnxScores.zscore),
      peak: maxRelative(ts.peak, onnxScores.peak),
      contributions: maxRelative(ts.contributions.flat(), onnxScores.contributions),
    },
    alarmsDiffering: ts.combined.filter((s, r) => s > d.threshold !== onnxScores.score[r] > p.threshold).length,
  };
}
