/**
 * Hugging Face safetensors files, read and written with Node alone. Layout: a little-endian u64 N, N bytes of UTF-8
 * JSON (`{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`, offsets counted from
 * the first byte after the header), then the tensors' bytes, little-endian and C order.
 */
import { randomUUID } from 'node:crypto';
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors';

/** Float formats this module writes; float tensors of every one come back as Float32Array. */
export type StoredDtype = 'F32' | 'F16' | 'BF16';
export type WritableDtype = StoredDtype | 'I32' | 'I64';

/**
 * A tensor read from a file. F32 and I32 data that sits aligned in the file is a view on the file's buffer, not a
 * copy: every such view keeps the whole buffer alive, and transferring that buffer would detach them all.
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
  /** As stored in the file: 'F16' here still means `data` holds the float32 upcast. */
  dtype: string;
}

export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: Float32Array | Int32Array;
  /** Default: F32 for Float32Array data, I32 for Int32Array data. */
  dtype?: WritableDtype;
}

export interface SafetensorsContents {
  /** In file order (by data offset). */
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

export interface ShardedContents {
  tensors: NamedTensor[];
  /** The index's own `metadata` (transformers writes `total_size` as a number, so values are not only strings). */
  metadata: Record<string, unknown>;
}

export const SHARD_INDEX_FILE = 'model.safetensors.index.json';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------------------------
// Byte order and alignment

type TypedArrayCtor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
};

/** A fresh copy of `src` with every `size`-byte element reversed (little-endian ⇄ big-endian host order). */
function byteSwapped(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = src[i + size - 1 - j] as number;
  }
  return out;
}

/** Little-endian bytes as host-order elements: a view when aligned on a little-endian host, else one copy. */
function hostView<T>(src: Uint8Array, ctor: TypedArrayCtor<T>): T {
  const size = ctor.BYTES_PER_ELEMENT;
  let bytes = src;
  if (!LITTLE_ENDIAN_HOST) bytes = byteSwapped(src, size);
  else if (src.byteOffset % size !== 0) bytes = src.slice();
  return new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
}

/** Host-order elements as little-endian bytes: a view on little-endian hosts. */
function littleEndianBytes(data: Float32Array | Int32Array | Uint16Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return LITTLE_ENDIAN_HOST ? bytes : byteSwapped(bytes, data.BYTES_PER_ELEMENT);
}

// ---------------------------------------------------------------------------------------------------------------
// Half-precision and bfloat16 conversions

/** Exact value of an IEEE binary16 bit pattern. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

let halfTable: Float32Array | undefined;

/** All 65536 binary16 values: a lookup is much faster than decoding each of a model's millions of weights. */
function halfLookupTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** `x / 2^shift` rounded to nearest, ties to even; x < 2^24. */
function shiftRoundEven(x: number, shift: number): number {
  if (shift > 24) return 0;
  const quotient = x >>> shift;
  const remainder = x & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return remainder > half || (remainder === half && quotient & 1) ? quotient + 1 : quotient;
}

/** float32 bits → binary16 bits, round to nearest even; a mantissa carry correctly bumps the exponent (to inf too). */
function floatBitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa ? 0x7e00 : 0x7c00);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00;
  if (unbiased >= -14) return sign | (((unbiased + 15) << 10) + shiftRoundEven(mantissa, 13));
  if (exponent === 0) return sign;
  // Subnormal half: the value in units of 2^-24 is the 24-bit significand times 2^(unbiased + 1).
  return sign | shiftRoundEven(mantissa | 0x800000, -unbiased - 1);
}

/** float32 bits → bfloat16 bits, round to nearest even; NaNs stay NaN (quiet bit set). */
function floatBitsToBfloat16(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40;
  return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding stored dtypes

interface DtypeReader {
  size: number;
  decode(src: Uint8Array, name: string, file: string): Float32Array | Int32Array;
}

function decodeHalf(src: Uint8Array): Float32Array {
  const halves = hostView(src, Uint16Array);
  const table = halfLookupTable();
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i] as number] as number;
  return out;
}

