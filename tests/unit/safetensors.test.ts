/** safetensors read/write: exact bytes against hand-built files, float16/bfloat16 rounding, every malformed-file error. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../main/engine/errors';
import {
  parseSafetensors,
  readSafetensorsFile,
  readShardedSafetensors,
  SHARD_INDEX_FILE,
  serializeSafetensors,
  type TensorToWrite,
  writeSafetensorsFile,
} from '../../main/engine/io/safetensors';
import { tempDir } from '../helpers/paths';

/** A safetensors file from a header string (padded with `padTo` spaces) and raw data bytes. */
function fileBytes(header: string | object, data: number[] | Uint8Array = [], padTo = 8): Uint8Array {
  let json = typeof header === 'string' ? header : JSON.stringify(header);
  while (json.length % padTo !== 0) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

function le(values: number[], kind: 'f32' | 'f64' | 'u16' | 'i32' | 'i64'): number[] {
  const size = { f32: 4, f64: 8, u16: 2, i32: 4, i64: 8 }[kind];
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, i) => {
    if (kind === 'f32') view.setFloat32(i * size, v, true);
    if (kind === 'f64') view.setFloat64(i * size, v, true);
    if (kind === 'u16') view.setUint16(i * size, v, true);
    if (kind === 'i32') view.setInt32(i * size, v, true);
    if (kind === 'i64') view.setBigInt64(i * size, BigInt(v), true);
  });
  return [...new Uint8Array(view.buffer)];
}

const info = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});

function inputError(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

/** The stored element bits of the (single) tensor in a serialized file. */
function storedUint16(bytes: Uint8Array): number[] {
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const data = new DataView(bytes.buffer, 8 + headerLength);
  return Array.from({ length: data.byteLength / 2 }, (_, i) => data.getUint16(2 * i, true));
}

function headerOf(bytes: Uint8Array): string {
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + length));
}

describe('parseSafetensors', () => {
  it('reads a hand-built file: metadata, shapes, dtypes and values, in offset order', () => {
    const header = {
      __metadata__: { format: 'pt' },
      ids: info('I64', [2], 16, 32),
      w: info('F32', [2, 2], 0, 16),
    };
    const bytes = fileBytes(header, [...le([1, -2, 0.5, 3], 'f32'), ...le([-1, 7], 'i64')]);
    const { tensors, metadata } = parseSafetensors(bytes, 'm.safetensors');
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['w', 'F32', [2, 2]],
      ['ids', 'I64', [2]],
    ]);
    expect(tensors[0]?.data).toEqual(new Float32Array([1, -2, 0.5, 3]));
    expect(tensors[1]?.data).toEqual(new Int32Array([-1, 7]));
    // Aligned F32 data is a view on the file's bytes, not a copy.
    expect(tensors[0]?.data.buffer).toBe(bytes.buffer);
  });

  it('upcasts F16 exactly, subnormals, infinities, NaN and -0 included', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555];
    const bytes = fileBytes({ h: info('F16', [bits.length], 0, 2 * bits.length) }, le(bits, 'u16'));
    const [half] = parseSafetensors(bytes, 'h').tensors;
    expect(half?.data).toBeInstanceOf(Float32Array);
    const expected = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity, Number.NaN, -0, 0.333251953125];
    expect([...(half?.data ?? [])]).toEqual(expected);
  });

  it('upcasts BF16 by placing its bits in the high half of a float32', () => {
    const bytes = fileBytes({ b: info('BF16', [4], 0, 8) }, le([0x3f80, 0xc040, 0x7f80, 0x3f81], 'u16'));
    expect([...(parseSafetensors(bytes, 'b').tensors[0]?.data ?? [])]).toEqual([1, -3, Infinity, 1 + 2 ** -7]);
  });

  it('downcasts F64 and widens the small integer types to Int32Array', () => {
    const header = {
      d: info('F64', [2], 0, 16),
      i32: info('I32', [2], 16, 24),
      i16: info('I16', [2], 24, 28),
      i8: info('I8', [2], 28, 30),
      u8: info('U8', [2], 30, 32),
      flag: info('BOOL', [2], 32, 34),
    };
    const data = [
      ...le([0.1, -1e300], 'f64'),
      ...le([-5, 2 ** 31 - 1], 'i32'),
      0x00,
      0x80,
      0xff,
      0x7f,
      0xfe,
      1,
      200,
      0,
    ];
    data.push(0, 1, 0, 0);
    const byName = Object.fromEntries(parseSafetensors(fileBytes(header, data), 'x').tensors.map((t) => [t.name, t]));
    expect([...(byName.d?.data ?? [])]).toEqual([Math.fround(0.1), -Infinity]);
    expect([...(byName.i32?.data ?? [])]).toEqual([-5, 2 ** 31 - 1]);
    expect([...(byName.i16?.data ?? [])]).toEqual([-32768, 32767]);
    expect([...(byName.i8?.data ?? [])]).toEqual([-2, 1]);
    expect([...(byName.u8?.data ?? [])]).toEqual([200, 0]);
    expect([...(byName.flag?.data ?? [])]).toEqual([0, 1]);
    expect(byName.flag?.data).toBeInstanceOf(Int32Array);
  });

  it('reads F32 data that sits unaligned after an odd-length header, and zero-size tensors', () => {
    const header = { w: info('F32', [3], 0, 12), empty: info('F32', [0, 4], 12, 12), s: info('F32', [], 12, 16) };
    const bytes = fileBytes(header, le([1.5, -0, 7, 42], 'f32'), 1);
    expect((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 4).not.toBe(0);
    const [w, empty, s] = parseSafetensors(bytes, 'odd').tensors;
    expect([...(w?.data ?? [])]).toEqual([1.5, -0, 7]);
    expect(empty?.data.length).toBe(0);
    expect(s?.shape).toEqual([]);
    expect([...(s?.data ?? [])]).toEqual([42]);
  });
});

