/**
 * A builder for ONNX graphs that reads like the computation it describes:
 *
 *   const g = new OnnxGraph('tiny');
 *   const x = g.input('x', 'float32', ['batch', 64]);
 *   const w = g.initializer('w', weights, [64, 64]);
 *   g.output(g.op('MatMul', [x, w]), 'y', 'float32', ['batch', 64]);
 *   const bytes = g.toModel({ producer: 'alignment-workbench' });
 *
 * Values are handles; their names are resolved when the model is written, so an op's output can still be renamed
 * when it becomes a graph output. Nodes are kept in creation order, which is topological because an op can only
 * consume values that already exist.
 */
import {
  type AttributeSpec,
  type Dim,
  type ElemType,
  encodeModel,
  type GraphSpec,
  type NodeSpec,
  type OpsetSpec,
  type TensorData,
  type TensorSpec,
  tensorSpec,
  type ValueInfoSpec,
} from './model';
import type { Int64 } from './protobuf';

export type { Dim, ElemType, TensorData } from './model';
export type { Int64 } from './protobuf';

/** Default-domain opset: 17 is well covered by onnxruntime 1.30 and has LayerNormalization. */
export const DEFAULT_OPSET = 17;
/** IR version 8 is the one that shipped with opset 17. */
export const DEFAULT_IR_VERSION = 8;

/** An attribute whose ONNX type is spelled out, for when inference from a JS value would guess wrong. */
export type TypedAttribute = AttributeSpec extends infer T ? (T extends unknown ? Omit<T, 'name'> : never) : never;

/**
 * A JS number is an INT attribute when it is an integer and a FLOAT otherwise; an array likewise. So `alpha: 1.0`
 * must be written `alpha: attr.float(1)`. Undefined attributes are skipped.
 */
export type AttributeValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | TypedAttribute
  | undefined;
export type Attributes = Readonly<Record<string, AttributeValue>>;

export const attr = {
  float: (value: number): TypedAttribute => ({ type: 'float', value }),
  floats: (value: readonly number[]): TypedAttribute => ({ type: 'floats', value }),
  int: (value: Int64): TypedAttribute => ({ type: 'int', value }),
  ints: (value: readonly Int64[]): TypedAttribute => ({ type: 'ints', value }),
  string: (value: string): TypedAttribute => ({ type: 'string', value }),
  tensor: (data: TensorData, dims: readonly number[], elemType?: ElemType): TypedAttribute => ({
    type: 'tensor',
    value: tensorSpec(data, dims, elemType),
  }),
};

export interface OpOptions {
  /** Node name; generated when omitted. */
  name?: string;
  /** Operator domain for contrib ops, e.g. 'com.microsoft'. */
  domain?: string;
  /** Names for the node's outputs; generated when omitted. */
  outputNames?: readonly string[];
}

export interface ModelOptions {
  producer?: string;
  producerVersion?: string;
  irVersion?: number;
  /** Version of the default ai.onnx opset. */
  opset?: number;
  /** Further opset imports; a domain used by a node but not listed here is imported at version 1. */
  extraOpsets?: readonly OpsetSpec[];
}

type ValueSource = 'input' | 'initializer' | 'node';

/** Not exported, so only this module can rename a value. */
const RENAME = Symbol('rename');

/** A handle on one value (tensor) of a graph. */
export class OnnxValue {
  constructor(
    readonly graph: OnnxGraph,
    private currentName: string,
    readonly source: ValueSource,
    /** Known for inputs and initializers; op outputs are untyped until declared. */
    readonly elemType?: ElemType,
  ) {}

  get name(): string {
    return this.currentName;
  }

  [RENAME](name: string): void {
    this.currentName = name;
  }
}

interface PendingNode {
  opType: string;
  inputs: readonly (OnnxValue | null)[];
  outputs: readonly OnnxValue[];
  name: string;
  domain?: string;
  attributes: AttributeSpec[];
}

interface PendingValueInfo {
  value: OnnxValue;
  elemType: ElemType;
  shape?: readonly Dim[];
}

export class OnnxGraph {
  private readonly nodes: PendingNode[] = [];
  private readonly inputs: PendingValueInfo[] = [];
  private readonly outputs: PendingValueInfo[] = [];
  private readonly valueInfos: PendingValueInfo[] = [];
  private readonly initializers: { value: OnnxValue; tensor: TensorSpec }[] = [];
  private readonly valueNames = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly graphOutputs = new Set<OnnxValue>();
  private nextId = 0;
  private prefix = '';

