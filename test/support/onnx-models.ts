// Small ONNX classifiers for the registry tests, built with the project's own ONNX builders.
import {
  AI_ONNX,
  AI_ONNX_OPSET,
  attr,
  BATCH_DIM,
  ElemType,
  encodeModel,
  floatTensor,
  int64Tensor,
  MLP_PROBABILITIES,
  mlpClassifier,
  node,
  tensorValue,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSIFIER_INPUT,
  VIBRATION_CLASSIFIER_NAME,
  VIBRATION_FEATURE_COUNT,
} from '@him/ml';

/** A classifier whose probabilities never depend on its input: the bias picks `fault`; `seed` makes files that differ. */
export function constantModel(fault: number, opts: { seed?: number; metadata?: Record<string, string> } = {}): Uint8Array {
  const bias = new Float32Array(VIBRATION_CLASS_COUNT);
  bias[fault] = 5 + (opts.seed ?? 0);
  return mlpClassifier([{ weights: new Float32Array(VIBRATION_CLASS_COUNT * VIBRATION_FEATURE_COUNT), bias }], {
    inputName: VIBRATION_CLASSIFIER_INPUT,
    featureCount: VIBRATION_FEATURE_COUNT,
    classes: VIBRATION_CLASS_COUNT,
    metadata: opts.metadata,
  });
}

/**
 * A 1 kB classifier with the right inputs and outputs that makes ONNX Runtime allocate `floats` × 4 bytes while it
 * loads: ConstantOfShape of a constant shape is folded into a tensor when the session is created (three times the
 * tensor at the peak), and its sum, 0, is added to the logits so the node is not dropped as unused.
 */
export function memoryBombModel(floats: number): Uint8Array {
  const f = VIBRATION_FEATURE_COUNT;
  return encodeModel({
    identity: { name: VIBRATION_CLASSIFIER_NAME, version: 0 },
    opsets: [{ domain: AI_ONNX, version: AI_ONNX_OPSET }],
    inputs: [tensorValue(VIBRATION_CLASSIFIER_INPUT, ElemType.FLOAT, [BATCH_DIM, f])],
    outputs: [tensorValue(MLP_PROBABILITIES, ElemType.FLOAT, [BATCH_DIM, VIBRATION_CLASS_COUNT])],
    initializers: [
      floatTensor('W', [VIBRATION_CLASS_COUNT, f], new Float32Array(VIBRATION_CLASS_COUNT * f)),
      floatTensor('B', [VIBRATION_CLASS_COUNT], new Float32Array(VIBRATION_CLASS_COUNT)),
      int64Tensor('huge_shape', [1], [floats]),
    ],
    nodes: [
      node('ConstantOfShape', ['huge_shape'], ['huge']),
      node('ReduceSum', ['huge'], ['huge_sum'], [attr.int('keepdims', 0)]),
      node('Gemm', [VIBRATION_CLASSIFIER_INPUT, 'W', 'B'], ['linear'], [attr.int('transB', 1)]),
      node('Add', ['linear', 'huge_sum'], ['logits']),
      node('Softmax', ['logits'], [MLP_PROBABILITIES], [attr.int('axis', 1)]),
    ],
  });
}