describe('parseSafetensors errors', () => {
  const good = () => fileBytes({ a: info('F32', [2], 0, 8), b: info('F32', [1], 8, 12) }, le([1, 2, 3], 'f32'));

  it('a file too short for the header length', () => {
    expect(inputError(() => parseSafetensors(new Uint8Array(5), 'tiny.safetensors')).message).toBe(
      'tiny.safetensors: file is truncated: 5 bytes, too short for the 8-byte header length',
    );
  });

  it('a header length that overruns the file names both sizes', () => {
    const bytes = good().slice(0, 40);
    const message = inputError(() => parseSafetensors(bytes, 'f')).message;
    expect(message).toMatch(/header length \d+ bytes overruns the file: only 32 bytes follow/);
    expect(message).toContain('file size 40 bytes');
  });

  it('a header that is not JSON, or not an object', () => {
    expect(inputError(() => parseSafetensors(fileBytes('{"a": [1,'), 'f')).message).toMatch(/header is not JSON/);
    expect(inputError(() => parseSafetensors(fileBytes('[1, 2]'), 'f')).message).toMatch(/not a JSON object/);
  });

  it('offsets outside the data section name the tensor', () => {
    const bytes = fileBytes({ a: info('F32', [2], 0, 8), far: info('F32', [1], 100, 104) }, le([1, 2], 'f32'));
    const message = inputError(() => parseSafetensors(bytes, 'f')).message;
    expect(message).toMatch(/tensor "far" data_offsets \[100, 104\] fall outside the data section, which holds 8/);
  });

  it('a truncated file (valid header, data cut short)', () => {
    const bytes = good();
    const message = inputError(() => parseSafetensors(bytes.subarray(0, bytes.length - 2), 'cut')).message;
    expect(message).toMatch(/tensor "b" .* outside the data section, which holds 10 bytes: the file is truncated/);
  });

  it('a byte length that disagrees with shape × dtype size', () => {
    const bytes = fileBytes({ odd: info('F16', [2, 3], 0, 8) }, new Uint8Array(8));
    expect(inputError(() => parseSafetensors(bytes, 'f')).message).toMatch(
      /tensor "odd" holds 8 bytes but shape \[2, 3\] of F16 needs 12/,
    );
  });

  it('overlapping tensors name both', () => {
    const bytes = fileBytes({ a: info('F32', [2], 0, 8), b: info('F32', [2], 4, 12) }, new Uint8Array(12));
    expect(inputError(() => parseSafetensors(bytes, 'f')).message).toMatch(
      /tensors "a" \(bytes 0-8\) and "b" \(bytes 4-12\) overlap/,
    );
  });

  it('an unsupported dtype is named', () => {
    const bytes = fileBytes({ q: info('F8_E4M3', [2], 0, 2) }, [0, 0]);
    expect(inputError(() => parseSafetensors(bytes, 'f')).message).toMatch(
      /tensor "q" has unsupported dtype "F8_E4M3"/,
    );
  });

  it('I64 values outside int32, malformed entries and non-string metadata', () => {
    const wide = fileBytes({ big: info('I64', [2], 0, 16) }, le([1, 2 ** 32], 'i64'));
    expect(inputError(() => parseSafetensors(wide, 'f')).message).toMatch(
      /tensor "big": I64 value 4294967296 at index 1 does not fit in int32/,
    );
    const badOffsets = fileBytes({ t: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4));
    expect(inputError(() => parseSafetensors(badOffsets, 'f')).message).toMatch(/tensor "t": data_offsets/);
    const badMeta = fileBytes({ __metadata__: { total: 3 } });
    expect(inputError(() => parseSafetensors(badMeta, 'f')).message).toMatch(/"total" is a number, not a string/);
  });
});

