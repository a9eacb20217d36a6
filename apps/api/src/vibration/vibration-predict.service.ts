import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '@him/contracts';
import {
  cutWindows,
  estimateSamplingRateHz,
  predictWindows,
  VIBRATION_CLASSES,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSIFIER_NAME,
  vibrationClassifierWindowSeconds,
  windowFeatures,
} from '@him/ml';
import { ServedModels } from '@him/registry';
import type { VibrationPredictDto, VibrationPredictionResponseDto } from './vibration-predict.dto';

/**
 * Synchronous inference for ML engineers: one signal in, the fault type per window and overall. It runs in the API
 * process, deliberately: the classifier is an 8 kB MLP that answers in milliseconds, the caller waits for the answer,
 * and a round trip through a worker would add a queue and Temporal to every call. It is bounded: at most
 * MAX_PREDICT_SAMPLES per request, a window length checked when the version was registered, and only registered
 * versions are loaded here — through libs/registry's ServedModels, as the workers load them — while an uploaded
 * file is loaded only by the registry's check in a child process with its own memory and time limits.
 */
@Injectable()
export class VibrationPredictService {
  constructor(private readonly models: ServedModels) {}

  async predict(dto: VibrationPredictDto): Promise<VibrationPredictionResponseDto> {
    if (dto.time && dto.time.length !== dto.value.length) {
      throw new InvalidInputError('time and value must have the same length', [{ field: 'time', message: `${dto.time.length} times for ${dto.value.length} values` }]);
    }
    if (dto.sampling_rate_hz === undefined && !dto.time) {
      throw new InvalidInputError('send sampling_rate_hz or time', [{ field: 'sampling_rate_hz', message: 'required when time is not sent' }]);
    }
    const rate = dto.sampling_rate_hz ?? estimateSamplingRateHz(dto.time!);
    return this.models.withActive(VIBRATION_CLASSIFIER_NAME, async ({ session, version, metadata }) => {
      // The window the model was trained on travels in its metadata (checked when it was registered).
      const windowSeconds = vibrationClassifierWindowSeconds(metadata);
      const windows = cutWindows(Float64Array.from(dto.value), rate, { durationSeconds: windowSeconds });
      if (windows.length === 0) {
        const needed = Math.ceil(windowSeconds * rate);
        throw new InvalidInputError(`too few samples: one window needs ${needed} (${windowSeconds} s at ${rate} Hz)`, [{ field: 'value', message: `at least ${needed} samples` }]);
      }
      const { probabilities, labels } = await predictWindows(session, windowFeatures(windows, rate));

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
    });
  }
}
