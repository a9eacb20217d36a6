import type { InferenceSession } from 'onnxruntime-node';
import { FORMATS } from '@him/ingest';
import { featureDistributionFromModel } from './drift';
import { TEP_LSTM_NAME, tepLstmSignature } from './forecast/tep-lstm';
import { loadOnnxModel, OnnxModelRejectedError, type LoadedOnnxModel, type OnnxModelMetadata, type TensorSignature } from './onnx/loader';
import { MLP_PROBABILITIES } from './onnx/mlp';
import { TEP_DETECTOR_NAME, tepDetectorSignature } from './tep/detector-onnx';
import { TEP_IDENTIFIER_NAME } from './tep/identifier';
import { tepIdentifierSignature } from './tep/identifier-onnx';
import { VIBRATION_CLASS_COUNT, VIBRATION_CLASSIFIER_INPUT, VIBRATION_CLASSIFIER_NAME, vibrationClassifierWindowSeconds } from './vibration/classifier';
import { VIBRATION_FEATURE_COUNT } from './vibration/features';

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** What serving needs beyond tensors (e.g. preprocessing in the metadata); throws OnnxModelRejectedError. */
  checkMetadata?: (metadata: OnnxModelMetadata) => void;
  /** Values per row the sweep counts for drift (features, or tags): a training distribution in the metadata must have as many. */
  driftFeatureCount?: number;
}

/** The models the platform serves, by registry name, and the tensors it feeds and reads (null = any size). */
export const MODEL_SIGNATURES: Record<string, ModelSignature> = {
  [VIBRATION_CLASSIFIER_NAME]: {
    // The sweep feeds and reads float32 (a model answering in strings or doubles would load, then fail every sweep).
    inputs: [{ name: VIBRATION_CLASSIFIER_INPUT, shape: [null, VIBRATION_FEATURE_COUNT], type: 'float32' }],
    outputs: [{ name: MLP_PROBABILITIES, shape: [null, VIBRATION_CLASS_COUNT], type: 'float32' }],
    checkMetadata: (metadata) => void vibrationClassifierWindowSeconds(metadata),
    driftFeatureCount: VIBRATION_FEATURE_COUNT,
  },
  // The detector's drift is counted over the observation's tags.
  [TEP_DETECTOR_NAME]: { ...tepDetectorSignature(), driftFeatureCount: FORMATS.tep.columns.length },
  [TEP_LSTM_NAME]: tepLstmSignature(),
  [TEP_IDENTIFIER_NAME]: tepIdentifierSignature(),
};

/** Largest ONNX file the registry takes. */
export const MAX_MODEL_BYTES = 50 * 1024 * 1024;

/**
 * Loads a model the way the platform serves it: size, a real ONNX file without external data, the inputs and outputs
 * of its registry name, the metadata serving reads, loadable by ONNX Runtime. Refusals are OnnxModelRejectedError.
 */
export async function loadServableModel(name: string, bytes: Uint8Array, sessionOptions?: InferenceSession.SessionOptions): Promise<LoadedOnnxModel> {
  const signature = MODEL_SIGNATURES[name];
  if (!signature) throw new RangeError(`no model named '${name}' is served`);
  const model = await loadOnnxModel(bytes, { maxBytes: MAX_MODEL_BYTES, expectInputs: signature.inputs, expectOutputs: signature.outputs, sessionOptions });
  try {
    signature.checkMetadata?.(model.metadata);
    checkDriftDistribution(signature, model.metadata);
  } catch (err) {
    await model.session.release();
    throw err;
  }
  return model;
}

/** A training distribution in the metadata must be well formed and as wide as the rows the sweep counts into it. */
function checkDriftDistribution(signature: ModelSignature, metadata: OnnxModelMetadata): void {
  const distribution = featureDistributionFromModel(metadata);
  if (distribution && signature.driftFeatureCount !== undefined && distribution.features.length !== signature.driftFeatureCount) {
    throw new OnnxModelRejectedError(
      'signature_mismatch',
      `metadata 'feature_distribution' has ${distribution.features.length} features; the sweep counts ${signature.driftFeatureCount}`,
    );
  }
}