describe('serializeSafetensors', () => {
  it('matches the reference writer byte for byte', () => {
    const out = serializeSafetensors([
      { name: 'attn.0', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) },
    ]);
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(out).toEqual(fileBytes(json, le([0, 1, 2, 3, 4, 5], 'f32')));
    const empty = serializeSafetensors([], { framework: 'pt' });
    expect(headerOf(empty)).toBe('{"__metadata__":{"framework":"pt"}}     ');
    expect(serializeSafetensors([])).toEqual(fileBytes('{}'));
  });

  it('orders by dtype alignment then name, with contiguous offsets and a space-padded header', () => {
    const f = (name: string, dtype: TensorToWrite['dtype'], n = 1): TensorToWrite => ({
      name,
      shape: [n],
      data: dtype === 'I32' || dtype === 'I64' ? new Int32Array(n) : new Float32Array(n),
      dtype,
    });
    const out = serializeSafetensors([f('h', 'F16', 3), f('z', 'F32'), f('a', 'F32'), f('b', 'BF16'), f('i', 'I64')]);
    const header = headerOf(out);
    expect(header.length % 8).toBe(0);
    const names = Object.keys(JSON.parse(header));
    expect(names).toEqual(['i', 'a', 'z', 'b', 'h']);
    const parsed = parseSafetensors(out, 'x').tensors;
    expect(parsed.map((t) => t.name)).toEqual(names);
    expect(parsed.map((t) => t.dtype)).toEqual(['I64', 'F32', 'F32', 'BF16', 'F16']);
  });

  it('keeps a tensor named like an integer in its sorted place', () => {
    const out = serializeSafetensors([
      { name: '0', shape: [1], data: new Float32Array(1), dtype: 'F16' },
      { name: 'a', shape: [1], data: new Float32Array(1) },
    ]);
    expect(headerOf(out)).toMatch(/^\{"a":.*,"0":/);
  });

  it('rounds to F16 to nearest even, with exact special values', () => {
    const values = [
      1,
      -2,
      65504,
      2 ** -24,
      Infinity,
      65519,
      65520,
      2 ** -25,
      3 * 2 ** -25,
      1 + 2 ** -11,
      1 + 3 * 2 ** -11,
    ];
    const out = serializeSafetensors([
      { name: 'h', shape: [values.length], data: new Float32Array(values), dtype: 'F16' },
    ]);
    const expected = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7bff, 0x7c00, 0x0000, 0x0002, 0x3c00, 0x3c02];
    expect(storedUint16(out)).toEqual(expected);
    const back = [...(parseSafetensors(out, 'h').tensors[0]?.data ?? [])];
    expect(back).toEqual([1, -2, 65504, 2 ** -24, Infinity, 65504, Infinity, 0, 2 ** -23, 1, 1 + 2 ** -9]);
  });

  it('rounds to F16 correctly at every midpoint between adjacent halves, and its neighbours', () => {
    const everyHalf = Array.from({ length: 0x7c01 }, (_, h) => h);
    const halves = parseSafetensors(
      fileBytes({ h: info('F16', [everyHalf.length], 0, 2 * everyHalf.length) }, le(everyHalf, 'u16')),
      'h',
    );
    const halfValue = (h: number) => halves.tensors[0]?.data[h] as number;
    const values: number[] = [];
    const expected: number[] = [];
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    for (let h = 0; h < 0x7c00; h++) {
      // Past the largest half, 65536 stands in for infinity: the overflow threshold is their midpoint, 65520.
      asFloat[0] = (halfValue(h) + (h === 0x7bff ? 65536 : halfValue(h + 1))) / 2;
      const midpoint = bits[0] as number;
      for (const [delta, want] of [
        [-1, h],
        [0, h % 2 === 0 ? h : h + 1],
        [1, h + 1],
      ] as const) {
        bits[0] = midpoint + delta;
        values.push(asFloat[0] as number, -(asFloat[0] as number));
        expected.push(want, want | 0x8000);
      }
    }
    const data = new Float32Array(values);
    const stored = storedUint16(serializeSafetensors([{ name: 'h', shape: [data.length], data, dtype: 'F16' }]));
    const wrong = stored.flatMap((h, i) =>
      h === expected[i] ? [] : [{ value: values[i], got: h, want: expected[i] }],
    );
    expect(wrong).toEqual([]);
  });

  it('rounds to BF16 to nearest even and keeps NaN a NaN', () => {
    const values = [1, 1 + 2 ** -8, 1 + 3 * 2 ** -9, 1 + 2 ** -7 + 2 ** -8, -Infinity, Number.NaN];
    const out = serializeSafetensors([{ name: 'b', shape: [6], data: new Float32Array(values), dtype: 'BF16' }]);
    const stored = storedUint16(out);
    expect(stored.slice(0, 5)).toEqual([0x3f80, 0x3f80, 0x3f81, 0x3f82, 0xff80]);
    const back = [...(parseSafetensors(out, 'b').tensors[0]?.data ?? [])];
    expect(back).toEqual([1, 1, 1 + 2 ** -7, 1 + 2 ** -6, -Infinity, Number.NaN]);
  });

  it('round-trips F32, I32 and I64 exactly, with metadata', () => {
    const w = new Float32Array([Math.PI, -0, 1e-40, 3.4e38]);
    const ids = new Int32Array([-(2 ** 31), -1, 0, 2 ** 31 - 1]);
    const out = serializeSafetensors(
      [
        { name: 'w', shape: [2, 2], data: w },
        { name: 'ids', shape: [4], data: ids },
        { name: 'pos', shape: [4], data: ids, dtype: 'I64' },
      ],
      { format: 'pt' },
    );
    const { tensors, metadata } = parseSafetensors(out, 'x');
    expect(metadata).toEqual({ format: 'pt' });
    const byName = Object.fromEntries(tensors.map((t) => [t.name, t]));
    expect(byName.w?.data).toEqual(w);
    expect(byName.ids).toMatchObject({ dtype: 'I32', data: ids });
    expect(byName.pos).toMatchObject({ dtype: 'I64', data: ids, shape: [4] });
  });

  it('refuses a shape that does not match the data', () => {
    expect(() => serializeSafetensors([{ name: 'x', shape: [3], data: new Float32Array(2) }])).toThrow(RangeError);
  });
});

