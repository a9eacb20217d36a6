import * as ort from 'onnxruntime-node';
import { InvalidInputError } from '@him/contracts';
import { FORMATS } from '@him/ingest';
import type { ModelSignature } from '../model-signatures';
import { MLP_LABEL, MLP_PROBABILITIES, mlpClassifier, type LoadedOnnxModel, type ModelIdentity, type OnnxModelMetadata } from '../onnx';
import {
  TEP_IDENTIFIER_FAULTS,
  TEP_IDENTIFIER_FEATURE_KINDS,
  TEP_IDENTIFIER_NAME,
  TEP_IDENTIFIER_WINDOWS,
  tepIdentifierFeatureCount,
  tepIdentifierFeatures,
  tepIdentifierHistory,
  tepIdentifierProbabilities,
  type TepIdentifierFeatureSpec,
  type TrainedTepIdentifier,
} from './identifier';
import { tepPreprocessingMetadata } from './preprocessing';

export const TEP_IDENTIFIER_INPUT = 'features';
/**
 * The metadata_props key holding the `TepIdentifierPreprocessing` JSON: the same key as the TEP detector's
 * (TEP_PREPROCESSING_KEY), spelt out so that the two files can change independently.
 */
export const TEP_IDENTIFIER_PREPROCESSING_KEY = 'preprocessing';

/**
 * The tensors a TEP identifier model must have: `features` [N, (1 + 2·windows)·tags] in, `probabilities` [N, classes]
 * and `label` [N] (int64 class index) out (null = any batch size); the preprocessing metadata must be valid.
 */
export function tepIdentifierSignature(tagCount = FORMATS.tep.columns.length, windowCount = TEP_IDENTIFIER_WINDOWS.length, classes = TEP_IDENTIFIER_FAULTS.length): ModelSignature {
  return {
    inputs: [{ name: TEP_IDENTIFIER_INPUT, shape: [null, (1 + 2 * windowCount) * tagCount], type: 'float32' }],
    outputs: [
      { name: MLP_PROBABILITIES, shape: [null, classes], type: 'float32' },
      { name: MLP_LABEL, shape: [null], type: 'int64' },
    ],
    checkMetadata: (metadata) => void tepIdentifierPreprocessingFromModel(metadata),
  };
}

/**
 * Everything outside the graph, stored in the model as JSON under `TEP_IDENTIFIER_PREPROCESSING_KEY`: how to turn a
 * run (observations in time order, one value per tag in `tags` order) into the `features` input, and what the
 * classes are. See TepIdentifierFeatureSpec for the features.
 */
export interface TepIdentifierPreprocessing extends TepIdentifierFeatureSpec {
  /** Column k of every observation is tag tags[k]. */
  tags: string[];
  /** The input's column blocks, in order (rolling ones once per window): always TEP_IDENTIFIER_FEATURE_KINDS. */
  featureKinds: string[];
  /** Rows of history a row's features depend on (the row included): max(windows). */
  historyRows: number;
  /** Class k of `probabilities` and `label` is IDV faults[k]. */
  faults: number[];
}

/** The preprocessing the model carries, from the trained model and the tag names. */
export function tepIdentifierPreprocessing(model: TrainedTepIdentifier, tags: readonly string[] = FORMATS.tep.columns): TepIdentifierPreprocessing {
  const tagCount = model.spec.standardiser.mean.length;
  if (tags.length !== tagCount) throw new RangeError(`${tags.length} tag names for ${tagCount} tags`);
  return {
    tags: [...tags],
    standardiser: { mean: [...model.spec.standardiser.mean], std: [...model.spec.standardiser.std] },
    windows: [...model.spec.windows],
    stdOffset: model.spec.stdOffset,
    featureKinds: [...TEP_IDENTIFIER_FEATURE_KINDS],
    historyRows: tepIdentifierHistory(model.spec),
    faults: [...model.faults],
  };
}

/**
 * The identifier as one ONNX graph (ai.onnx 13): input `features` [N, F] (what `tepIdentifierFeatures` computes),
 * feature standardisation as Sub/Div, Gemm+Relu per hidden layer, Gemm and Softmax. Outputs `probabilities`
 * [N, classes] and `label` [N] (int64 class index; the IDV number is faults[label] of the metadata).
 */
export function tepIdentifierOnnx(model: TrainedTepIdentifier, identity: Partial<ModelIdentity> = {}, tags: readonly string[] = FORMATS.tep.columns): Uint8Array {
  const preprocessing = tepIdentifierPreprocessing(model, tags);
  return mlpClassifier(model.layers, {
    inputName: TEP_IDENTIFIER_INPUT,
    featureCount: tepIdentifierFeatureCount(model.spec, tags.length),
    classes: model.faults.length,
    inputMean: model.inputMean,
    inputStd: model.inputStd,
    name: identity.name ?? TEP_IDENTIFIER_NAME,
    version: identity.version ?? 1,
    metadata: {
      ...identity.metadata,
      [TEP_IDENTIFIER_PREPROCESSING_KEY]: JSON.stringify(preprocessing),
      classes: JSON.stringify(model.faults.map((f) => `IDV(${f})`)),
    },
  });
}

/** Longest window a served identifier may ask for: a day of 3-minute rows. */
const MAX_WINDOW_ROWS = 480;

