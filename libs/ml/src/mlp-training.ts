// The softmax MLP trainer of the vibration classifier (vibration/classifier.ts) and the TEP fault identifier
// (tep/identifier.ts): Adam on mini-batches, softmax cross-entropy, L2 weight decay and optional inverted dropout, in
// plain typed-array loops (the models are tiny). A seeded initialisation, shuffle and dropout make the same data and
// settings give the same weights, bit for bit — and so byte-identical ONNX files.
import type { DenseLayer } from './onnx';
import { seededRandom } from './random';
import type { TrainingProgress } from './training';

/** Labelled feature rows: `count` rows of `featureCount` raw (unstandardised) features, row-major. */
export interface SoftmaxMlpTrainingData {
  features: Float32Array;
  /** Class of each row, 0 … classes − 1. */
  labels: Uint8Array;
  count: number;
  featureCount: number;
  classes: number;
}

export interface SoftmaxMlpTrainingSettings {
  hiddenUnits: readonly number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  weightDecay: number;
  /** Share of hidden units dropped in each training row (inverted dropout: nothing changes at inference). 0 by default: no unit dropped, no random draw. */
  dropout?: number;
  /** Seeds the initialisation, the shuffles and the dropout. */
  seed: number;
}

export interface TrainedSoftmaxMlp {
  layers: DenseLayer[];
  /** Standardisation of the features (the training rows' own statistics), to fold into the ONNX graph as Sub/Div. */
  inputMean: Float32Array;
  inputStd: Float32Array;
  /** Mean cross-entropy over the training rows after each epoch (with dropout active). */
  lossByEpoch: number[];
}

/** Features whose spread is below this (constant in the training data) are left unscaled rather than blown up. */
const MIN_STD = 1e-6;

/** Per-feature mean and (population) standard deviation of `count` rows of `featureCount` features, row-major. */
export function columnStandardisation(features: Float32Array, count: number, featureCount: number): { inputMean: Float32Array; inputStd: Float32Array } {
  const f = featureCount;
  const sum = new Float64Array(f);
  const sumSquares = new Float64Array(f);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < f; k++) sum[k] += features[r * f + k];
  }
  const inputMean = Float32Array.from(sum, (s) => s / count);
  for (let r = 0; r < count; r++) {
    for (let k = 0; k < f; k++) sumSquares[k] += (features[r * f + k] - inputMean[k]) ** 2;
  }
  const inputStd = Float32Array.from(sumSquares, (s) => {
    const std = Math.sqrt(s / count);
    return std > MIN_STD ? std : 1;
  });
  return { inputMean, inputStd };
}

/**
 * Trains a softmax MLP (ReLU hidden layers) on `data`, standardised with its own statistics. A generator: it pauses
 * after every batch and epoch, so a retrain activity can heartbeat and yield the event loop there (runToEnd runs it
 * straight through). The random draws come in a fixed order: the initialisation, then per epoch the shuffle, then
 * per row a draw for each active hidden unit when dropout > 0.
 */