describe('safetensors files', () => {
  const tensors: TensorToWrite[] = [
    { name: 'embed', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]), dtype: 'BF16' },
    { name: 'norm', shape: [3], data: new Float32Array([0.5, 0.25, -1]) },
  ];

  it('writes atomically, leaving no temp file, and reads back', async () => {
    const folder = tempDir('safetensors');
    const file = path.join(folder, 'model.safetensors');
    await writeSafetensorsFile(file, [{ name: 'old', shape: [1], data: new Float32Array(1) }]);
    await writeSafetensorsFile(file, tensors, { format: 'pt' });
    expect(readdirSync(folder)).toEqual(['model.safetensors']);
    const { tensors: read, metadata } = await readSafetensorsFile(file);
    expect(metadata).toEqual({ format: 'pt' });
    expect(read.map((t) => [t.name, t.shape, [...t.data]])).toEqual([
      ['norm', [3], [0.5, 0.25, -1]],
      ['embed', [2, 3], [1, 2, 3, 4, 5, 6]],
    ]);
  });

  it('a missing file is an InputError naming it', async () => {
    const file = path.join(tempDir('safetensors'), 'absent.safetensors');
    await expect(readSafetensorsFile(file)).rejects.toThrow(new InputError('file not found', file));
  });

  it('reads a sharded checkpoint through its index', async () => {
    const folder = tempDir('shards');
    await writeSafetensorsFile(path.join(folder, 'model-00001-of-00002.safetensors'), tensors.slice(0, 1));
    await writeSafetensorsFile(path.join(folder, 'model-00002-of-00002.safetensors'), tensors.slice(1));
    const weightMap = { embed: 'model-00001-of-00002.safetensors', norm: 'model-00002-of-00002.safetensors' };
    const index = { metadata: { total_size: 48 }, weight_map: weightMap };
    writeFileSync(path.join(folder, SHARD_INDEX_FILE), JSON.stringify(index));
    const { tensors: read, metadata } = await readShardedSafetensors(folder);
    expect(metadata).toEqual({ total_size: 48 });
    expect(read.map((t) => t.name).sort()).toEqual(['embed', 'norm']);
    expect([...(read.find((t) => t.name === 'norm')?.data ?? [])]).toEqual([0.5, 0.25, -1]);
  });

  it('a weight map naming the wrong shard, a missing shard or a path outside the folder is an InputError', async () => {
    const folder = tempDir('shards-bad');
    mkdirSync(folder, { recursive: true });
    await writeSafetensorsFile(path.join(folder, 'a.safetensors'), tensors.slice(0, 1));
    await writeSafetensorsFile(path.join(folder, 'b.safetensors'), tensors.slice(1));
    const withMap = async (weight_map: Record<string, string>) => {
      writeFileSync(path.join(folder, SHARD_INDEX_FILE), JSON.stringify({ weight_map }));
      return readShardedSafetensors(folder).then(
        () => expect.fail('expected an InputError'),
        (error: unknown) => {
          expect(error).toBeInstanceOf(InputError);
          return (error as Error).message;
        },
      );
    };
    expect(await withMap({ embed: 'a.safetensors', norm: 'a.safetensors' })).toMatch(
      /tensor "norm" is listed in shard "a.safetensors" but that shard does not hold it/,
    );
    expect(await withMap({ embed: 'a.safetensors', norm: 'c.safetensors' })).toMatch(/c\.safetensors: file not found/);
    expect(await withMap({ embed: '../a.safetensors' })).toMatch(/lies outside the model folder/);
  });
});
