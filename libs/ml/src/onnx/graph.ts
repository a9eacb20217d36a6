import { onnx } from 'onnx-proto';

/**
 * A thin typed layer over onnx-proto for writing small inference graphs. It adds nothing ONNX lacks;
 * it only fixes the choices every model here shares (little-endian raw tensors, a symbolic batch dim,
 * the platform as producer) so builders read as a list of operators.
 */

/** Domain of the standard operators (the empty string is ONNX's name for ai.onnx). */
export const AI_ONNX = '';
export const AI_ONNX_ML = 'ai.onnx.ml';

/** The ai.onnx opset every model here imports: recent enough for Softmax over one axis, supported by ORT 1.22. */
export const AI_ONNX_OPSET = 13;

/** Name of the symbolic batch dimension in every input and output we declare. */
export const BATCH_DIM = 'N';

export const PRODUCER_NAME = 'him-mes';

export const ElemType = onnx.TensorProto.DataType;

/** A dimension: a fixed size, or a symbol (such as `N`) bound when the model runs. */
export type Dim = number | string;

export interface OpsetImport {
  domain: string;
  version: number;
}

/** What identifies a model once it leaves the platform (ORT and tools such as Netron show these). */
export interface ModelIdentity {
  name: string;
  version: number;
  /** Free-form key/value pairs stored in the model's metadata_props (training window, metrics…). */
  metadata?: Record<string, string>;
}

/** A float32 initializer. Written as raw little-endian bytes, which ONNX requires whatever the host. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): onnx.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw new RangeError(`tensor '${name}': dims [${dims.join(', ')}] hold ${size} values, got ${values.length}`);
  }
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims: [...dims], dataType: ElemType.FLOAT, rawData: raw };
}

/** An int64 initializer (shapes, axes, indices), raw little-endian like floatTensor. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], dataType: ElemType.INT64, rawData: raw };
}

/** A graph input or output: a tensor of one element type and shape. */
export function tensorValue(name: string, elemType: onnx.TensorProto.DataType, shape: readonly Dim[]): onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

const AttrType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** Attribute constructors: ONNX types attributes explicitly, and `1` can be an INT or a FLOAT. */
export const attr = {
  int: (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttrType.INT, i }),
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: AttrType.FLOAT, f }),
  string: (name: string, s: string): onnx.IAttributeProto => ({ name, type: AttrType.STRING, s: utf8.encode(s) }),
  ints: (name: string, ints: readonly number[]): onnx.IAttributeProto => ({ name, type: AttrType.INTS, ints: [...ints] }),
  floats: (name: string, floats: ArrayLike<number>): onnx.IAttributeProto => ({ name, type: AttrType.FLOATS, floats: Array.from(floats) }),
  strings: (name: string, strings: readonly string[]): onnx.IAttributeProto => ({
    name,
    type: AttrType.STRINGS,
    strings: strings.map((s) => utf8.encode(s)),
  }),
};

/** One operator application; the node is named after its first output so ORT's errors point somewhere. */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: onnx.IAttributeProto[] = [], domain = AI_ONNX): onnx.INodeProto {
  return { opType, domain, input: [...inputs], output: [...outputs], name: `${opType}_${outputs[0]}`, attribute: attributes };
}

export interface GraphSpec {
  identity: ModelIdentity;
  opsets: readonly OpsetImport[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  initializers: onnx.ITensorProto[];
  nodes: onnx.INodeProto[];
  doc?: string;
}

/** Serialises a single-graph model to the bytes of an .onnx file. */
export function encodeModel(spec: GraphSpec): Uint8Array {
  const { identity } = spec;
  const model: onnx.IModelProto = {
    // IR 8 is the newest onnx-proto knows; ORT 1.22 reads IR 3–11.
    irVersion: onnx.Version.IR_VERSION,
    opsetImport: spec.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    producerName: PRODUCER_NAME,
    modelVersion: identity.version,
    docString: spec.doc ?? '',
    graph: {
      name: identity.name,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers,
      node: spec.nodes,
    },
    metadataProps: Object.entries({ ...identity.metadata, name: identity.name, version: String(identity.version) }).map(([key, value]) => ({ key, value })),
  };
  return onnx.ModelProto.encode(model).finish();
}
