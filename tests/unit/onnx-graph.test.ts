import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, OnnxGraph, type OnnxValue } from '../../main/engine/onnx/graph';
import { encodeTensor } from '../../main/engine/onnx/model';
import { ProtoWriter } from '../../main/engine/onnx/protobuf';

type Feeds = Record<string, ort.Tensor>;

async function run(g: OnnxGraph, feeds: Feeds): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(g.toModel({ producer: 'alignment-workbench-test' }));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const f32 = (data: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(data), dims);
const i64 = (data: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(data, BigInt), dims);
const values = (t: ort.Tensor | undefined) => Array.from(t?.data as ArrayLike<number>);

function expectClose(actual: number[], expected: number[], digits: number): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, want] of expected.entries()) expect(actual[i]).toBeCloseTo(want, digits);
}

/** Reads one varint starting at `offset`, as unsigned 64-bit. */
function readVarint(bytes: Uint8Array, offset: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  let i = offset;
  for (;;) {
    const byte = bytes[i++] as number;
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) return { value, next: i };
  }
}

describe('protobuf writer', () => {
  it('writes negative int64 as a ten-byte two-complement varint', () => {
    const bytes = new ProtoWriter().int64(3, -1).finish();
    expect(Array.from(bytes)).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const min = new ProtoWriter().int64(1, -(2n ** 63n)).finish();
    expect(BigInt.asIntN(64, readVarint(min, 1).value)).toBe(-(2n ** 63n));
    expect(readVarint(min, 1).next).toBe(11);
  });

  it('writes varints, floats, strings and packed lists', () => {
    expect(Array.from(new ProtoWriter().int64(1, 300).finish())).toEqual([0x08, 0xac, 0x02]);
    expect(Array.from(new ProtoWriter().int64(1, 2 ** 40).finish())).toEqual([
      0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
    ]);
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(Array.from(new ProtoWriter().string(4, 'hé').finish())).toEqual([0x22, 3, 0x68, 0xc3, 0xa9]);
    expect(Array.from(new ProtoWriter().packedVarints(1, [3, 270]).finish())).toEqual([0x0a, 3, 3, 0x8e, 0x02]);
    expect(new ProtoWriter().packedVarints(1, []).length).toBe(0);
    expect(() => new ProtoWriter().varint(0.5)).toThrow(RangeError);
  });

  it('keeps large payloads intact through nested messages', () => {
    const payload = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const inner = new ProtoWriter().int64(1, 7).bytes(2, payload).int64(3, 9);
    // inner: 2 + (1 + 2 + 5000) + 2 = 5007 bytes, whose varint length is 0x8f 0x27.
    const bytes = new ProtoWriter().message(5, inner).finish();
    expect(bytes.length).toBe(1 + 2 + inner.length);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x2a, 0x8f, 0x27, 0x08, 7]);
    expect(bytes.subarray(8, 8 + 5000)).toEqual(payload);
    expect(Array.from(bytes.subarray(-2))).toEqual([0x18, 9]);
  });

  it('encodes the dims and data type of a TensorProto first', () => {
    const bytes = encodeTensor({ name: 't', elemType: 'int64', dims: [2], rawData: new Uint8Array(16) });
    // dims (field 1, packed): tag 0x0a, length 1, value 2; data_type (field 2) = 7.
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x0a, 1, 2, 0x10, 7]);
  });
});

