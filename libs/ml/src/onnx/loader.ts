import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import type { Dim, OpsetImport } from './graph';

/** Why a model was refused; the message says it in words an uploader can act on. */
export type OnnxRejectionReason = 'too_large' | 'not_onnx' | 'external_data' | 'signature_mismatch' | 'runtime_rejected' | 'resource_limit';

export class OnnxModelRejectedError extends Error {
  override readonly name = 'OnnxModelRejectedError';

  constructor(
    readonly reason: OnnxRejectionReason,
    message: string,
  ) {
    super(message);
  }
}

/** What the platform will feed or read: a tensor name, its dims (null = any size, e.g. the batch) and type. */
export interface TensorSignature {
  name: string;
  shape: readonly (number | null)[];
  type?: ort.Tensor.Type;
}

export interface LoadOnnxOptions {
  maxBytes: number;
  /** Exactly the model's inputs: a model needing any other input could not be run. */
  expectInputs: readonly TensorSignature[];
  /** Outputs the model must have; it may have more (they are simply not fetched). */
  expectOutputs: readonly TensorSignature[];
  sessionOptions?: ort.InferenceSession.SessionOptions;
}

/**
 * A graph input or output as the file declares it: a null dim is one the file leaves unknown; a null shape
 * means no shape is declared or the value is not a tensor (a sequence or map, for instance).
 */
export interface DeclaredValue {
  name: string;
  type: ort.Tensor.Type | 'unknown';
  shape: (Dim | null)[] | null;
}

export interface OnnxModelMetadata {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  modelVersion: number;
  graphName: string;
  docString: string;
  opsets: OpsetImport[];
  properties: Record<string, string>;
  inputs: DeclaredValue[];
  outputs: DeclaredValue[];
}

export interface LoadedOnnxModel {
  session: ort.InferenceSession;
  metadata: OnnxModelMetadata;
}

/**
 * Loads model bytes from an untrusted source (an upload) into ONNX Runtime, refusing — with an
 * `OnnxModelRejectedError` — files over `maxBytes`, bytes that are not an ONNX model, models that point at
 * external data files (ORT would read them from the server's disk), models whose inputs or outputs do not
 * match what the platform feeds and reads, and anything ORT itself cannot load.
 */
export async function loadOnnxModel(bytes: Uint8Array, opts: LoadOnnxOptions): Promise<LoadedOnnxModel> {
  if (bytes.byteLength > opts.maxBytes) {
    throw new OnnxModelRejectedError('too_large', `the model file is ${bytes.byteLength} bytes; the limit is ${opts.maxBytes} bytes`);
  }
  const model = decodeModel(bytes);
  const external = firstExternalTensor(model);
  if (external) {
    const location = external.externalData?.find((e) => e.key === 'location')?.value;
    throw new OnnxModelRejectedError(
      'external_data',
      `tensor '${external.name}' keeps its data in an external file${location ? ` ('${location}')` : ''}; ` + 'upload a single self-contained .onnx file with all weights inside',
    );
  }
  const metadata = describe(model);
  checkSignature(metadata, opts);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, opts.sessionOptions ?? {});
  } catch (e) {
    throw new OnnxModelRejectedError('runtime_rejected', `ONNX Runtime cannot load the model: ${withoutSourceLocation(errorText(e))}`);
  }
  return { session, metadata };
}

function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxModelRejectedError('not_onnx', `not an ONNX model: the file does not decode as an ONNX ModelProto (${errorText(e)})`);
  }
  // Protobuf skips unknown fields, so arbitrary bytes can decode to an empty message: require the essentials.
  const missing = !model.graph ? 'graph' : toNumber(model.irVersion) <= 0 ? 'ir_version' : model.opsetImport.length === 0 ? 'opset_import' : null;
  if (missing) throw new OnnxModelRejectedError('not_onnx', `not an ONNX model: it has no ${missing}`);
  return model;
}

/** Every tensor stored in the model: initializers, constant attributes, subgraphs (If/Loop bodies), functions, training graphs. */
function* modelTensors(model: onnx.IModelProto): Generator<onnx.ITensorProto> {
  if (model.graph) yield* graphTensors(model.graph);
  for (const f of model.functions ?? []) for (const n of f.node ?? []) yield* nodeTensors(n);
  for (const t of model.trainingInfo ?? []) {
    if (t.initialization) yield* graphTensors(t.initialization);
    if (t.algorithm) yield* graphTensors(t.algorithm);
  }
}

function* graphTensors(g: onnx.IGraphProto): Generator<onnx.ITensorProto> {
  yield* g.initializer ?? [];
  for (const s of g.sparseInitializer ?? []) yield* sparseTensors(s);
  for (const n of g.node ?? []) yield* nodeTensors(n);
}

function* nodeTensors(n: onnx.INodeProto): Generator<onnx.ITensorProto> {
  for (const a of n.attribute ?? []) {
    if (a.t) yield a.t;
    yield* a.tensors ?? [];
    if (a.sparseTensor) yield* sparseTensors(a.sparseTensor);
    for (const s of a.sparseTensors ?? []) yield* sparseTensors(s);
    if (a.g) yield* graphTensors(a.g);
    for (const g of a.graphs ?? []) yield* graphTensors(g);
  }
}

