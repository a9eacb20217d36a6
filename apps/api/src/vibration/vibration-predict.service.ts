import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import type { InferenceSession } from 'onnxruntime-node';
import { REPO_ROOT } from '@him/config';
import { InvalidInputError } from '@him/contracts';
import {
  cutWindows,
  estimateSamplingRateHz,
  loadOnnxModel,
  predictWindows,
  VIBRATION_CLASSES,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSIFIER_INPUT,
  VIBRATION_CLASSIFIER_NAME,
  VIBRATION_FEATURE_COUNT,
  vibrationFeatures,
} from '@him/ml';
import type { VibrationPredictDto, VibrationPredictionResponseDto } from './vibration-predict.dto';

/** Until the model registry exists, the classifier served is the newest version shipped in data/models. */
const SHIPPED_MODELS = path.join(REPO_ROOT, 'data', 'models', VIBRATION_CLASSIFIER_NAME);
const MAX_MODEL_BYTES = 50 * 1024 * 1024;

interface ServedModel {
  session: InferenceSession;
  version: string;
  windowSeconds: number;
}

/** Synchronous inference for ML engineers: one signal in, the fault type per window and overall. */
@Injectable()
export class VibrationPredictService {
  private model?: Promise<ServedModel>;

  async predict(dto: VibrationPredictDto): Promise<VibrationPredictionResponseDto> {
    if (dto.time && dto.time.length !== dto.value.length) {
      throw new InvalidInputError('time and value must have the same length', [{ field: 'time', message: `${dto.time.length} times for ${dto.value.length} values` }]);
    }
    if (dto.sampling_rate_hz === undefined && !dto.time) {
      throw new InvalidInputError('send sampling_rate_hz or time', [{ field: 'sampling_rate_hz', message: 'required when time is not sent' }]);
    }
    const rate = dto.sampling_rate_hz ?? estimateSamplingRateHz(dto.time!);
    const { session, version, windowSeconds } = await this.served();
    const windows = cutWindows(Float64Array.from(dto.value), rate, { durationSeconds: windowSeconds });
    if (windows.length === 0) {
      const needed = Math.ceil(windowSeconds * rate);
      throw new InvalidInputError(`too few samples: one window needs ${needed} (${windowSeconds} s at ${rate} Hz)`, [{ field: 'value', message: `at least ${needed} samples` }]);
    }
    const features = new Float32Array(windows.length * VIBRATION_FEATURE_COUNT);
    windows.forEach((w, i) => features.set(vibrationFeatures(w.samples, rate), i * VIBRATION_FEATURE_COUNT));
    const { probabilities, labels } = await predictWindows(session, features);

    const mean = Array.from({ length: VIBRATION_CLASS_COUNT }, (_, k) => windows.reduce((a, _w, i) => a + probabilities[i * VIBRATION_CLASS_COUNT + k], 0) / windows.length);
    const faultType = mean.indexOf(Math.max(...mean));
    return {
      fault_type: faultType,
      fault_name: VIBRATION_CLASSES[faultType],
      confidence: mean[faultType],
      probabilities: mean,
      model_version: version,
      sampling_rate_hz: rate,
      windows: windows.map((w, i) => ({
        start: w.startSeconds,
        end: w.endSeconds,
        fault_type: labels[i],
        confidence: probabilities[i * VIBRATION_CLASS_COUNT + labels[i]],
      })),
    };
  }

  /** Loaded once, on first use (the API starts without waiting for ONNX Runtime). */
  private served(): Promise<ServedModel> {
    this.model ??= (async () => {
      const versions = fs
        .readdirSync(SHIPPED_MODELS)
        .map((f) => /^v(\d+)\.onnx$/.exec(f)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number)
        .sort((a, b) => b - a);
      if (versions.length === 0) throw new Error(`no classifier in ${SHIPPED_MODELS}`);
      const meta = JSON.parse(fs.readFileSync(path.join(SHIPPED_MODELS, `v${versions[0]}.json`), 'utf8')) as { window_seconds: number };
      const { session } = await loadOnnxModel(fs.readFileSync(path.join(SHIPPED_MODELS, `v${versions[0]}.onnx`)), {
        maxBytes: MAX_MODEL_BYTES,
        expectInputs: [{ name: VIBRATION_CLASSIFIER_INPUT, shape: [null, VIBRATION_FEATURE_COUNT] }],
        expectOutputs: [{ name: 'probabilities', shape: [null, VIBRATION_CLASS_COUNT] }],
      });
      return { session, version: `${VIBRATION_CLASSIFIER_NAME}@${versions[0]}`, windowSeconds: meta.window_seconds };
    })();
    return this.model;
  }
}
