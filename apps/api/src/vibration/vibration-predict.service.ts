import * as fs from 'node:fs';
import { Injectable } from '@nestjs/common';
import type { InferenceSession } from 'onnxruntime-node';
import { DependencyUnavailableError, InvalidInputError } from '@him/contracts';
import {
  cutWindows,
  DEFAULT_WINDOW_SECONDS,
  estimateSamplingRateHz,
  loadOnnxModel,
  predictWindows,
  MAX_MODEL_BYTES,
  MODEL_SIGNATURES,
  VIBRATION_CLASSES,
  VIBRATION_CLASS_COUNT,
  VIBRATION_CLASSIFIER_NAME,
  windowFeatures,
} from '@him/ml';
import { ModelRegistryService } from '../models/model-registry.service';
import type { VibrationPredictDto, VibrationPredictionResponseDto } from './vibration-predict.dto';

interface ServedModel {
  session: InferenceSession;
  version: string;
  windowSeconds: number;
}

/** Synchronous inference for ML engineers: one signal in, the fault type per window and overall. */
@Injectable()
export class VibrationPredictService {
  /** Sessions by registry id: a promotion or rollback is picked up by the next request, without a restart. */
  private readonly sessions = new Map<number, Promise<ServedModel>>();

  constructor(private readonly registry: ModelRegistryService) {}

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
  }

  /** The active classifier, loaded into ONNX Runtime on first use of that version. */
  private async served(): Promise<ServedModel> {
    const active = await this.registry.active(VIBRATION_CLASSIFIER_NAME);
    if (!active) throw new DependencyUnavailableError(`no active ${VIBRATION_CLASSIFIER_NAME}: promote a version first`);
    let served = this.sessions.get(active.id);
    if (!served) {
      const { inputs, outputs } = MODEL_SIGNATURES[VIBRATION_CLASSIFIER_NAME];
      served = loadOnnxModel(fs.readFileSync(active.filePath), { maxBytes: MAX_MODEL_BYTES, expectInputs: inputs, expectOutputs: outputs }).then(({ session, metadata }) => ({
        session,
        version: `${active.name}@${active.version}`,
        // The window the model was trained on travels in its metadata; uploads without it use 1 s.
        windowSeconds: Number(metadata.properties.window_seconds ?? DEFAULT_WINDOW_SECONDS),
      }));
      served.catch(() => this.sessions.delete(active.id));
      this.sessions.set(active.id, served);
    }
    return served;
  }
}
