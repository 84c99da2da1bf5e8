/**
 * A batched matrix product for tfjs-wasm, in WebAssembly SIMD of our own, working in place on the backend's heap.
 *
 * tfjs-wasm 4.22 hands a BatchMatMul to XNNPACK only when the second operand has no batch; otherwise it runs a scalar
 * loop (about 1 GFLOP/s), and attention's per-head products q·kᵀ and p·v (and their gradients) all have one. This
 * kernel computes each product in 4×8 tiles of f32x4 accumulators, with narrower tiles for the edges.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { encodeModule, F32, FunctionBody, I32, V128 } from './wasm-emitter';

interface Locals {
  a: number;
  b: number;
  c: number;
  batch: number;
  m: number;
  k: number;
  n: number;
  aBatchBytes: number;
  bBatchBytes: number;
  batchIndex: number;
  i: number;
  j: number;
  kk: number;
  rowBytesA: number;
  rowBytesC: number;
  rowA: number[];
  colB: number;
  out: number;
  splat: number;
  bVectors: number[];
  bScalar: number;
  accumulators: number[][];
  scalarAccumulators: number[];
}

function declareLocals(f: FunctionBody): Locals {
  const i32 = () => f.local(I32);
  return {
    ...{ a: 0, b: 1, c: 2, batch: 3, m: 4, k: 5, n: 6, aBatchBytes: 7, bBatchBytes: 8 },
    ...{ batchIndex: i32(), i: i32(), j: i32(), kk: i32(), rowBytesA: i32(), rowBytesC: i32() },
    ...{ rowA: [i32(), i32(), i32(), i32()], colB: i32(), out: i32() },
    ...{ splat: f.local(V128), bVectors: [f.local(V128), f.local(V128)], bScalar: f.local(F32) },
    accumulators: [0, 1, 2, 3].map(() => [f.local(V128), f.local(V128)]),
    scalarAccumulators: [0, 1, 2, 3].map(() => f.local(F32)),
  };
}

/** Pointers to the tile's first element: A's rows i…i+rows−1, B's column j, C's element (i, j). */
function tilePointers(f: FunctionBody, l: Locals, rows: number): void {
  f.get(l.i);
  f.get(l.rowBytesA);
  f.i32Mul();
  f.get(l.a);
  f.i32Add();
  f.set(l.rowA[0] as number);
  for (let r = 1; r < rows; r++) {
    f.get(l.rowA[r - 1] as number);
    f.get(l.rowBytesA);
    f.i32Add();
    f.set(l.rowA[r] as number);
  }
  f.get(l.j);
  f.i32(2);
  f.i32Shl();
  f.get(l.b);
  f.i32Add();
  f.set(l.colB);
  f.get(l.i);
  f.get(l.rowBytesC);
  f.i32Mul();
  f.get(l.j);
  f.i32(2);
  f.i32Shl();
  f.i32Add();
  f.get(l.c);
  f.i32Add();
  f.set(l.out);
}

/** C[i…i+rows−1, j…j+width−1] = A[rows, :]·B[:, width], width = 4·vectors (one scalar column when vectors is 0). */
function tile(f: FunctionBody, l: Locals, rows: number, vectors: number): void {
  tilePointers(f, l, rows);
  const accumulator = (r: number, v: number) =>
    vectors === 0 ? (l.scalarAccumulators[r] as number) : (l.accumulators[r]?.[v] as number);
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < Math.max(vectors, 1); v++) {
      if (vectors === 0) f.f32Const0();
      else f.v128Const0();
      f.set(accumulator(r, v));
    }
  }
  f.i32(0);
  f.set(l.kk);
  f.forEach(l.kk, 1, l.k, () => {
    for (let v = 0; v < vectors; v++) {
      f.get(l.colB);
      f.v128Load(16 * v);
      f.set(l.bVectors[v] as number);
    }
    if (vectors === 0) {
      f.get(l.colB);
      f.f32Load();
      f.set(l.bScalar);
    }
    for (let r = 0; r < rows; r++) multiplyRow(f, l, r, vectors, accumulator);
    f.addTo(l.colB, () => f.get(l.rowBytesC));
  });
  storeTile(f, l, rows, vectors, accumulator);
}

/** accumulators of row r += A[row r, kk] · B[kk, tile columns]; then row r's A pointer moves to kk + 1. */
function multiplyRow(f: FunctionBody, l: Locals, r: number, vectors: number, acc: (r: number, v: number) => number) {
  const rowPointer = l.rowA[r] as number;
  if (vectors === 0) {
    f.get(acc(r, 0));
    f.get(rowPointer);
    f.f32Load();
    f.get(l.bScalar);
    f.f32Mul();
    f.f32Add();
    f.set(acc(r, 0));
  } else {
    f.get(rowPointer);
    f.v128Load32Splat();
    f.set(l.splat);
    for (let v = 0; v < vectors; v++) {
      f.get(acc(r, v));
      f.get(l.splat);
      f.get(l.bVectors[v] as number);
      f.f32x4Mul();
      f.f32x4Add();
      f.set(acc(r, v));
    }
  }
  f.addTo(rowPointer, 4);
}

function storeTile(f: FunctionBody, l: Locals, rows: number, vectors: number, acc: (r: number, v: number) => number) {
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < Math.max(vectors, 1); v++) {
      f.get(l.out);
      f.get(acc(r, v));
      if (vectors === 0) f.f32Store();
      else f.v128Store(16 * v);
    }
    if (r < rows - 1) f.addTo(l.out, () => f.get(l.rowBytesC));
  }
}

