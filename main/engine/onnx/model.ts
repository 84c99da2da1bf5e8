/**
 * Plain descriptions of the ONNX messages we write, and their encoders. Field numbers follow onnx.proto; only the
 * fields an exported inference graph needs are covered.
 */
import { type Int64, ProtoWriter } from './protobuf';

/** TensorProto.DataType, keyed by the element-type names onnxruntime uses. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
} as const;
export type ElemType = keyof typeof DataType;

/** AttributeProto.AttributeType. */
export const AttributeType = {
  float: 1,
  int: 2,
  string: 3,
  tensor: 4,
  floats: 6,
  ints: 7,
  strings: 8,
} as const;

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A tensor whose data is already little-endian bytes (one byte per element for bool). */
export interface TensorSpec {
  name?: string;
  elemType: ElemType;
  dims: readonly number[];
  rawData: Uint8Array;
}

export type AttributeSpec =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: Int64 }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: TensorSpec }
  | { name: string; type: 'floats'; value: readonly number[] }
  | { name: string; type: 'ints'; value: readonly Int64[] }
  | { name: string; type: 'strings'; value: readonly string[] };

export interface NodeSpec {
  opType: string;
  /** Value names; '' marks an omitted optional input. */
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: readonly AttributeSpec[];
}

/** A dimension: a fixed size, a symbolic name such as 'batch', or null for an unnamed unknown size. */
export type Dim = number | string | null;

export interface ValueInfoSpec {
  name: string;
  elemType: ElemType;
  /** Omitted: the rank is unknown too. */
  shape?: readonly Dim[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
  initializers?: readonly TensorSpec[];
  valueInfo?: readonly ValueInfoSpec[];
}

export interface OpsetSpec {
  /** '' (or omitted) is the default ai.onnx domain. */
  domain?: string;
  version: number;
}

export interface ModelSpec {
  irVersion: number;
  opsets: readonly OpsetSpec[];
  producerName?: string;
  producerVersion?: string;
  graph: GraphSpec;
}

/** Protobuf parsers, onnxruntime's included, refuse messages of 2 GiB or more. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** Serialises a whole ModelProto. */
export function encodeModel(model: ModelSpec): Uint8Array {
  const w = new ProtoWriter().int64(1, model.irVersion);
  if (model.producerName !== undefined) w.string(2, model.producerName);
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion);
  w.message(7, writeGraph(model.graph));
  for (const opset of model.opsets) {
    const entry = new ProtoWriter();
    if (opset.domain) entry.string(1, opset.domain);
    w.message(8, entry.int64(2, opset.version));
  }
  if (w.length > MAX_MODEL_BYTES) {
    throw new RangeError(`ONNX model is ${w.length} bytes; over 2 GiB needs external data, which is not supported`);
  }
  return w.finish();
}

function writeGraph(graph: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.message(1, writeNode(node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers ?? []) w.message(5, writeTensor(tensor));
  for (const input of graph.inputs) w.message(11, writeValueInfo(input));
  for (const output of graph.outputs) w.message(12, writeValueInfo(output));
  for (const info of graph.valueInfo ?? []) w.message(13, writeValueInfo(info));
  return w;
}

function writeNode(node: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attributes ?? []) w.message(5, writeAttribute(attribute));
  if (node.domain) w.string(7, node.domain);
  return w;
}

function writeAttribute(attribute: AttributeSpec): ProtoWriter {
  const w = new ProtoWriter().string(1, attribute.name);
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value);
      break;
    case 'int':
      w.int64(3, attribute.value);
      break;
    case 'string':
      w.string(4, attribute.value);
      break;
    case 'tensor':
      w.message(5, writeTensor(attribute.value));
      break;
    case 'floats':
      w.packedFloats(7, attribute.value);
      break;
    case 'ints':
      w.packedVarints(8, attribute.value);
      break;
    case 'strings':
      for (const value of attribute.value) w.string(9, value);
      break;
  }
  return w.int64(20, AttributeType[attribute.type]);
}

/** Serialises one TensorProto on its own (what an initializer or tensor attribute holds). */
export function encodeTensor(tensor: TensorSpec): Uint8Array {
  return writeTensor(tensor).finish();
}

function writeTensor(tensor: TensorSpec): ProtoWriter {
  const w = new ProtoWriter().packedVarints(1, tensor.dims).int64(2, DataType[tensor.elemType]);
  if (tensor.name !== undefined) w.string(8, tensor.name);
  return w.bytes(9, tensor.rawData);
}

function writeValueInfo(info: ValueInfoSpec): ProtoWriter {
  const tensorType = new ProtoWriter().int64(1, DataType[info.elemType]);
  if (info.shape) tensorType.message(2, writeShape(info.shape));
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, type);
}

function writeShape(shape: readonly Dim[]): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of shape) {
    const entry = new ProtoWriter();
    if (typeof dim === 'number') entry.int64(1, dim);
    else if (typeof dim === 'string') entry.string(2, dim);
    w.message(1, entry);
  }
  return w;
}

/** The element type each typed array holds by default. */
function arrayElemType(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint64';
}

/** Types with no typed array of their own, stored in the array of the same width. */
const STORED_AS: Partial<Record<ElemType, ElemType>> = { bool: 'uint8', float16: 'uint16', bfloat16: 'uint16' };

/** Builds a TensorSpec from a typed array, checking the element type and count against the dims. */
export function tensorSpec(data: TensorData, dims: readonly number[], elemType?: ElemType, name?: string): TensorSpec {
  const held = arrayElemType(data);
  const type = elemType ?? held;
  if (type !== held && STORED_AS[type] !== held)
    throw new TypeError(`${type} tensor cannot be built from ${held} data`);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`bad tensor dims [${dims}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`dims [${dims}] hold ${count} elements, data has ${data.length}`);
  return { name, elemType: type, dims, rawData: littleEndianBytes(data) };
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** raw_data must be little-endian; on the usual little-endian host that is a view of the array, with no copy. */
function littleEndianBytes(data: TensorData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  if (HOST_IS_LITTLE_ENDIAN || width === 1) return view;
  const swapped = new Uint8Array(view.byteLength);
  for (let i = 0; i < view.byteLength; i += width) {
    for (let j = 0; j < width; j++) swapped[i + j] = view[i + width - 1 - j] as number;
  }
  return swapped;
}
