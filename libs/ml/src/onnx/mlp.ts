import { AI_ONNX, AI_ONNX_OPSET, attr, BATCH_DIM, ElemType, encodeModel, floatTensor, node, tensorValue, type ModelIdentity } from './graph';

/** A fully connected layer: `weights` is out×in, row-major (one row per output unit, as in Gemm with transB=1). */
export interface DenseLayer {
  weights: Float32Array;
  bias: Float32Array;
}

export interface MlpShape {
  featureCount: number;
  classes: number;
  /** Per-feature mean and standard deviation: the model computes (x − mean) / std before the first layer. */
  inputMean?: Float32Array;
  inputStd?: Float32Array;
}

export interface MlpClassifierOptions extends MlpShape, Partial<ModelIdentity> {
  inputName: string;
}

/** Output names of every classifier built here (the API and the loader's expectations rely on them). */
export const MLP_PROBABILITIES = 'probabilities';
export const MLP_LABEL = 'label';

/** Checks that the layers chain from `featureCount` inputs to `classes` outputs; returns each layer's [out, in]. */
export function checkMlp(layers: readonly DenseLayer[], shape: MlpShape): [number, number][] {
  if (layers.length === 0) throw new RangeError('an MLP needs at least one layer');
  for (const [label, v] of [
    ['inputMean', shape.inputMean],
    ['inputStd', shape.inputStd],
  ] as const) {
    if (v && v.length !== shape.featureCount) throw new RangeError(`${label} has ${v.length} values for ${shape.featureCount} features`);
  }
  // A zero or non-finite std would turn a feature into Inf/NaN for every row.
  if (shape.inputStd?.some((s) => !(s > 0) || !Number.isFinite(s))) throw new RangeError('inputStd must be finite and > 0');
  let width = shape.featureCount;
  const dims = layers.map((layer, i): [number, number] => {
    const out = layer.bias.length;
    if (out === 0 || layer.weights.length !== out * width) {
      throw new RangeError(`layer ${i}: expected ${out}×${width} weights for ${width} inputs and ${out} biases, got ${layer.weights.length}`);
    }
    const dim: [number, number] = [out, width];
    width = out;
    return dim;
  });
  if (width !== shape.classes) throw new RangeError(`the last layer has ${width} outputs for ${shape.classes} classes`);
  return dims;
}

/**
 * An MLP classifier as ONNX (ai.onnx opset 13): optional standardisation, Gemm+Relu per hidden layer, a last Gemm and
 * Softmax. Outputs `probabilities` [N, classes] (float) and `label` [N] (int64, the most probable class).
 */
export function mlpClassifier(layers: readonly DenseLayer[], opts: MlpClassifierOptions): Uint8Array {
  const dims = checkMlp(layers, opts);
  const initializers = [];
  const nodes = [];
  let current = opts.inputName;
  if (opts.inputMean) {
    initializers.push(floatTensor('input_mean', [opts.featureCount], opts.inputMean));
    nodes.push(node('Sub', [current, 'input_mean'], ['centred']));
    current = 'centred';
  }
  if (opts.inputStd) {
    initializers.push(floatTensor('input_std', [opts.featureCount], opts.inputStd));
    nodes.push(node('Div', [current, 'input_std'], ['standardised']));
    current = 'standardised';
  }
  layers.forEach((layer, i) => {
    const last = i === layers.length - 1;
    initializers.push(floatTensor(`W${i}`, dims[i], layer.weights), floatTensor(`B${i}`, [dims[i][0]], layer.bias));
    const gemm = last ? 'logits' : `dense${i}`;
    nodes.push(node('Gemm', [current, `W${i}`, `B${i}`], [gemm], [attr.int('transB', 1)]));
    current = gemm;
    if (!last) {
      nodes.push(node('Relu', [gemm], [`relu${i}`]));
      current = `relu${i}`;
    }
  });
  nodes.push(node('Softmax', [current], [MLP_PROBABILITIES], [attr.int('axis', 1)]));
  nodes.push(node('ArgMax', [MLP_PROBABILITIES], [MLP_LABEL], [attr.int('axis', 1), attr.int('keepdims', 0)]));
  return encodeModel({
    identity: { name: opts.name ?? 'mlp-classifier', version: opts.version ?? 1, metadata: opts.metadata },
    opsets: [{ domain: AI_ONNX, version: AI_ONNX_OPSET }],
    inputs: [tensorValue(opts.inputName, ElemType.FLOAT, [BATCH_DIM, opts.featureCount])],
    outputs: [tensorValue(MLP_PROBABILITIES, ElemType.FLOAT, [BATCH_DIM, opts.classes]), tensorValue(MLP_LABEL, ElemType.INT64, [BATCH_DIM])],
    initializers,
    nodes,
  });
}

export interface MlpPrediction {
  /** rows × classes, row-major. */
  probabilities: Float64Array;
  /** The most probable class per row (the first one on ties, as ONNX ArgMax). */
  labels: Int32Array;
}

/** The same MLP in TypeScript (float64 arithmetic) over `rows`: row-major, `featureCount` values per row. */
export function mlpForward(layers: readonly DenseLayer[], shape: MlpShape, rows: Float32Array): MlpPrediction {
  const dims = checkMlp(layers, shape);
  const { featureCount, classes, inputMean, inputStd } = shape;
  if (rows.length % featureCount !== 0) throw new RangeError(`${rows.length} values is not a whole number of ${featureCount}-feature rows`);
  const n = rows.length / featureCount;
  const probabilities = new Float64Array(n * classes);
  const labels = new Int32Array(n);
  const widest = Math.max(featureCount, ...dims.map(([out]) => out));
  let activations = new Float64Array(widest);
  let next = new Float64Array(widest);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < featureCount; f++) {
      activations[f] = (rows[r * featureCount + f] - (inputMean?.[f] ?? 0)) / (inputStd?.[f] ?? 1);
    }
    layers.forEach((layer, i) => {
      const [out, width] = dims[i];
      for (let o = 0; o < out; o++) {
        let sum = layer.bias[o];
        for (let k = 0; k < width; k++) sum += layer.weights[o * width + k] * activations[k];
        next[o] = i < layers.length - 1 ? Math.max(0, sum) : sum;
      }
      [activations, next] = [next, activations];
    });
    // Softmax shifted by the maximum logit so exp() cannot overflow.
    let max = -Infinity;
    let best = 0;
    for (let c = 0; c < classes; c++) {
      if (activations[c] > max) {
        max = activations[c];
        best = c;
      }
    }
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(activations[c] - max);
    for (let c = 0; c < classes; c++) probabilities[r * classes + c] = Math.exp(activations[c] - max) / total;
    labels[r] = best;
  }
  return { probabilities, labels };
}