/**
 * Reads a TEP identifier model's preprocessing back from its metadata (as `loadOnnxModel` returns it), so a server
 * can score runs from the .onnx file alone. Refuses, as a signature mismatch, metadata that is missing, malformed or
 * disagrees with the model's input width or class count.
 */
export function tepIdentifierPreprocessingFromModel(model: Pick<OnnxModelMetadata, 'properties' | 'inputs' | 'outputs'>): TepIdentifierPreprocessing {
  const { json: p, tags, standardiser, refuse } = tepPreprocessingMetadata(model, TEP_IDENTIFIER_PREPROCESSING_KEY, 'TEP identifier');
  const { windows, stdOffset, featureKinds, historyRows, faults } = p;
  if (!Array.isArray(windows) || windows.length === 0 || !windows.every((w): w is number => Number.isInteger(w) && w >= 1 && w <= MAX_WINDOW_ROWS)) {
    throw refuse(`needs windows: a list of whole numbers from 1 to ${MAX_WINDOW_ROWS}`);
  }
  if (typeof stdOffset !== 'number' || !Number.isFinite(stdOffset) || stdOffset <= 0) throw refuse('needs stdOffset: a finite number > 0');
  if (!Array.isArray(featureKinds) || featureKinds.join() !== TEP_IDENTIFIER_FEATURE_KINDS.join()) {
    throw refuse(`needs featureKinds ${JSON.stringify(TEP_IDENTIFIER_FEATURE_KINDS)}`);
  }
  if (historyRows !== Math.max(...windows)) throw refuse(`needs historyRows: the longest window, ${Math.max(...windows)}`);
  if (!Array.isArray(faults) || faults.length < 2 || !faults.every((f): f is number => Number.isInteger(f) && f >= 1) || new Set(faults).size !== faults.length) {
    throw refuse('needs faults: the classes as distinct IDV numbers');
  }
  const input = model.inputs.find((v) => v.name === TEP_IDENTIFIER_INPUT);
  const width = (1 + 2 * windows.length) * tags.length;
  if (input?.shape?.length !== 2 || input.shape[1] !== width) {
    throw refuse(`names ${tags.length} tags and ${windows.length} windows but input '${TEP_IDENTIFIER_INPUT}' is not [N, ${width}]`);
  }
  const output = model.outputs.find((v) => v.name === MLP_PROBABILITIES);
  if (output?.shape?.length !== 2 || output.shape[1] !== faults.length) {
    throw refuse(`names ${faults.length} faults but output '${MLP_PROBABILITIES}' is not [N, ${faults.length}]`);
  }
  return { tags, standardiser, windows, stdOffset, featureKinds: [...TEP_IDENTIFIER_FEATURE_KINDS], historyRows, faults };
}

export interface TepIdentification {
  /** Row-major, one value per class (the preprocessing's `faults` order) per row. */
  probabilities: Float32Array;
  /** The most probable fault per row, as an IDV number. */
  faults: number[];
}

/** Identifies every row of one run (observations in time order, tags in the preprocessing's order) with a loaded identifier model. */
export async function identifyTepRunOnnx(session: ort.InferenceSession, p: TepIdentifierPreprocessing, observations: readonly (readonly number[])[]): Promise<TepIdentification> {
  const tagCount = p.tags.length;
  const bad = observations.findIndex((o) => o.length !== tagCount);
  if (bad >= 0) throw new InvalidInputError(`observation ${bad} has ${observations[bad].length} values; the model takes ${tagCount} tags`);
  const features = tepIdentifierFeatures(p, observations);
  const width = tepIdentifierFeatureCount(p, tagCount);
  const out = await session.run({ [TEP_IDENTIFIER_INPUT]: new ort.Tensor('float32', features, [observations.length, width]) }, [MLP_PROBABILITIES, MLP_LABEL]);
  const labels = out[MLP_LABEL].data as BigInt64Array;
  return { probabilities: out[MLP_PROBABILITIES].data as Float32Array, faults: Array.from(labels, (l) => p.faults[Number(l)]) };
}

/**
 * Largest absolute difference between the float32 ONNX probabilities and the float64 TypeScript ones: both see the same
 * float32 features, so the differences are float32 rounding in the Gemm sums and the softmax (≈ 1e-7 in practice).
 */
export const TEP_IDENTIFIER_ONNX_TOLERANCE = 1e-5;

export interface TepIdentifierOnnxAgreement {
  rows: number;
  maxAbsoluteDifference: number;
  /** Rows whose ONNX label differs from the TypeScript argmax (only possible on near-ties). */
  labelsDiffering: number;
}

/** Compares a loaded identifier model, driven by its own metadata only, with `tepIdentifierProbabilities` of the model it was exported from. */
export async function tepIdentifierOnnxAgreement(
  model: TrainedTepIdentifier,
  loaded: LoadedOnnxModel,
  observations: readonly (readonly number[])[],
): Promise<TepIdentifierOnnxAgreement> {
  const p = tepIdentifierPreprocessingFromModel(loaded.metadata);
  const onnx = await identifyTepRunOnnx(loaded.session, p, observations);
  const ts = tepIdentifierProbabilities(model, observations);
  let worst = 0;
  ts.probabilities.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - onnx.probabilities[i]))));
  return {
    rows: observations.length,
    maxAbsoluteDifference: worst,
    labelsDiffering: onnx.faults.filter((f, r) => f !== model.faults[ts.labels[r]]).length,
  };
}
