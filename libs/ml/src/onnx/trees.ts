import { AI_ONNX, AI_ONNX_ML, AI_ONNX_OPSET, attr, BATCH_DIM, ElemType, encodeModel, node, tensorValue, type ModelIdentity } from './graph';

/** A split: rows with `x[featureId] <= threshold` go to `trueChild`, the others (NaN included) to `falseChild`. */
export interface BranchNode {
  mode: 'BRANCH_LEQ';
  featureId: number;
  threshold: number;
  trueChild: number;
  falseChild: number;
}

export interface LeafNode {
  mode: 'LEAF';
  value: number;
}

export type TreeNode = BranchNode | LeafNode;

/** A binary tree; node ids are indices into `nodes`, and node 0 is the root. */
export interface RegressionTree {
  nodes: TreeNode[];
}

export interface TreeEnsembleShape {
  featureCount: number;
  /** SUM adds the trees' leaf values (boosting); AVERAGE divides that sum by the number of trees (forests). */
  aggregate: 'SUM' | 'AVERAGE';
  /** Added after aggregation. */
  baseValue?: number;
}

export interface TreeEnsembleOptions extends TreeEnsembleShape, Partial<ModelIdentity> {
  inputName: string;
  /** Name of the [N, 1] float output; `score` unless set. */
  outputName?: string;
}

/** ai.onnx.ml opset 3: onnxruntime-node 1.22 refuses opset 5's tensor-attribute form of TreeEnsembleRegressor. */
export const TREE_ML_OPSET = 3;

/** Checks every tree: each node reached exactly once from the root, children and features in range. */
export function checkTrees(trees: readonly RegressionTree[], featureCount: number): void {
  if (trees.length === 0) throw new RangeError('a tree ensemble needs at least one tree');
  trees.forEach((tree, t) => {
    if (tree.nodes.length === 0) throw new RangeError(`tree ${t} has no nodes`);
    const reached = new Set<number>();
    const stack = [0];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (reached.has(id)) throw new RangeError(`tree ${t}: node ${id} is reached twice (a cycle or a shared child)`);
      reached.add(id);
      const n = tree.nodes[id];
      if (n.mode === 'LEAF') {
        if (!Number.isFinite(n.value)) throw new RangeError(`tree ${t} node ${id}: leaf value ${n.value} is not finite`);
        continue;
      }
      if (!Number.isInteger(n.featureId) || n.featureId < 0 || n.featureId >= featureCount) {
        throw new RangeError(`tree ${t} node ${id}: feature ${n.featureId} is outside 0…${featureCount - 1}`);
      }
      if (Number.isNaN(n.threshold)) throw new RangeError(`tree ${t} node ${id}: threshold is NaN`);
      for (const child of [n.trueChild, n.falseChild]) {
        if (!Number.isInteger(child) || child < 0 || child >= tree.nodes.length) {
          throw new RangeError(`tree ${t} node ${id}: child ${child} is not a node of the tree`);
        }
        stack.push(child);
      }
    }
    if (reached.size !== tree.nodes.length) throw new RangeError(`tree ${t}: ${tree.nodes.length - reached.size} node(s) unreachable from the root`);
  });
}

/**
 * A tree ensemble regressor as ONNX (`ai.onnx.ml` TreeEnsembleRegressor, opset 3): float input [N, featureCount],
 * one float output [N, 1]. Thresholds and leaf values are stored as float32.
 */
export function treeEnsembleRegressor(trees: readonly RegressionTree[], opts: TreeEnsembleOptions): Uint8Array {
  checkTrees(trees, opts.featureCount);
  const outputName = opts.outputName ?? 'score';
  const n = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
  };
  const target = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    tree.nodes.forEach((tn, id) => {
      const branch = tn.mode === 'BRANCH_LEQ';
      n.treeIds.push(t);
      n.nodeIds.push(id);
      n.modes.push(tn.mode);
      n.featureIds.push(branch ? tn.featureId : 0);
      n.values.push(branch ? tn.threshold : 0);
      n.trueIds.push(branch ? tn.trueChild : 0);
      n.falseIds.push(branch ? tn.falseChild : 0);
      if (!branch) {
        target.treeIds.push(t);
        target.nodeIds.push(id);
        target.weights.push(tn.value);
      }
    });
  });
  const attributes = [
    attr.string('aggregate_function', opts.aggregate),
    attr.floats('base_values', [opts.baseValue ?? 0]),
    attr.int('n_targets', 1),
    attr.string('post_transform', 'NONE'),
    attr.ints('nodes_treeids', n.treeIds),
    attr.ints('nodes_nodeids', n.nodeIds),
    attr.ints('nodes_featureids', n.featureIds),
    attr.strings('nodes_modes', n.modes),
    attr.floats('nodes_values', n.values),
    attr.ints('nodes_truenodeids', n.trueIds),
    attr.ints('nodes_falsenodeids', n.falseIds),
    attr.ints('target_treeids', target.treeIds),
    attr.ints('target_nodeids', target.nodeIds),
    attr.ints(
      'target_ids',
      target.treeIds.map(() => 0),
    ),
    attr.floats('target_weights', target.weights),
  ];
  return encodeModel({
    identity: { name: opts.name ?? 'tree-ensemble', version: opts.version ?? 1, metadata: opts.metadata },
    // ai.onnx is imported too: ORT expects the default domain in every model.
    opsets: [
      { domain: AI_ONNX, version: AI_ONNX_OPSET },
      { domain: AI_ONNX_ML, version: TREE_ML_OPSET },
    ],
    inputs: [tensorValue(opts.inputName, ElemType.FLOAT, [BATCH_DIM, opts.featureCount])],
    outputs: [tensorValue(outputName, ElemType.FLOAT, [BATCH_DIM, 1])],
    initializers: [],
    nodes: [node('TreeEnsembleRegressor', [opts.inputName], [outputName], attributes, AI_ONNX_ML)],
  });
}

/**
 * The same ensemble in TypeScript over `rows` (row-major, `featureCount` values per row): one value per row.
 * Thresholds and leaf values are rounded to float32 first, as the ONNX model stores them, so both agree on
 * which side of a split a row falls.
 */
export function treeEnsembleForward(trees: readonly RegressionTree[], shape: TreeEnsembleShape, rows: Float32Array): Float64Array {
  checkTrees(trees, shape.featureCount);
  const { featureCount } = shape;
  if (rows.length % featureCount !== 0) throw new RangeError(`${rows.length} values is not a whole number of ${featureCount}-feature rows`);
  const n = rows.length / featureCount;
  const out = new Float64Array(n);
  const base = Math.fround(shape.baseValue ?? 0);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (const tree of trees) {
      let tn = tree.nodes[0];
      while (tn.mode === 'BRANCH_LEQ') {
        tn = tree.nodes[rows[r * featureCount + tn.featureId] <= Math.fround(tn.threshold) ? tn.trueChild : tn.falseChild];
      }
      sum += Math.fround(tn.value);
    }
    out[r] = (shape.aggregate === 'AVERAGE' ? sum / trees.length : sum) + base;
  }
  return out;
}