describe('OnnxGraph run by onnxruntime-node', () => {
  it('MatMul + Add with initializers, from a Uint8Array model', async () => {
    const g = new OnnxGraph('linear');
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    const b = g.initializer('b', Float32Array.from([0.5, -1]), [2]);
    g.output(g.op('Add', [g.op('MatMul', [x, w]), b]), 'y', 'float32', ['batch', 2]);
    const out = await run(g, { x: f32([1, 0, 2, -1, 1, 1], [2, 3]) });
    // [1,0,2]·W = [11, 14]; [-1,1,1]·W = [7, 8]
    expect(values(out.y)).toEqual([11.5, 13, 7.5, 7]);
    expect(out.y?.dims).toEqual([2, 2]);
  });

  it('Gather rows of an embedding table with int64 ids', async () => {
    const g = new OnnxGraph('embed');
    const ids = g.input('ids', 'int64', ['batch', 'seq']);
    const table = g.initializer(
      'wte',
      Float32Array.from({ length: 8 }, (_, i) => i),
      [4, 2],
    );
    g.output(g.op('Gather', [table, ids], { axis: 0 }), 'h', 'float32', ['batch', 'seq', 2]);
    const out = await run(g, { ids: i64([3, 0, 1], [1, 3]) });
    expect(values(out.h)).toEqual([6, 7, 0, 1, 2, 3]);
    expect(out.h?.dims).toEqual([1, 3, 2]);
  });

  it('Softmax over the last axis', async () => {
    const g = new OnnxGraph('softmax');
    const x = g.input('x', 'float32', [1, 3]);
    g.output(g.op('Softmax', [x], { axis: -1 }), 'p', 'float32', [1, 3]);
    const out = await run(g, { x: f32([0, Math.log(2), Math.log(5)], [1, 3]) });
    expectClose(values(out.p), [0.125, 0.25, 0.625], 6);
  });

  it('Reshape with -1 from an int64 initializer', async () => {
    const g = new OnnxGraph('reshape');
    const x = g.input('x', 'float32', [2, 3]);
    const shape = g.initializer('shape', BigInt64Array.from([-1n, 2n]), [2]);
    g.output(g.op('Reshape', [x, shape]), 'y', 'float32', [3, 2]);
    g.output(g.op('Reshape', [x, g.int64s([1, -1])]), 'flat', 'float32', [1, 6]);
    const out = await run(g, { x: f32([1, 2, 3, 4, 5, 6], [2, 3]) });
    expect(out.y?.dims).toEqual([3, 2]);
    expect(out.flat?.dims).toEqual([1, 6]);
    expect(values(out.y)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('Concat onto a KV-cache-like input of symbolic length, empty or not', async () => {
    const g = new OnnxGraph('kv');
    const past = g.input('past', 'float32', [1, 'past_len', 2]);
    const now = g.input('now', 'float32', [1, 1, 2]);
    g.output(g.op('Concat', [past, now], { axis: 1 }), 'present', 'float32', [1, 'total_len', 2]);
    const session = await ort.InferenceSession.create(g.toModel());
    const full = await session.run({ past: f32([1, 2, 3, 4], [1, 2, 2]), now: f32([5, 6], [1, 1, 2]) });
    expect(full.present?.dims).toEqual([1, 3, 2]);
    expect(values(full.present)).toEqual([1, 2, 3, 4, 5, 6]);
    const empty = await session.run({ past: f32([], [1, 0, 2]), now: f32([5, 6], [1, 1, 2]) });
    expect(empty.present?.dims).toEqual([1, 1, 2]);
    await session.release();
  });

  it('Transpose with perm', async () => {
    const g = new OnnxGraph('transpose');
    const x = g.input('x', 'float32', [1, 2, 3]);
    g.output(g.op('Transpose', [x], { perm: [2, 0, 1] }), 'y', 'float32', [3, 1, 2]);
    const out = await run(g, { x: f32([1, 2, 3, 4, 5, 6], [1, 2, 3]) });
    expect(out.y?.dims).toEqual([3, 1, 2]);
    expect(values(out.y)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('takes a weight as a graph input fed at run time', async () => {
    const g = new OnnxGraph('weights-as-inputs');
    const x = g.input('x', 'float32', [1, 2]);
    const w = g.input('w', 'float32', [2, 2]);
    g.output(g.op('MatMul', [x, w]), 'y', 'float32', [1, 2]);
    const session = await ort.InferenceSession.create(g.toModel());
    expect(session.inputNames).toEqual(['x', 'w']);
    const a = await session.run({ x: f32([1, 2], [1, 2]), w: f32([1, 0, 0, 1], [2, 2]) });
    const b = await session.run({ x: f32([1, 2], [1, 2]), w: f32([0, 1, 1, 0], [2, 2]) });
    expect([values(a.y), values(b.y)]).toEqual([
      [1, 2],
      [2, 1],
    ]);
    await session.release();
  });

  it('Where with a bool input and a bool initializer', async () => {
    const g = new OnnxGraph('where');
    const cond = g.input('cond', 'bool', [4]);
    const mask = g.initializer('mask', Uint8Array.from([1, 1, 0, 1]), [4], 'bool');
    const both = g.op('And', [cond, mask]);
    const a = g.input('a', 'float32', [4]);
    g.output(g.op('Where', [both, a, g.scalar(-100)]), 'y', 'float32', [4]);
    const feeds = { cond: new ort.Tensor('bool', Uint8Array.from([1, 0, 1, 1]), [4]), a: f32([1, 2, 3, 4], [4]) };
    const out = await run(g, feeds);
    expect(values(out.y)).toEqual([1, -100, -100, 4]);
  });

  it('Split into two named outputs, with and without split sizes', async () => {
    const g = new OnnxGraph('split');
    const x = g.input('x', 'float32', [2, 4]);
    const [left, right] = g.ops('Split', [x, g.int64s([1, 3])], 2, { axis: 1 }) as [OnnxValue, OnnxValue];
    const [top, bottom] = g.ops('Split', [x], 2, { axis: 0 }, { outputNames: ['top', 'bottom'] }) as [
      OnnxValue,
      OnnxValue,
    ];
    g.output(left, 'left', 'float32', [2, 1]);
    g.output(right, 'right', 'float32', [2, 3]);
    g.output(top, 'top', 'float32', [1, 4]);
    g.output(bottom, 'bottom', 'float32', [1, 4]);
    const out = await run(g, { x: f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]) });
    expect(values(out.left)).toEqual([1, 5]);
    expect(values(out.right)).toEqual([2, 3, 4, 6, 7, 8]);
    expect(values(out.top)).toEqual([1, 2, 3, 4]);
    expect(values(out.bottom)).toEqual([5, 6, 7, 8]);
  });

  it('writes attributes of every type: int, float, floats, ints, string, tensor', async () => {
    const g = new OnnxGraph('attributes');
    const x = g.input('x', 'float32', [3]);
    g.output(g.op('LeakyRelu', [x], { alpha: 0.25 }), 'leaky', 'float32', [3]);
    g.output(g.op('LeakyRelu', [x], { alpha: attr.float(2) }), 'leaky2', 'float32', [3]);
    g.output(g.op('Constant', [], { value_floats: [1.5, -2.5] }), 'floats', 'float32', [2]);
    g.output(g.op('Constant', [], { value_ints: [-1, 2 ** 40] }), 'ints', 'int64', [2]);
    g.output(g.op('Constant', [], { value_int: -7 }), 'int', 'int64', []);
    g.output(g.op('Constant', [], { value: attr.tensor(Int32Array.from([4, -5]), [2]) }), 'tensor', 'int32', [2]);
    const pads = g.int64s([2, 0]);
    g.output(g.op('Pad', [x, pads], { mode: 'reflect' }), 'padded', 'float32', [5]);
    g.output(g.op('Constant', [], { value_strings: ['a', 'bc'] }), 'strings', 'string', [2]);
    const out = await run(g, { x: f32([-4, 1, 2], [3]) });
    expect(values(out.leaky)).toEqual([-1, 1, 2]);
    expect(values(out.leaky2)).toEqual([-8, 1, 2]);
    expect(values(out.floats)).toEqual([1.5, -2.5]);
    expect(Array.from(out.ints?.data as BigInt64Array)).toEqual([-1n, 2n ** 40n]);
    expect(Array.from(out.int?.data as BigInt64Array)).toEqual([-7n]);
    expect(values(out.tensor)).toEqual([4, -5]);
    expect(values(out.padded)).toEqual([2, 1, -4, 1, 2]);
    expect(out.strings?.data).toEqual(['a', 'bc']);
  });

  it('runs a com.microsoft contrib op, importing its opset automatically', async () => {
    const g = new OnnxGraph('contrib');
    const x = g.input('x', 'float32', [3]);
    g.output(g.op('Gelu', [x], {}, { domain: 'com.microsoft' }), 'y', 'float32', [3]);
    const out = await run(g, { x: f32([0, 1, -1], [3]) });
    expectClose(values(out.y), [0, 0.8413447, -0.1586553], 5);
  });

  it('reads float16 initializers stored as Uint16Array, with value_info on an intermediate', async () => {
    const g = new OnnxGraph('half');
    const half = g.initializer('half', Uint16Array.of(0x3c00, 0xc000, 0x3800), [3], 'float16');
    const doubled = g.op('Add', [half, half]);
    g.valueInfo(doubled, 'float16', [3]);
    g.output(g.op('Cast', [doubled], { to: 1 }), 'y', 'float32', [3]);
    const out = await run(g, {});
    expect(values(out.y)).toEqual([2, -4, 1]);
  });

  it('skips omitted optional inputs and handles int32 constants', async () => {
    const g = new OnnxGraph('optional');
    const x = g.input('x', 'int32', [3]);
    const clipped = g.op('Clip', [x, null, g.scalar(5, 'int32')]);
    g.output(g.op('Add', [clipped, g.constant(Int32Array.of(1, 1, 1), [3])]), 'y', 'int32', [3]);
    const out = await run(g, { x: new ort.Tensor('int32', Int32Array.from([-9, 4, 9]), [3]) });
    expect(values(out.y)).toEqual([-8, 5, 6]);
  });
});

describe('OnnxGraph naming', () => {
  it('generates unique names, scopes them, and renames or copies outputs', async () => {
    const g = new OnnxGraph('names');
    const x = g.input('x', 'float32', [2]);
    const [a, b] = g.scoped('layer0', () => [g.op('Neg', [x]), g.op('Neg', [x])] as const);
    expect(a.name).toMatch(/^layer0\/neg_\d+$/);
    expect(a.name).not.toBe(b.name);
    g.output(a, 'neg', 'float32', [2]);
    expect(a.name).toBe('neg');
    const copied = g.output(a, 'neg_again', 'float32', [2]);
    expect(copied.name).toBe('neg_again');
    g.output(x, 'x_out', 'float32', [2]);
    g.output(b, 'neg_b', 'float32');
    const session = await ort.InferenceSession.create(g.toModel());
    expect(session.outputNames).toEqual(['neg', 'neg_again', 'x_out', 'neg_b']);
    const out = await session.run({ x: f32([1, -2], [2]) });
    expect(values(out.neg_again)).toEqual([-1, 2]);
    expect(values(out.x_out)).toEqual([1, -2]);
    await session.release();
  });

  it('rejects duplicate names, foreign values and mismatched tensor data', () => {
    const g = new OnnxGraph('errors');
    const x = g.input('x', 'float32', [2]);
    expect(() => g.input('x', 'float32', [2])).toThrow(/duplicate value name 'x'/);
    expect(() => new OnnxGraph('other').op('Neg', [x])).toThrow(/another graph/);
    expect(() => g.initializer('w', Float32Array.of(1, 2, 3), [2, 2])).toThrow(/4 elements/);
    expect(() => g.initializer('w', Int32Array.of(1), [1], 'float32')).toThrow(TypeError);
    expect(() => g.op('Neg', [x], { bad: [1, 'a'] as unknown as number[] })).toThrow(/mixes/);
    expect(() => g.toModel()).toThrow(/no outputs/);
    expect(() => g.output(x, 'x', 'float32', [2])).toThrow(/duplicate value name 'x'/);
  });
});