/** bfloat16 is the high half of a float32, so widening is a 16-bit shift, exact. */
function decodeBfloat16(src: Uint8Array): Float32Array {
  const halves = hostView(src, Uint16Array);
  const out = new Float32Array(halves.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) outBits[i] = (halves[i] as number) << 16;
  return out;
}

function outOfRange(dtype: string, value: bigint | number, index: number, name: string, file: string): InputError {
  return new InputError(`tensor "${name}": ${dtype} value ${value} at index ${index} does not fit in int32`, file);
}

/** 64-bit integers narrowed to int32; each is a (low, high) pair of 32-bit words. */
function decodeInt64(src: Uint8Array, name: string, file: string, unsigned: boolean): Int32Array {
  const words = hostView(src, Int32Array);
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const low = words[2 * i] as number;
    const high = words[2 * i + 1] as number;
    // The value fits in int32 exactly when the high word is the low word's sign extension.
    if (high !== low >> 31 || (unsigned && low < 0)) {
      const value = new DataView(src.buffer, src.byteOffset + 8 * i, 8);
      const wide = unsigned ? value.getBigUint64(0, true) : value.getBigInt64(0, true);
      throw outOfRange(unsigned ? 'U64' : 'I64', wide, i, name, file);
    }
    out[i] = low;
  }
  return out;
}

function decodeUint32(src: Uint8Array, name: string, file: string): Int32Array {
  const values = hostView(src, Uint32Array);
  const tooLarge = values.findIndex((v) => v > 0x7fffffff);
  if (tooLarge >= 0) throw outOfRange('U32', values[tooLarge] as number, tooLarge, name, file);
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

const READERS: Record<string, DtypeReader> = {
  F32: { size: 4, decode: (src) => hostView(src, Float32Array) },
  F16: { size: 2, decode: decodeHalf },
  BF16: { size: 2, decode: decodeBfloat16 },
  // Float32Array's constructor rounds each double to nearest even.
  F64: { size: 8, decode: (src) => new Float32Array(hostView(src, Float64Array)) },
  I64: { size: 8, decode: (src, name, file) => decodeInt64(src, name, file, false) },
  U64: { size: 8, decode: (src, name, file) => decodeInt64(src, name, file, true) },
  I32: { size: 4, decode: (src) => hostView(src, Int32Array) },
  U32: { size: 4, decode: decodeUint32 },
  I16: { size: 2, decode: (src) => new Int32Array(hostView(src, Int16Array)) },
  U16: { size: 2, decode: (src) => new Int32Array(hostView(src, Uint16Array)) },
  I8: { size: 1, decode: (src) => new Int32Array(new Int8Array(src.buffer, src.byteOffset, src.length)) },
  U8: { size: 1, decode: (src) => new Int32Array(src) },
  BOOL: { size: 1, decode: (src) => Int32Array.from(src, (b) => (b ? 1 : 0)) },
};

// ---------------------------------------------------------------------------------------------------------------
// Parsing

interface TensorEntry {
  name: string;
  dtype: string;
  reader: DtypeReader;
  shape: number[];
  begin: number;
  end: number;
}

/** The header JSON object and where the data section starts. */
function readHeader(bytes: Uint8Array, file: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) {
    throw new InputError(`file is truncated: ${bytes.length} bytes, too short for the 8-byte header length`, file);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new InputError(
      `header length ${headerLength} bytes overruns the file: only ${bytes.length - 8} bytes follow ` +
        `the 8-byte length (file size ${bytes.length} bytes); the file is truncated or not safetensors`,
      file,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw new InputError('header is not valid UTF-8', file);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new InputError(`header is not JSON: ${(error as Error).message}`, file);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InputError('header is not a JSON object', file);
  }
  return { header: header as Record<string, unknown>, dataStart };
}

function readMetadata(raw: unknown, file: string): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError('"__metadata__" is not a JSON object of strings', file);
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      throw new InputError(`"__metadata__" value for "${key}" is a ${typeof value}, not a string`, file);
    }
    metadata[key] = value;
  }
  return metadata;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function readEntry(name: string, raw: unknown, file: string): TensorEntry {
  const info = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') throw new InputError(`tensor "${name}" has no dtype string`, file);
  const reader = READERS[dtype];
  if (!reader) {
    const supported = Object.keys(READERS).join(', ');
    throw new InputError(`tensor "${name}" has unsupported dtype "${dtype}" (supported: ${supported})`, file);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw new InputError(`tensor "${name}": shape is not a list of non-negative integers`, file);
  }
  const [begin, end] = (Array.isArray(offsets) ? offsets : []) as number[];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(begin) || !isCount(end) || begin > end) {
    throw new InputError(`tensor "${name}": data_offsets is not [begin, end] with 0 <= begin <= end`, file);
  }
  const needed = shape.reduce((n: number, d: number) => n * d, 1) * reader.size;
  if (end - begin !== needed) {
    throw new InputError(
      `tensor "${name}" holds ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${needed}`,
      file,
    );
  }
  return { name, dtype, reader, shape: shape as number[], begin, end };
}

