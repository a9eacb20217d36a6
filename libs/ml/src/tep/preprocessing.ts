// The part of a TEP model's preprocessing metadata that the detector (detector-onnx.ts) and the identifier
// (identifier-onnx.ts) share: JSON under one metadata key, naming the tags and standardising them against normal
// operation. Each model reads its own fields on top, refusing them the same way.
import { OnnxModelRejectedError, type OnnxModelMetadata } from '../onnx';
import type { Standardiser } from './standardise';

export interface TepPreprocessingMetadata {
  /** The parsed JSON object (an empty one when the JSON is not an object), for the model's own fields. */
  json: Record<string, unknown>;
  tags: string[];
  standardiser: Standardiser;
  /** A signature mismatch naming the metadata key: `metadata '<key>' <why>`. */
  refuse: (why: string) => OnnxModelRejectedError;
  /** `v` as one number per tag, each passing `ok`; refuses it, naming `label`, otherwise. */
  perTag: (label: string, v: unknown, ok: (x: number) => boolean) => number[];
}

/**
 * Parses the JSON under `key` and checks its tags and standardiser (finite means, finite stds > 0, one per tag).
 * Refuses, as a signature mismatch, metadata that is missing (`kind` names the model that should carry it), not JSON or
 * without those.
 */
export function tepPreprocessingMetadata(model: Pick<OnnxModelMetadata, 'properties'>, key: string, kind: string): TepPreprocessingMetadata {
  const refuse = (why: string) => new OnnxModelRejectedError('signature_mismatch', `metadata '${key}' ${why}`);
  const text = model.properties[key];
  if (text === undefined) throw refuse(`is missing: a ${kind} model carries its preprocessing there`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse('is not JSON');
  }
  const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const s = (typeof json.standardiser === 'object' && json.standardiser !== null ? json.standardiser : {}) as Record<string, unknown>;
  const tags = json.tags;
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === 'string')) throw refuse('needs tags: a list of tag names');
  const perTag = (label: string, v: unknown, ok: (x: number) => boolean): number[] => {
    if (!Array.isArray(v) || v.length !== tags.length || !v.every((x): x is number => typeof x === 'number' && ok(x))) {
      throw refuse(`needs ${label}: ${tags.length} values, one per tag`);
    }
    return v;
  };
  const mean = perTag('standardiser.mean (finite)', s.mean, Number.isFinite);
  const std = perTag('standardiser.std (finite, > 0)', s.std, (x) => Number.isFinite(x) && x > 0);
  return { json, tags, standardiser: { mean, std }, refuse, perTag };
}