  constructor(readonly name: string) {}

  /** A graph input fed at run time (data, or weights and KV cache when they are not baked in). */
  input(name: string, elemType: ElemType, shape?: readonly Dim[]): OnnxValue {
    const value = new OnnxValue(this, this.claimValueName(name), 'input', elemType);
    this.inputs.push({ value, elemType, shape });
    return value;
  }

  /**
   * A named constant tensor stored in the model. The data is not copied: leave it unchanged until `toModel`.
   * The element type follows the array (BigInt64Array is int64); pass it for bool (Uint8Array) and float16 (Uint16Array).
   */
  initializer(name: string, data: TensorData, dims: readonly number[], elemType?: ElemType): OnnxValue {
    const tensor = tensorSpec(data, dims, elemType);
    const value = new OnnxValue(this, this.claimValueName(name), 'initializer', tensor.elemType);
    this.initializers.push({ value, tensor });
    return value;
  }

  /** An initializer with a generated name. */
  constant(data: TensorData, dims: readonly number[], elemType?: ElemType): OnnxValue {
    return this.initializer(this.freshValueName(`${this.prefix}const`), data, dims, elemType);
  }

  /** A 1-D int64 constant, the form Reshape shapes and Slice/Unsqueeze/Squeeze arguments take. */
  int64s(values: readonly Int64[]): OnnxValue {
    return this.constant(
      BigInt64Array.from(values, (v) => BigInt(v)),
      [values.length],
    );
  }

  /** A rank-0 constant, e.g. a scale factor to broadcast. */
  scalar(value: number, elemType: 'float32' | 'int32' | 'int64' = 'float32'): OnnxValue {
    if (elemType === 'int64') return this.constant(BigInt64Array.of(BigInt(value)), []);
    return this.constant(elemType === 'int32' ? Int32Array.of(value) : Float32Array.of(value), []);
  }

  /** One node with one output. `null` inputs are omitted optional inputs. */
  op(opType: string, inputs: readonly (OnnxValue | null)[], attributes?: Attributes, options?: OpOptions): OnnxValue {
    return this.ops(opType, inputs, 1, attributes, options)[0] as OnnxValue;
  }

  /** One node with several outputs, e.g. Split or TopK. */
  ops(
    opType: string,
    inputs: readonly (OnnxValue | null)[],
    outputCount: number,
    attributes: Attributes = {},
    options: OpOptions = {},
  ): OnnxValue[] {
    for (const input of inputs) this.checkOwned(input);
    if (options.outputNames && options.outputNames.length !== outputCount) {
      throw new Error(`${opType}: ${options.outputNames.length} output names for ${outputCount} outputs`);
    }
    const name = options.name ?? this.autoNodeName(this.prefix + opType);
    if (this.nodeNames.has(name)) throw new Error(`duplicate node name '${name}'`);
    const spec = Object.entries(attributes).flatMap(([key, v]) => (v === undefined ? [] : [toAttributeSpec(key, v)]));
    const base = this.prefix + opType.toLowerCase();
    const outputs = Array.from({ length: outputCount }, (_, i) => {
      const given = options.outputNames?.[i];
      return new OnnxValue(this, this.claimValueName(given ?? this.freshValueName(base)), 'node');
    });
    this.nodeNames.add(name);
    this.nodes.push({ opType, inputs, outputs, name, domain: options.domain, attributes: spec });
    return outputs;
  }

  /** Generated names and node names made inside `build` start with `prefix/`, to keep big graphs readable. */
  scoped<T>(prefix: string, build: () => T): T {
    const outer = this.prefix;
    this.prefix = `${outer}${prefix}/`;
    try {
      return build();
    } finally {
      this.prefix = outer;
    }
  }

  /**
   * Declares a graph output. An op's output is renamed to `name`; a graph input, an initializer or a value already
   * output goes through an Identity node instead, so each graph output is a distinct value.
   */
  output(value: OnnxValue, name: string, elemType: ElemType, shape?: readonly Dim[]): OnnxValue {
    this.checkOwned(value);
    const out = this.outputValueNamed(value, name);
    this.graphOutputs.add(out);
    this.outputs.push({ value: out, elemType, shape });
    return out;
  }

