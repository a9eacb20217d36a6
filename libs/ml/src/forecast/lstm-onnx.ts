import * as ort from 'onnxruntime-node';
import { AI_ONNX, AI_ONNX_OPSET, attr, BATCH_DIM, ElemType, encodeModel, floatTensor, int64Tensor, node, tensorValue, type ModelIdentity } from '../onnx/graph';
import type { ModelSignature } from '../model-signatures';
import { checkLstmPredictor, lstmTensors, type LstmPredictFn, type LstmPredictor } from './lstm';

/** Tensor names every LSTM predictor built here uses (the loader's expectations and callers rely on them). */
export const LSTM_INPUT = 'sequences';
export const LSTM_FAULT_PROBABILITY = 'fault_probability';
export const LSTM_PREDICTED_VALUE = 'predicted_value';

/** What a caller feeds and reads: [N, steps, inputSize] → [N, 1] and [N, horizon], all float32. */
export function lstmPredictorSignature(model: Pick<LstmPredictor, 'steps' | 'inputSize' | 'horizon'>): ModelSignature {
  return {
    inputs: [{ name: LSTM_INPUT, shape: [null, model.steps, model.inputSize], type: 'float32' }],
    outputs: [
      { name: LSTM_FAULT_PROBABILITY, shape: [null, 1], type: 'float32' },
      { name: LSTM_PREDICTED_VALUE, shape: [null, model.horizon], type: 'float32' },
    ],
  };
}

/**
 * The predictor as ONNX (ai.onnx opset 13): Sub/Div standardisation, Transpose to time-major, the standard LSTM
 * operator, Gemm heads on the last hidden state; Sigmoid gives `fault_probability` [N, 1], and the forecast head's
 * change (in standard deviations) times the target's std plus its last observed value gives `predicted_value` [N, horizon].
 */
export function lstmPredictorOnnx(model: LstmPredictor, identity: ModelIdentity): Uint8Array {
  checkLstmPredictor(model);
  const { inputSize, hiddenSize, horizon, steps, targetIndex } = model;
  const t = lstmTensors(model, model.params);
  const gates = 4 * hiddenSize;
  // ONNX adds two bias vectors (Wb, Rb); one carries ours, the other is zero.
  const bias = new Float32Array(2 * gates);
  bias.set(t.b);
  const initializers = [
    floatTensor('input_mean', [inputSize], model.inputMean),
    floatTensor('input_std', [inputSize], model.inputStd),
    floatTensor('W', [1, gates, inputSize], t.w),
    floatTensor('R', [1, gates, hiddenSize], t.r),
    floatTensor('B', [1, 2 * gates], bias),
    floatTensor('fault_W', [1, hiddenSize], t.faultW),
    floatTensor('fault_B', [1], t.faultB),
    floatTensor('forecast_W', [horizon, hiddenSize], t.forecastW),
    floatTensor('forecast_B', [horizon], t.forecastB),
    floatTensor('target_std', [1], model.inputStd.subarray(targetIndex, targetIndex + 1)),
    int64Tensor('last_step', [], [steps - 1]),
    int64Tensor('target_index', [1], [targetIndex]),
  ];
  const nodes = [
    node('Sub', [LSTM_INPUT, 'input_mean'], ['centred']),
    node('Div', ['centred', 'input_std'], ['standardised']),
    node('Transpose', ['standardised'], ['time_major'], [attr.ints('perm', [1, 0, 2])]),
    // Only Y_h (the last hidden state, [1, N, hidden]) is wanted; the empty name skips the full sequence Y.
    node('LSTM', ['time_major', 'W', 'R', 'B'], ['', 'last_hidden_3d'], [attr.int('hidden_size', hiddenSize)]),
    node('Flatten', ['last_hidden_3d'], ['last_hidden'], [attr.int('axis', 2)]),
    node('Gemm', ['last_hidden', 'fault_W', 'fault_B'], ['fault_logit'], [attr.int('transB', 1)]),
    node('Sigmoid', ['fault_logit'], [LSTM_FAULT_PROBABILITY]),
    node('Gemm', ['last_hidden', 'forecast_W', 'forecast_B'], ['forecast_change'], [attr.int('transB', 1)]),
    node('Mul', ['forecast_change', 'target_std'], ['change']),
    node('Gather', [LSTM_INPUT, 'last_step'], ['last_observation'], [attr.int('axis', 1)]),
    node('Gather', ['last_observation', 'target_index'], ['last_value'], [attr.int('axis', 1)]),
    node('Add', ['last_value', 'change'], [LSTM_PREDICTED_VALUE]),
  ];
  return encodeModel({
    identity,
    opsets: [{ domain: AI_ONNX, version: AI_ONNX_OPSET }],
    inputs: [tensorValue(LSTM_INPUT, ElemType.FLOAT, [BATCH_DIM, steps, inputSize])],
    outputs: [tensorValue(LSTM_FAULT_PROBABILITY, ElemType.FLOAT, [BATCH_DIM, 1]), tensorValue(LSTM_PREDICTED_VALUE, ElemType.FLOAT, [BATCH_DIM, horizon])],
    initializers,
    nodes,
  });
}

/** Runs an exported predictor in batches (ORT's per-call overhead dominates one sequence at a time). */
export function lstmOnnxPredict(session: ort.InferenceSession, model: Pick<LstmPredictor, 'steps' | 'inputSize' | 'horizon'>, batchRows = 1024): LstmPredictFn {
  const width = model.steps * model.inputSize;
  return async (sequences) => {
    const count = sequences.length / width;
    const faultProbability = new Float64Array(count);
    const predictedValue = new Float64Array(count * model.horizon);
    for (let start = 0; start < count; start += batchRows) {
      const rows = Math.min(batchRows, count - start);
      const input = new ort.Tensor('float32', sequences.subarray(start * width, (start + rows) * width), [rows, model.steps, model.inputSize]);
      const out = await session.run({ [LSTM_INPUT]: input }, [LSTM_FAULT_PROBABILITY, LSTM_PREDICTED_VALUE]);
      faultProbability.set(out[LSTM_FAULT_PROBABILITY].data as Float32Array, start);
      predictedValue.set(out[LSTM_PREDICTED_VALUE].data as Float32Array, start * model.horizon);
    }
    return { faultProbability, predictedValue };
  };
}