export function* softmaxMlpTraining(data: SoftmaxMlpTrainingData, settings: SoftmaxMlpTrainingSettings): Generator<TrainingProgress, TrainedSoftmaxMlp> {
  const { hiddenUnits, epochs, batchSize, learningRate, weightDecay } = settings;
  const random = seededRandom(settings.seed);
  const { featureCount: f, classes, count: n, labels } = data;
  const { inputMean, inputStd } = columnStandardisation(data.features, n, f);
  const x = new Float64Array(n * f);
  for (let r = 0; r < n; r++) for (let k = 0; k < f; k++) x[r * f + k] = (data.features[r * f + k] - inputMean[k]) / inputStd[k];

  const widths = [f, ...hiddenUnits, classes];
  const depth = widths.length - 1;
  // He initialisation (uniform with the same variance) suits ReLU layers.
  const weights = Array.from({ length: depth }, (_, l) => {
    const limit = Math.sqrt(6 / widths[l]);
    return Float64Array.from({ length: widths[l + 1] * widths[l] }, () => (2 * random() - 1) * limit);
  });
  const biases = Array.from({ length: depth }, (_, l) => new Float64Array(widths[l + 1]));
  const params = [...weights, ...biases];
  const grads = params.map((p) => new Float64Array(p.length));
  const adamM = params.map((p) => new Float64Array(p.length));
  const adamV = params.map((p) => new Float64Array(p.length));
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const keep = 1 - (settings.dropout ?? 0);
  let step = 0;

  // Activations and their gradients for one row at a time: a batch accumulates into `grads`.
  const activations = widths.map((w) => new Float64Array(w));
  const deltas = widths.map((w) => new Float64Array(w));
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const batches = Math.ceil(n / batchSize);
  const lossByEpoch: number[] = [];

  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher–Yates with the seeded generator.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let epochLoss = 0;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      for (const g of grads) g.fill(0);
      for (let b = start; b < end; b++) {
        const row = order[b];
        activations[0].set(x.subarray(row * f, row * f + f));
        for (let l = 0; l < depth; l++) {
          const inW = widths[l];
          const w = weights[l];
          const bias = biases[l];
          const input = activations[l];
          const output = activations[l + 1];
          const hidden = l < depth - 1;
          for (let q = 0; q < widths[l + 1]; q++) {
            let s = bias[q];
            const at = q * inW;
            for (let k = 0; k < inW; k++) s += w[at + k] * input[k];
            // ReLU, then dropout (a draw per active unit only when dropout > 0; s / 1 is s exactly). A dropped unit
            // is 0 like an inactive ReLU, so the backward pass below stops at both alike.
            output[q] = hidden ? (s > 0 && (keep === 1 || random() < keep) ? s / keep : 0) : s;
          }
        }
        const logits = activations[depth];
        let max = -Infinity;
        for (const v of logits) if (v > max) max = v;
        let total = 0;
        for (let c = 0; c < classes; c++) total += Math.exp(logits[c] - max);
        const label = labels[row];
        epochLoss += Math.log(total) + max - logits[label];
        // ∂(cross-entropy)/∂logit = softmax − one-hot.
        for (let c = 0; c < classes; c++) deltas[depth][c] = Math.exp(logits[c] - max) / total - (c === label ? 1 : 0);
        for (let l = depth - 1; l >= 0; l--) {
          const inW = widths[l];
          const w = weights[l];
          const input = activations[l];
          const delta = deltas[l + 1];
          const gw = grads[l];
          const gb = grads[depth + l];
          const back = deltas[l];
          back.fill(0);
          for (let q = 0; q < widths[l + 1]; q++) {
            const d = delta[q];
            if (d === 0) continue;
            gb[q] += d;
            const at = q * inW;
            if (l > 0) {
              for (let k = 0; k < inW; k++) {
                gw[at + k] += d * input[k];
                back[k] += d * w[at + k];
              }
            } else {
              // Nothing flows back into the input.
              for (let k = 0; k < inW; k++) gw[at + k] += d * input[k];
            }
          }
          // Through the ReLU (and dropout) of the layer below: ∂(s/keep)/∂s = 1/keep where the unit was kept.
          if (l > 0) for (let k = 0; k < inW; k++) back[k] = input[k] === 0 ? 0 : back[k] / keep;
        }
      }
      const rows = end - start;
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      params.forEach((p, i) => {
        const g = grads[i];
        const m = adamM[i];
        const v = adamV[i];
        const decay = i < depth ? weightDecay : 0;
        for (let k = 0; k < p.length; k++) {
          const gk = g[k] / rows + decay * p[k];
          m[k] = beta1 * m[k] + (1 - beta1) * gk;
          v[k] = beta2 * v[k] + (1 - beta2) * gk * gk;
          p[k] -= (learningRate * (m[k] / correction1)) / (Math.sqrt(v[k] / correction2) + epsilon);
        }
      });
      yield { epoch: epoch + 1, epochs, batch: start / batchSize + 1, batches };
    }
    lossByEpoch.push(epochLoss / n);
    yield { epoch: epoch + 1, epochs, loss: epochLoss / n };
  }
  const layers = weights.map((w, l) => ({ weights: Float32Array.from(w), bias: Float32Array.from(biases[l]) }));
  return { layers, inputMean, inputStd, lossByEpoch };
}
