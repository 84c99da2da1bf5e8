/**
 * A minimal protobuf wire-format writer: just the field kinds ONNX needs. Large byte payloads (tensor raw_data) are
 * kept by reference and copied once, in `finish()`, so a model with hundreds of megabytes of weights is not copied
 * at every level of message nesting.
 */

/** Protobuf wire types (the low three bits of a field tag). */
export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

/** An int64 as a JS number (must be a safe integer) or a bigint; negatives are written as 10-byte varints. */
export type Int64 = number | bigint;

/** Payloads at least this long are stored by reference rather than copied into the scratch buffer. */
const REFERENCE_THRESHOLD = 1024;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private partsLength = 0;
  private scratch = new Uint8Array(256);
  private scratchUsed = 0;

  /** Number of bytes written so far. */
  get length(): number {
    return this.partsLength + this.scratchUsed;
  }

  /** Writes a field tag: field number and wire type. */
  tag(field: number, wireType: number): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`bad field number ${field}`);
    return this.varint(field * 8 + wireType);
  }

  /** Writes a bare varint. Negative values are sign-extended to 64 bits, as protobuf does for int32 and int64. */
  varint(value: Int64): this {
    if (typeof value === 'number' && value >= 0 && value <= 0x7fffffff && Number.isInteger(value)) {
      this.reserve(5);
      let rest = value;
      while (rest > 0x7f) {
        this.scratch[this.scratchUsed++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
      this.scratch[this.scratchUsed++] = rest;
      return this;
    }
    return this.bigVarint(toBigInt(value));
  }

  /** An int64 / int32 / enum / bool field. */
  int64(field: number, value: Int64): this {
    return this.tag(field, WireType.varint).varint(value);
  }

  /** A `float` field (fixed32, little-endian IEEE 754). */
  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32).reserve(4);
    new DataView(this.scratch.buffer).setFloat32(this.scratchUsed, value, true);
    this.scratchUsed += 4;
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A `bytes` field. Large payloads are read at `finish()`, so do not change them until then. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.lengthDelimited).varint(value.byteLength);
    return this.append(value);
  }

  /** A nested message field, written from another writer (which must not be written to afterwards). */
  message(field: number, inner: ProtoWriter): this {
    this.tag(field, WireType.lengthDelimited).varint(inner.length);
    inner.flushScratch();
    for (const part of inner.parts) this.append(part);
    return this;
  }

  /** A packed repeated int64 / int32 field; nothing is written for an empty list. */
  packedVarints(field: number, values: Iterable<Int64>): this {
    const inner = new ProtoWriter();
    for (const value of values) inner.varint(value);
    if (inner.length === 0) return this;
    return this.message(field, inner);
  }

  /** A packed repeated float field; nothing is written for an empty list. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, bytes);
  }

  /** The whole encoding as one buffer. */
  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.partsLength);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }

  private bigVarint(value: bigint): this {
    // Two's complement in 64 bits, so -1 becomes ten bytes ending in 0x01 as protobuf requires.
    let rest = BigInt.asUintN(64, value);
    this.reserve(10);
    while (rest > 0x7fn) {
      this.scratch[this.scratchUsed++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.scratch[this.scratchUsed++] = Number(rest);
    return this;
  }

  private append(data: Uint8Array): this {
    if (data.byteLength >= REFERENCE_THRESHOLD) {
      this.flushScratch();
      this.parts.push(data);
      this.partsLength += data.byteLength;
      return this;
    }
    this.reserve(data.byteLength);
    this.scratch.set(data, this.scratchUsed);
    this.scratchUsed += data.byteLength;
    return this;
  }

  private reserve(bytes: number): this {
    if (this.scratchUsed + bytes <= this.scratch.byteLength) return this;
    this.flushScratch();
    if (bytes > this.scratch.byteLength) this.scratch = new Uint8Array(bytes);
    return this;
  }

  private flushScratch(): void {
    if (this.scratchUsed === 0) return;
    this.parts.push(this.scratch.slice(0, this.scratchUsed));
    this.partsLength += this.scratchUsed;
    this.scratchUsed = 0;
  }
}

function toBigInt(value: Int64): bigint {
  if (typeof value === 'bigint') {
    if (value < -(1n << 63n) || value >= 1n << 64n) throw new RangeError(`varint out of 64-bit range: ${value}`);
    return value;
  }
  if (!Number.isSafeInteger(value)) throw new RangeError(`varint must be a safe integer, got ${value}`);
  return BigInt(value);
}
