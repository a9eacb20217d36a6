import { seededRandom } from '../random';
import { runToEnd } from '../training';
import { treeEnsembleForward, treeEnsembleRegressor, type RegressionTree, type TreeEnsembleShape, type TreeNode } from '../onnx';

export interface IsolationForestOptions {
  trees: number;
  /** Rows per tree (ψ); Liu et al. found 256 enough for most data. */
  subsample: number;
  seed: number;
}

export interface IsolationForest {
  trees: RegressionTree[];
  featureCount: number;
  subsample: number;
}

export const DEFAULT_ISOLATION_FOREST: IsolationForestOptions = { trees: 200, subsample: 256, seed: 1 };

const EULER_GAMMA = 0.5772156649015329;

/** c(n): the mean path length of an unsuccessful search in a binary search tree of n points (Liu et al. 2008). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Trains an isolation forest on `rows` (row-major float32, `featureCount` per row). Each leaf holds its depth
 * plus c(leaf size), so the ensemble's AVERAGE is the expected path length E[h(x)] — exactly what
 * `treeEnsembleRegressor` computes in ONNX. Splits are float32 so training, TypeScript and ONNX agree.
 */
export function trainIsolationForest(rows: Float32Array, featureCount: number, opts: IsolationForestOptions = DEFAULT_ISOLATION_FOREST): IsolationForest {
  return runToEnd(isolationForestTraining(rows, featureCount, opts));
}

/** The same training, paused after every tree (see runToEnd): the trees done so far. */
export function* isolationForestTraining(
  rows: Float32Array,
  featureCount: number,
  opts: IsolationForestOptions = DEFAULT_ISOLATION_FOREST,
): Generator<{ trees: number; of: number }, IsolationForest> {
  const n = rows.length / featureCount;
  if (!Number.isInteger(n) || n < 2) throw new RangeError('an isolation forest needs at least two whole rows');
  const rand = seededRandom(opts.seed);
  const psi = Math.min(opts.subsample, n);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const trees: RegressionTree[] = [];
  for (let t = 0; t < opts.trees; t++) {
    // Partial Fisher–Yates: the first ψ entries become a sample without replacement.
    const index = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(rand() * (n - i));
      [index[i], index[j]] = [index[j], index[i]];
    }
    const nodes: TreeNode[] = [];
    const grow = (members: Int32Array, depth: number): number => {
      const id = nodes.length;
      nodes.push({ mode: 'LEAF', value: depth + averagePathLength(members.length) });
      if (depth >= maxDepth || members.length <= 1) return id;
      const feature = Math.floor(rand() * featureCount);
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of members) {
        const x = rows[r * featureCount + feature];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const threshold = Math.fround(lo + rand() * (hi - lo));
      // A constant feature (or a threshold rounded onto the maximum) cannot isolate anything: stay a leaf.
      if (!(threshold >= lo && threshold < hi)) return id;
      const left = members.filter((r) => rows[r * featureCount + feature] <= threshold);
      const right = members.filter((r) => rows[r * featureCount + feature] > threshold);
      const trueChild = grow(left, depth + 1);
      const falseChild = grow(right, depth + 1);
      nodes[id] = { mode: 'BRANCH_LEQ', featureId: feature, threshold, trueChild, falseChild };
      return id;
    };
    grow(index.subarray(0, psi), 0);
    trees.push({ nodes });
    yield { trees: trees.length, of: opts.trees };
  }
  return { trees, featureCount, subsample: psi };
}

function shape(forest: IsolationForest): TreeEnsembleShape {
  return { featureCount: forest.featureCount, aggregate: 'AVERAGE' };
}

/** E[h(x)] per row: short paths mean easily isolated, i.e. anomalous. */
export function meanPathLength(forest: IsolationForest, rows: Float32Array): Float64Array {
  return treeEnsembleForward(forest.trees, shape(forest), rows);
}

/** The anomaly score s = 2^(−E[h]/c(ψ)) of Liu et al.: ≈1 anomalous, ≤0.5 normal. */
export function isolationScore(forest: IsolationForest, pathLength: number): number {
  return 2 ** (-pathLength / averagePathLength(forest.subsample));
}

/** The forest as ONNX: input [N, featureCount] float, output `path_length` [N, 1] = E[h(x)]. */
export function isolationForestOnnx(forest: IsolationForest, opts: { inputName: string; name?: string; version?: number; metadata?: Record<string, string> }): Uint8Array {
  return treeEnsembleRegressor(forest.trees, { ...shape(forest), ...opts, outputName: ISOLATION_PATH_OUTPUT });
}

export const ISOLATION_PATH_OUTPUT = 'path_length';
