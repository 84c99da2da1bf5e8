/**
 * A small WebAssembly binary writer: just what the project's own kernels need (i32 and f32 arithmetic, SIMD f32x4,
 * loops, one imported memory, exported functions). Kernels are written as TypeScript that emits instructions, so no
 * toolchain or committed binary is needed; the engine compiles them at startup in under a millisecond.
 */

/** Value types, by their binary encoding. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

/** A memory access's alignment (log2 bytes) and constant offset. */
function memarg(alignLog2: number, offset: number): number[] {
  return [...unsignedLeb(alignLog2), ...unsignedLeb(offset)];
}

/** The body of one function: locals declared as they are needed, instructions appended in order. */
export class FunctionBody {
  private readonly localTypes: ValueType[] = [];
  private readonly bytes: number[] = [];

  constructor(readonly params: ValueType[]) {}

  /** A new local of this type; returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get = (index: number) => this.op(0x20, ...unsignedLeb(index));
  set = (index: number) => this.op(0x21, ...unsignedLeb(index));
  i32 = (value: number) => this.op(0x41, ...signedLeb(value));
  i32Add = () => this.op(0x6a);
  i32Mul = () => this.op(0x6c);
  i32Shl = () => this.op(0x74);
  /** Pushes 1 when the first operand is below the second (signed). */
  i32LtS = () => this.op(0x48);
  f32Load = (offset = 0) => this.op(0x2a, ...memarg(2, offset));
  f32Store = (offset = 0) => this.op(0x38, ...memarg(2, offset));
  f32Const0 = () => this.op(0x43, 0, 0, 0, 0);
  f32Add = () => this.op(0x92);
  f32Mul = () => this.op(0x94);
  v128Load = (offset = 0) => this.op(0xfd, 0x00, ...memarg(2, offset));
  v128Store = (offset = 0) => this.op(0xfd, 0x0b, ...memarg(2, offset));
  /** Loads one f32 and repeats it in all four lanes. */
  v128Load32Splat = (offset = 0) => this.op(0xfd, 0x09, ...memarg(2, offset));
  v128Const0 = () => this.op(0xfd, 0x0c, ...new Array<number>(16).fill(0));
  f32x4Add = () => this.op(0xfd, 0xe4, 0x01);
  f32x4Mul = () => this.op(0xfd, 0xe6, 0x01);

  /** local += delta (i32). */
  addTo(index: number, delta: number | (() => void)): void {
    this.get(index);
    if (typeof delta === 'number') this.i32(delta);
    else delta();
    this.i32Add();
    this.set(index);
  }

  /**
   * `for (; counter + step <= limit; counter += step) body()`, as block/loop; the counter keeps its final value, so
   * a following loop can pick up the remainder.
   */
  forEach(counter: number, step: number, limit: number, body: () => void): void {
    this.op(0x02, 0x40); // block
    this.op(0x03, 0x40); // loop
    this.get(limit);
    this.get(counter);
    this.i32(step);
    this.i32Add();
    this.i32LtS();
    this.op(0x0d, 1); // br_if 1: leave when limit < counter + step
    body();
    this.addTo(counter, step);
    this.op(0x0c, 0); // br 0: next iteration
    this.op(0x0b, 0x0b); // end loop, end block
  }

  op(...code: number[]): void {
    for (const byte of code) this.bytes.push(byte);
  }

  encode(): number[] {
    const groups = this.localTypes.map((type) => [...unsignedLeb(1), type]);
    const body = [...vector(groups), ...this.bytes, 0x0b];
    return [...unsignedLeb(body.length), ...body];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

/** A module that imports `env.memory` and exports each function (no results) under its name. */
export function encodeModule(functions: Record<string, FunctionBody>): Uint8Array<ArrayBuffer> {
  const entries = Object.entries(functions);
  const types = entries.map(([, body]) => [0x60, ...vector(body.params.map((p) => [p])), 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb(1)];
  const exports = entries.map(([exportName], index) => [...name(exportName), 0x00, ...unsignedLeb(index)]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(entries.map((_, index) => unsignedLeb(index)))),
    ...section(7, vector(exports)),
    ...section(10, vector(entries.map(([, body]) => body.encode()))),
  ]);
}