/** Every tensor lies inside the data section and no two share a byte (gaps are tolerated, as they harm nothing). */
function checkLayout(entries: TensorEntry[], dataLength: number, file: string): void {
  let previous: TensorEntry | undefined;
  for (const entry of entries) {
    if (entry.end > dataLength) {
      throw new InputError(
        `tensor "${entry.name}" data_offsets [${entry.begin}, ${entry.end}] fall outside the data section, ` +
          `which holds ${dataLength} bytes: the file is truncated or its header is wrong`,
        file,
      );
    }
    if (entry.begin === entry.end) continue;
    if (previous && entry.begin < previous.end) {
      throw new InputError(
        `tensors "${previous.name}" (bytes ${previous.begin}-${previous.end}) and ` +
          `"${entry.name}" (bytes ${entry.begin}-${entry.end}) overlap`,
        file,
      );
    }
    previous = entry;
  }
}

/** Parses a whole safetensors file held in memory; `file` names it in error messages. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const { header, dataStart } = readHeader(bytes, file);
  const metadata = readMetadata(header.__metadata__, file);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, raw]) => readEntry(name, raw, file))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  const data = bytes.subarray(dataStart);
  checkLayout(entries, data.length, file);
  const tensors = entries.map((entry) => ({
    name: entry.name,
    shape: entry.shape,
    dtype: entry.dtype,
    data: entry.reader.decode(data.subarray(entry.begin, entry.end), entry.name, file),
  }));
  return { tensors, metadata };
}

// ---------------------------------------------------------------------------------------------------------------
// Serializing

/** The reference writer (Rust `safetensors`, behind the Python package) orders tensors by this rank, descending. */
const DTYPE_RANK: Record<WritableDtype, number> = { F16: 7, BF16: 8, I32: 9, F32: 11, I64: 13 };
const WRITTEN_SIZE: Record<WritableDtype, number> = { F16: 2, BF16: 2, I32: 4, F32: 4, I64: 8 };

interface PlannedTensor {
  tensor: TensorToWrite;
  dtype: WritableDtype;
  begin: number;
  end: number;
}

interface Layout {
  /** The 8-byte length and the space-padded header JSON. */
  head: Uint8Array;
  tensors: PlannedTensor[];
  dataLength: number;
}

function checkTensorToWrite(tensor: TensorToWrite, dtype: WritableDtype): void {
  if (!tensor.shape.every(isCount)) throw new RangeError(`tensor "${tensor.name}": bad shape [${tensor.shape}]`);
  const count = tensor.shape.reduce((n, d) => n * d, 1);
  if (count !== tensor.data.length) {
    throw new RangeError(
      `tensor "${tensor.name}": shape [${tensor.shape}] needs ${count} values, got ${tensor.data.length}`,
    );
  }
  if ((dtype === 'I32' || dtype === 'I64') && !(tensor.data instanceof Int32Array)) {
    throw new TypeError(`tensor "${tensor.name}": ${dtype} needs Int32Array data`);
  }
}