  /** Records the type of an intermediate value; optional, but helps onnxruntime's shape inference and readers. */
  valueInfo(value: OnnxValue, elemType: ElemType, shape?: readonly Dim[]): void {
    this.checkOwned(value);
    this.valueInfos.push({ value, elemType, shape });
  }

  toSpec(): GraphSpec {
    const info = ({ value, elemType, shape }: PendingValueInfo): ValueInfoSpec => ({
      name: value.name,
      elemType,
      shape,
    });
    return {
      name: this.name,
      nodes: this.nodes.map(nodeSpec),
      inputs: this.inputs.map(info),
      outputs: this.outputs.map(info),
      initializers: this.initializers.map(({ value, tensor }) => ({ ...tensor, name: value.name })),
      valueInfo: this.valueInfos.map(info),
    };
  }

  /** Serialises the graph as an ONNX ModelProto, ready for `ort.InferenceSession.create(bytes)` or a file. */
  toModel(options: ModelOptions = {}): Uint8Array {
    if (this.outputs.length === 0) throw new Error(`graph '${this.name}' has no outputs`);
    return encodeModel({
      irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
      opsets: this.opsetImports(options),
      producerName: options.producer,
      producerVersion: options.producerVersion,
      graph: this.toSpec(),
    });
  }

  private opsetImports(options: ModelOptions): OpsetSpec[] {
    const opsets: OpsetSpec[] = [
      { domain: '', version: options.opset ?? DEFAULT_OPSET },
      ...(options.extraOpsets ?? []),
    ];
    const imported = new Set(opsets.map((o) => o.domain ?? ''));
    for (const node of this.nodes) {
      const domain = node.domain ?? '';
      if (imported.has(domain)) continue;
      imported.add(domain);
      opsets.push({ domain, version: 1 });
    }
    return opsets;
  }

  private outputValueNamed(value: OnnxValue, name: string): OnnxValue {
    const reusable = value.source === 'node' && !this.graphOutputs.has(value);
    if (!reusable) return this.op('Identity', [value], {}, { outputNames: [name] });
    if (value.name !== name) {
      const oldName = value.name;
      value[RENAME](this.claimValueName(name));
      this.valueNames.delete(oldName);
    }
    return value;
  }

  private checkOwned(value: OnnxValue | null): void {
    if (value !== null && value.graph !== this) throw new Error(`value '${value.name}' belongs to another graph`);
  }

  private claimValueName(name: string): string {
    if (name === '') throw new Error('value names must not be empty');
    if (this.valueNames.has(name)) throw new Error(`duplicate value name '${name}'`);
    this.valueNames.add(name);
    return name;
  }

  /** An unused name starting with `stem`; the caller claims it. */
  private freshValueName(stem: string): string {
    let name = `${stem}_${this.nextId++}`;
    while (this.valueNames.has(name)) name = `${stem}_${this.nextId++}`;
    return name;
  }

  private autoNodeName(base: string): string {
    let name = `${base}_${this.nextId++}`;
    while (this.nodeNames.has(name)) name = `${base}_${this.nextId++}`;
    return name;
  }
}

function nodeSpec(node: PendingNode): NodeSpec {
  return {
    opType: node.opType,
    inputs: node.inputs.map((v) => v?.name ?? ''),
    outputs: node.outputs.map((v) => v.name),
    name: node.name,
    domain: node.domain,
    attributes: node.attributes,
  };
}

function toAttributeSpec(name: string, value: Exclude<AttributeValue, undefined>): AttributeSpec {
  if (typeof value === 'bigint') return { name, type: 'int', value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: 'int', value } : { name, type: 'float', value };
  }
  if (typeof value === 'string') return { name, type: 'string', value };
  if (Array.isArray(value)) return listAttributeSpec(name, value);
  return { name, ...(value as TypedAttribute) } as AttributeSpec;
}

function listAttributeSpec(name: string, list: readonly unknown[]): AttributeSpec {
  // An empty list has no element to tell its type by; INTS is what the ops that take lists (perm, axes) want.
  if (list.every((v) => typeof v === 'bigint' || Number.isInteger(v)))
    return { name, type: 'ints', value: list as Int64[] };
  if (list.every((v) => typeof v === 'number')) return { name, type: 'floats', value: list as number[] };
  if (list.every((v) => typeof v === 'string')) return { name, type: 'strings', value: list as string[] };
  throw new Error(`attribute '${name}' mixes value types`);
}
