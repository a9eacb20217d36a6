// Small ONNX classifiers for the registry tests, built with the project's own ONNX builders.
import { onnx } from 'onnx-proto';
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

/**
 * The hostile models of the bad-input corpus (test/fixtures/bad/onnx-*.onnx written by these builders; the corpus
 * spec checks the files still match them). Each keeps the inputs and outputs the platform feeds and reads, so
 * what makes it bad is the one thing its name says.
 */
export function hostileModelFiles(): Record<string, Uint8Array> {
  const f = VIBRATION_FEATURE_COUNT;
  const c = VIBRATION_CLASS_COUNT;
  const input = tensorValue(VIBRATION_CLASSIFIER_INPUT, ElemType.FLOAT, [BATCH_DIM, f]);
  const probabilities = tensorValue(MLP_PROBABILITIES, ElemType.FLOAT, [BATCH_DIM, c]);
  const weights = floatTensor('W', [c, f], new Float32Array(c * f));
  const bias = floatTensor('B', [c], new Float32Array(c));
  const gemm = node('Gemm', [VIBRATION_CLASSIFIER_INPUT, 'W', 'B'], ['logits'], [attr.int('transB', 1)]);
  const softmax = node('Softmax', ['logits'], [MLP_PROBABILITIES], [attr.int('axis', 1)]);
  const classifier = (opts: { opset?: number; weights?: onnx.ITensorProto; output?: onnx.IValueInfoProto; nodes?: onnx.INodeProto[] } = {}) =>
    encodeModel({
      identity: { name: VIBRATION_CLASSIFIER_NAME, version: 0 },
      opsets: [{ domain: AI_ONNX, version: opts.opset ?? AI_ONNX_OPSET }],
      inputs: [input],
      outputs: [opts.output ?? probabilities],
      initializers: [opts.weights ?? weights, bias],
      nodes: opts.nodes ?? [gemm, softmax],
    });
  const graph = onnx.GraphProto.encode({ name: VIBRATION_CLASSIFIER_NAME, input: [input], output: [probabilities], initializer: [weights, bias], node: [gemm, softmax] }).finish();
  return {
    // The weights claim 4 × 2^62 floats; the file holds 172 of them.
    'onnx-huge-dimension.onnx': classifier({ weights: { ...weights, dims: [c, 2 ** 62] } }),
    // The probabilities come out as text: a valid graph (Cast to STRING) that the sweep could not read.
    'onnx-string-output.onnx': classifier({
      output: tensorValue(MLP_PROBABILITIES, ElemType.STRING, [BATCH_DIM, c]),
      nodes: [gemm, node('Softmax', ['logits'], ['softmax'], [attr.int('axis', 1)]), node('Cast', ['softmax'], [MLP_PROBABILITIES], [attr.int('to', ElemType.STRING)])],
    }),
    // An ai.onnx opset no release has.
    'onnx-future-opset.onnx': classifier({ opset: 999 }),
    'onnx-empty.onnx': new Uint8Array(0),
    // A valid protobuf, but a GraphProto alone rather than the ModelProto around it.
    'onnx-graph-not-model.onnx': graph,
  };
}