/** All of C's columns for rows i…i+rows−1: 8-wide tiles, then a 4-wide one, then single columns. */
function rowBlock(f: FunctionBody, l: Locals, rows: number): void {
  f.i32(0);
  f.set(l.j);
  f.forEach(l.j, 8, l.n, () => tile(f, l, rows, 2));
  f.forEach(l.j, 4, l.n, () => tile(f, l, rows, 1));
  f.forEach(l.j, 1, l.n, () => tile(f, l, rows, 0));
}

/**
 * bmm(a, b, c, batch, m, k, n, aBatchBytes, bBatchBytes): c[p] = a[p]·b[p] for p < batch, row-major float32
 * [m, k]·[k, n] → [m, n], all pointers in bytes; a batch stride of 0 broadcasts that operand.
 */
function batchedMatMulFunction(): FunctionBody {
  const f = new FunctionBody([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const l = declareLocals(f);
  f.get(l.k);
  f.i32(2);
  f.i32Shl();
  f.set(l.rowBytesA);
  f.get(l.n);
  f.i32(2);
  f.i32Shl();
  f.set(l.rowBytesC);
  f.forEach(l.batchIndex, 1, l.batch, () => {
    f.i32(0);
    f.set(l.i);
    f.forEach(l.i, 4, l.m, () => rowBlock(f, l, 4));
    f.forEach(l.i, 1, l.m, () => rowBlock(f, l, 1));
    f.addTo(l.a, () => f.get(l.aBatchBytes));
    f.addTo(l.b, () => f.get(l.bBatchBytes));
    f.addTo(l.c, () => {
      f.get(l.m);
      f.get(l.rowBytesC);
      f.i32Mul();
    });
  });
  return f;
}

type BatchedMatMul = (...args: number[]) => void;

/** The kernel instantiated against a wasm backend's memory (once per memory). */
const instances = new WeakMap<WebAssembly.Memory, BatchedMatMul>();

function kernelFor(memory: WebAssembly.Memory): BatchedMatMul {
  let kernel = instances.get(memory);
  if (!kernel) {
    const module = new WebAssembly.Module(encodeModule({ bmm: batchedMatMulFunction() }));
    kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.bmm as BatchedMatMul;
    instances.set(memory, kernel);
  }
  return kernel;
}

interface WasmHeap {
  asm?: { memory?: WebAssembly.Memory };
}

/** The backend's memory when this kernel can use it (SIMD build, not shared between threads). */
function memoryOf(backend: BackendWasm): WebAssembly.Memory | undefined {
  const memory = (backend.wasm as unknown as WasmHeap).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory) || !tf.env().getBool('WASM_HAS_SIMD_SUPPORT')) return undefined;
  return memory.buffer instanceof ArrayBuffer ? memory : undefined;
}

export interface ProductShape {
  batch: number;
  m: number;
  k: number;
  n: number;
  aBatchStride: number;
  bBatchStride: number;
  outShape: number[];
}

/**
 * The product this kernel takes over: float32, no transposes, the second operand batched (XNNPACK already runs the
 * unbatched ones fast) and each operand either batched like the output or not at all.
 */
export function batchedProductShape(a: tf.TensorInfo, b: tf.TensorInfo, attrs: tf.NamedAttrMap): ProductShape | null {
  if (attrs.transposeA || attrs.transposeB || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (a.shape.length < 2 || b.shape.length < 3) return null;
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [kB, n] = b.shape.slice(-2) as [number, number];
  const aBatch = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = tf.util.sizeFromShape(outer);
  const regular = (aBatch === batch || aBatch === 1) && bBatch === batch;
  if (k !== kB || !regular || bBatch < 2) return null;
  const aBatchStride = aBatch === 1 ? 0 : m * k * 4;
  return { batch, m, k, n, aBatchStride, bBatchStride: k * n * 4, outShape: [...outer, m, n] };
}

let enabled = true;
let productsRun = 0;

/** How many BatchMatMul calls this kernel has run in this process (the rest went to tfjs-wasm's own). */
export function batchedMatMulRuns(): number {
  return productsRun;
}

/** Turns the kernel off (tfjs-wasm's own BatchMatMul runs everything) or back on: `awb bench` compares the two. */
export function setBatchedMatMulEnabled(on: boolean): void {
  enabled = on;
}

/** Replaces wasm's BatchMatMul with one that runs batched products here and hands the rest to the original. */
export function registerBatchedMatMul(): void {
  const original = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (!original || (original.kernelFunc as { batchedSimd?: boolean }).batchedSimd) return;
  const kernelFunc: tf.KernelFunc = (args) => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const shape = batchedProductShape(a, b, args.attrs ?? {});
    const memory = memoryOf(backend);
    if (!enabled || !shape || !memory) return original.kernelFunc(args);
    const out = backend.makeOutput(shape.outShape, 'float32');
    const offset = (t: tf.TensorInfo) => (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
    const { batch, m, k, n, aBatchStride, bBatchStride } = shape;
    kernelFor(memory)(offset(a), offset(b), offset(out), batch, m, k, n, aBatchStride, bBatchStride);
    productsRun += 1;
    return out;
  };
  Object.assign(kernelFunc, { batchedSimd: true });
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}
