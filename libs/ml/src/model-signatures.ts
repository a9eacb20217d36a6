import type { OnnxModelMetadata, TensorSignature } from './onnx/loader';
import { TEP_LSTM_NAME, tepLstmSignature } from './forecast/tep-lstm';
import { MLP_PROBABILITIES } from './onnx/mlp';
import { TEP_DETECTOR_NAME, tepDetectorSignature } from './tep/detector-onnx';
import { VIBRATION_CLASS_COUNT, VIBRATION_CLASSIFIER_INPUT, VIBRATION_CLASSIFIER_NAME } from './vibration/classifier';
import { VIBRATION_FEATURE_COUNT } from './vibration/features';

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  /** What serving needs beyond tensors (e.g. preprocessing in the metadata); throws OnnxModelRejectedError. */
  checkMetadata?: (metadata: OnnxModelMetadata) => void;
}

/** The models the platform serves, by registry name, and the tensors it feeds and reads (null = any size). */
export const MODEL_SIGNATURES: Record<string, ModelSignature> = {
  [VIBRATION_CLASSIFIER_NAME]: {
    inputs: [{ name: VIBRATION_CLASSIFIER_INPUT, shape: [null, VIBRATION_FEATURE_COUNT] }],
    outputs: [{ name: MLP_PROBABILITIES, shape: [null, VIBRATION_CLASS_COUNT] }],
  },
  [TEP_DETECTOR_NAME]: tepDetectorSignature(),
  [TEP_LSTM_NAME]: tepLstmSignature(),
};

/** Largest ONNX file the registry takes. */
export const MAX_MODEL_BYTES = 50 * 1024 * 1024;
