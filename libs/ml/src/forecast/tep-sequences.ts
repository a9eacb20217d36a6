// Sequences for the TEP LSTM: every window of `steps` consecutive observations of a run, labelled faulty when its
// last observation is at or after the run's fault onset, with the target tag's next `horizon` values.
import { TEP_VARIABLES } from '@him/ingest';

export interface LabelledTepRun {
  /** 0 for normal operation, k for IDV(k). */
  fault: number;
  /** First faulty row (ignored when `fault` is 0). 0 in the Braatz training files dNN.dat, 160 in dNN_te.dat. */
  onset: number;
  observations: readonly (readonly number[])[];
}

export interface TepSequenceOptions {
  steps: number;
  horizon: number;
  targetIndex: number;
  /** Rows between the ends of consecutive sequences (1 = every window). */
  stride?: number;
}

export interface TepSequences {
  count: number;
  steps: number;
  horizon: number;
  /** count × steps × TEP_VARIABLES, raw engineering units (what the ONNX model takes). */
  sequences: Float32Array;
  labels: Uint8Array;
  /** count × horizon: the target tag at end+1 … end+horizon; NaN past the end of the run. */
  targets: Float64Array;
  /** Index (into the runs given) of each sequence's run, and the row of its last observation. */
  run: Uint32Array;
  end: Uint32Array;
}

export function tepSequences(runs: readonly LabelledTepRun[], options: TepSequenceOptions): TepSequences {
  const { steps, horizon, targetIndex } = options;
  const stride = options.stride ?? 1;
  if (!(steps >= 1 && horizon >= 1 && stride >= 1)) throw new RangeError('steps, horizon and stride must be at least 1');
  const ends = runs.map((r) => {
    const e: number[] = [];
    for (let end = steps - 1; end < r.observations.length; end += stride) e.push(end);
    return e;
  });
  const count = ends.reduce((n, e) => n + e.length, 0);
  const width = steps * TEP_VARIABLES;
  const out: TepSequences = {
    count,
    steps,
    horizon,
    sequences: new Float32Array(count * width),
    labels: new Uint8Array(count),
    targets: new Float64Array(count * horizon).fill(NaN),
    run: new Uint32Array(count),
    end: new Uint32Array(count),
  };
  let n = 0;
  runs.forEach((r, ri) => {
    for (const row of r.observations) {
      if (row.length !== TEP_VARIABLES) throw new RangeError(`run ${ri}: an observation has ${row.length} values, expected ${TEP_VARIABLES}`);
    }
    for (const end of ends[ri]) {
      for (let s = 0; s < steps; s++) out.sequences.set(r.observations[end - steps + 1 + s], n * width + s * TEP_VARIABLES);
      out.labels[n] = r.fault !== 0 && end >= r.onset ? 1 : 0;
      for (let j = 0; j < horizon && end + 1 + j < r.observations.length; j++) {
        out.targets[n * horizon + j] = r.observations[end + 1 + j][targetIndex];
      }
      out.run[n] = ri;
      out.end[n] = end;
      n++;
    }
  });
  return out;
}