function* sparseTensors(s: onnx.ISparseTensorProto): Generator<onnx.ITensorProto> {
  if (s.values) yield s.values;
  if (s.indices) yield s.indices;
}

function firstExternalTensor(model: onnx.IModelProto): onnx.ITensorProto | undefined {
  for (const t of modelTensors(model)) {
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) return t;
  }
  return undefined;
}

const ORT_TYPES: Partial<Record<onnx.TensorProto.DataType, ort.Tensor.Type>> = {
  [onnx.TensorProto.DataType.FLOAT]: 'float32',
  [onnx.TensorProto.DataType.DOUBLE]: 'float64',
  [onnx.TensorProto.DataType.FLOAT16]: 'float16',
  [onnx.TensorProto.DataType.INT8]: 'int8',
  [onnx.TensorProto.DataType.UINT8]: 'uint8',
  [onnx.TensorProto.DataType.INT16]: 'int16',
  [onnx.TensorProto.DataType.UINT16]: 'uint16',
  [onnx.TensorProto.DataType.INT32]: 'int32',
  [onnx.TensorProto.DataType.UINT32]: 'uint32',
  [onnx.TensorProto.DataType.INT64]: 'int64',
  [onnx.TensorProto.DataType.UINT64]: 'uint64',
  [onnx.TensorProto.DataType.BOOL]: 'bool',
  [onnx.TensorProto.DataType.STRING]: 'string',
};

function declaredValue(v: onnx.IValueInfoProto): DeclaredValue {
  const tensor = v.type?.tensorType;
  const shape =
    tensor?.shape?.dim?.map((d) => {
      if (d.dimParam) return d.dimParam;
      const size = toNumber(d.dimValue);
      return size > 0 ? size : null;
    }) ?? null;
  return { name: v.name ?? '', type: (tensor && ORT_TYPES[tensor.elemType as onnx.TensorProto.DataType]) ?? 'unknown', shape };
}

function describe(model: onnx.ModelProto): OnnxModelMetadata {
  // decode() fills every repeated field of a message it returns; decodeModel checked that the graph is there.
  const graph = model.graph as onnx.GraphProto;
  // Before IR 4 initializers were also listed as graph inputs; they have values, so nobody feeds them.
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return {
    irVersion: toNumber(model.irVersion),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    modelVersion: toNumber(model.modelVersion),
    graphName: graph.name,
    docString: model.docString,
    opsets: model.opsetImport.map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    properties: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
    inputs: graph.input.filter((v) => !initializers.has(v.name)).map(declaredValue),
    outputs: graph.output.map(declaredValue),
  };
}

function checkSignature(metadata: OnnxModelMetadata, opts: LoadOnnxOptions): void {
  const mismatch = (message: string) => new OnnxModelRejectedError('signature_mismatch', message);
  const names = (ts: readonly { name: string }[]) => ts.map((t) => `'${t.name}'`).join(', ') || 'none';
  const expectedInputs = new Set(opts.expectInputs.map((t) => t.name));
  const extra = metadata.inputs.find((t) => !expectedInputs.has(t.name));
  if (extra) throw mismatch(`the model has an unexpected input '${extra.name}'; the platform feeds only ${names(opts.expectInputs)}`);
  for (const [kind, expected, declared] of [
    ['input', opts.expectInputs, metadata.inputs],
    ['output', opts.expectOutputs, metadata.outputs],
  ] as const) {
    for (const want of expected) {
      const got = declared.find((t) => t.name === want.name);
      if (!got) throw mismatch(`the model has no ${kind} named '${want.name}' (its ${kind}s: ${names(declared)})`);
      if (!got.shape) throw mismatch(`${kind} '${want.name}' is not a tensor with a declared shape; expected ${formatShape(want.shape)}`);
      const shape = got.shape;
      const fits = shape.length === want.shape.length && want.shape.every((d, i) => d === null || d === shape[i]);
      if (!fits) throw mismatch(`${kind} '${want.name}' has shape ${formatShape(shape)}; expected ${formatShape(want.shape)}`);
      if (want.type && want.type !== got.type) throw mismatch(`${kind} '${want.name}' has type ${got.type}; expected ${want.type}`);
    }
  }
}

function formatShape(shape: readonly (Dim | null)[]): string {
  return `[${shape.map((d) => d ?? '?').join(', ')}]`;
}

/** protobufjs returns int64 fields as Long objects (the `long` package is installed). */
function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Not `instanceof Error`: ORT's native errors come from another realm under jest's vm contexts. */
function errorText(e: unknown): string {
  const message = typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' ? e.message : String(e);
  return message.split('\n')[0].trim();
}

/**
 * Some ORT errors carry a C++ source location and function signature, first or after a prefix such as
 * `Exception during initialization: `: noise to whoever uploaded the model.
 */
function withoutSourceLocation(message: string): string {
  const location = /(?:^|(?<=: ))\S+\.(?:h|cc|cpp):\d+ /.exec(message);
  if (!location) return message;
  let depth = 0;
  for (let i = message.indexOf('(', location.index + location[0].length); i >= 0 && i < message.length; i++) {
    if (message[i] === '(') depth++;
    else if (message[i] === ')' && --depth === 0) return message.slice(0, location.index) + message.slice(i + 1).replace(/^\s*(?:const\s+)?/, '');
  }
  return message;
}