/** Rust orders strings by UTF-8 bytes, which is code-point order, not JavaScript's UTF-16 order. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Alignment-first order, as the reference writer does, so every tensor starts aligned to its element size. */
function orderForWriting(tensors: readonly TensorToWrite[]): Array<{ tensor: TensorToWrite; dtype: WritableDtype }> {
  const names = new Set<string>();
  const typed = tensors.map((tensor) => {
    if (tensor.name === '__metadata__' || names.has(tensor.name)) {
      throw new RangeError(`tensor name "${tensor.name}" is reserved or repeated`);
    }
    names.add(tensor.name);
    const dtype = tensor.dtype ?? (tensor.data instanceof Int32Array ? 'I32' : 'F32');
    checkTensorToWrite(tensor, dtype);
    return { tensor, dtype };
  });
  return typed.sort((a, b) => DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || byUtf8(a.tensor.name, b.tensor.name));
}

/** JSON built by hand: a JS object would move integer-like keys (a tensor named "0") ahead of the rest. */
function headerJson(tensors: PlannedTensor[], metadata: Record<string, string> | undefined): string {
  const fields: string[] = [];
  if (metadata) {
    const pairs = Object.entries(metadata).map(([key, value]) => {
      if (typeof value !== 'string') throw new TypeError(`metadata "${key}" must be a string`);
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    fields.push(`"__metadata__":{${pairs.join(',')}}`);
  }
  for (const { tensor, dtype, begin, end } of tensors) {
    const info = { dtype, shape: tensor.shape, data_offsets: [begin, end] };
    fields.push(`${JSON.stringify(tensor.name)}:${JSON.stringify(info)}`);
  }
  return `{${fields.join(',')}}`;
}

function planLayout(tensors: readonly TensorToWrite[], metadata: Record<string, string> | undefined): Layout {
  let offset = 0;
  const planned = orderForWriting(tensors).map(({ tensor, dtype }) => {
    const begin = offset;
    offset += tensor.data.length * WRITTEN_SIZE[dtype];
    return { tensor, dtype, begin, end: offset };
  });
  const json = new TextEncoder().encode(headerJson(planned, metadata));
  // Spaces pad the header to a multiple of 8 so that the data section starts 8-byte aligned.
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { head, tensors: planned, dataLength: offset };
}

function floatData(data: Float32Array | Int32Array): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

function encodeNarrowFloat(data: Float32Array, narrow: (bits: number) => number): Uint16Array {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length);
  for (let i = 0; i < bits.length; i++) out[i] = narrow(bits[i] as number);
  return out;
}

/** The tensor's stored bytes; F32 and I32 on a little-endian host are the caller's own memory, not a copy. */
function encodeTensor({ tensor, dtype }: PlannedTensor): Uint8Array {
  const { data } = tensor;
  switch (dtype) {
    case 'F32':
      return littleEndianBytes(floatData(data));
    case 'I32':
      return littleEndianBytes(data);
    case 'F16':
      return littleEndianBytes(encodeNarrowFloat(floatData(data), floatBitsToHalf));
    case 'BF16':
      return littleEndianBytes(encodeNarrowFloat(floatData(data), floatBitsToBfloat16));
    case 'I64': {
      const words = new Int32Array(data.length * 2);
      for (let i = 0; i < data.length; i++) {
        words[2 * i] = data[i] as number;
        words[2 * i + 1] = (data[i] as number) < 0 ? -1 : 0;
      }
      return littleEndianBytes(words);
    }
  }
}

/**
 * A safetensors file's bytes, laid out as the reference writer does: tensors sorted by dtype alignment (I64, F32,
 * I32, BF16, F16), then by name; `__metadata__` first in the header when given; header padded with spaces to a
 * multiple of 8 bytes. Programming mistakes (shape/data mismatch, repeated names) throw RangeError/TypeError.
 */
export function serializeSafetensors(tensors: readonly TensorToWrite[], metadata?: Record<string, string>): Uint8Array {
  const layout = planLayout(tensors, metadata);
  const out = new Uint8Array(layout.head.length + layout.dataLength);
  out.set(layout.head);
  for (const planned of layout.tensors) out.set(encodeTensor(planned), layout.head.length + planned.begin);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Files

const UNREADABLE: Record<string, string> = {
  ENOENT: 'file not found',
  EISDIR: 'is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** Missing or unreadable user files are input problems, not engine faults. */
function asInputError(error: unknown, file: string): unknown {
  const problem = UNREADABLE[(error as NodeJS.ErrnoException).code ?? ''];
  return problem ? new InputError(problem, file) : error;
}

/** Reads into a fresh buffer (offset 0, so aligned) in chunks: fs.readFile stops at 2 GiB and may hand back a pooled slice. */
async function readWholeFile(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const length = Math.min(size - filled, 1 << 30);
      const { bytesRead } = await handle.read(bytes, filled, length, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export async function readSafetensorsFile(file: string): Promise<SafetensorsContents> {
  let bytes: Uint8Array;
  try {
    bytes = await readWholeFile(file);
  } catch (error) {
    throw asInputError(error, file);
  }
  return parseSafetensors(bytes, file);
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const length = Math.min(bytes.length - written, 1 << 30);
    const result = await handle.write(bytes, written, length, position + written);
    written += result.bytesWritten;
  }
}

/** Makes the rename itself durable; platforms that cannot open a folder (Windows) skip it. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Best effort: the file's own fsync already holds its bytes.
  }
}

/**
 * Writes atomically: a temp file in the same folder, fsync, rename over `file`. A crash leaves either the old file or
 * the new one, never a torn one. Tensors are encoded one at a time, so the whole file is never held in memory.
 */
export async function writeSafetensorsFile(
  file: string,
  tensors: readonly TensorToWrite[],
  metadata?: Record<string, string>,
): Promise<void> {
  const layout = planLayout(tensors, metadata);
  const folder = path.dirname(file);
  const temp = path.join(folder, `.${path.basename(file)}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await writeAll(handle, layout.head, 0);
    for (const planned of layout.tensors) {
      await writeAll(handle, encodeTensor(planned), layout.head.length + planned.begin);
    }
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(folder);
}

// ---------------------------------------------------------------------------------------------------------------
// Sharded checkpoints

interface ShardIndex {
  metadata: Record<string, unknown>;
  weightMap: Map<string, string>;
}

async function readShardIndex(folder: string): Promise<ShardIndex> {
  const indexFile = path.join(folder, SHARD_INDEX_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(indexFile, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InputError(`not JSON: ${error.message}`, indexFile);
    throw asInputError(error, indexFile);
  }
  const { metadata = {}, weight_map: weightMap } = (raw ?? {}) as Record<string, unknown>;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new InputError('"weight_map" is missing or not a JSON object', indexFile);
  }
  const entries = Object.entries(weightMap);
  const bad = entries.find(([, shard]) => typeof shard !== 'string');
  if (bad) throw new InputError(`"weight_map" entry for "${bad[0]}" is not a file name`, indexFile);
  return { metadata: metadata as Record<string, unknown>, weightMap: new Map(entries as Array<[string, string]>) };
}

/** A shard's path, refusing names that would reach outside the model folder. */
function shardPath(folder: string, shard: string, indexFile: string): string {
  const resolved = path.resolve(folder, shard);
  const relative = path.relative(path.resolve(folder), resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InputError(`shard "${shard}" lies outside the model folder`, indexFile);
  }
  return resolved;
}

/**
 * A checkpoint split over several files: reads `model.safetensors.index.json`, loads every shard it names, and checks
 * each tensor of the weight map is in the shard the map names. Shard tensors absent from the map are kept.
 */
export async function readShardedSafetensors(folder: string): Promise<ShardedContents> {
  const indexFile = path.join(folder, SHARD_INDEX_FILE);
  const { metadata, weightMap } = await readShardIndex(folder);
  const shardOf = new Map<string, string>();
  const tensors: NamedTensor[] = [];
  for (const shard of new Set(weightMap.values())) {
    const contents = await readSafetensorsFile(shardPath(folder, shard, indexFile));
    for (const tensor of contents.tensors) {
      const earlier = shardOf.get(tensor.name);
      if (earlier) throw new InputError(`tensor "${tensor.name}" is in both "${earlier}" and "${shard}"`, indexFile);
      shardOf.set(tensor.name, shard);
      tensors.push(tensor);
    }
  }
  for (const [name, shard] of weightMap) {
    if (shardOf.get(name) !== shard) {
      throw new InputError(`tensor "${name}" is listed in shard "${shard}" but that shard does not hold it`, indexFile);
    }
  }
  return { tensors, metadata };
}
