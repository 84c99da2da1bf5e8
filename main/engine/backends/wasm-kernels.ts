/**
 * Kernels that the tfjs wasm backend (4.22) does not ship, written in JavaScript against its heap.
 *
 * UnsortedSegmentSum is the one training needs: the gradient of `tf.gather` (embedding lookups) is built on it, so
 * without it every embedding gradient on wasm throws "kernel not registered". BatchMatMul is replaced for batched
 * products (./wasm-batched-matmul), which tfjs-wasm runs as a scalar loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerBatchedMatMul } from './wasm-batched-matmul';

const WASM = 'wasm';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/** Registers the missing kernels for the 'wasm' backend; calling it again does nothing. */
export function registerWasmKernels(): void {
  registerBatchedMatMul();
  // registerKernel warns on duplicates, and a later tfjs-backend-wasm may ship its own kernel: keep whichever is there.
  if (tf.getKernel(tf.UnsortedSegmentSum, WASM)) return;
  tf.registerKernel({ kernelName: tf.UnsortedSegmentSum, backendName: WASM, kernelFunc: unsortedSegmentSum });
}

/**
 * out[s, ...inner] = Σ x[i, ...inner] over the rows i whose segment id is s. The ids cover the first `ids.rank` dims of
 * x (TensorFlow's definition); rows whose id is not an integer in [0, numSegments) add nothing, as on the cpu backend.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs;
  const numSegments = attrs?.numSegments;
  if (!x || !segmentIds) throw new Error('UnsortedSegmentSum on wasm needs inputs x and segmentIds');
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum on wasm needs a non-negative integer numSegments, got ${numSegments}`);
  }
  checkShapesAndTypes(x, segmentIds);

  const rowShape = x.shape.slice(segmentIds.shape.length);
  const output = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views are taken only after the allocation: a malloc that grows wasm memory detaches views made before it.
  const sums = wasm.typedArrayFromHeap(output);
  sums.fill(0); // makeOutput hands back uninitialised heap memory
  addRowsIntoSegments({
    rows: wasm.typedArrayFromHeap(x),
    ids: wasm.typedArrayFromHeap(segmentIds),
    sums,
    numSegments,
    rowSize: tf.util.sizeFromShape(rowShape),
  });
  return output;
}

function checkShapesAndTypes(x: tf.TensorInfo, segmentIds: tf.TensorInfo): void {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum on wasm supports float32 and int32 x, not ${x.dtype}`);
  }
  if (segmentIds.dtype === 'string' || segmentIds.dtype === 'complex64') {
    throw new Error(`UnsortedSegmentSum on wasm needs numeric segmentIds, not ${segmentIds.dtype}`);
  }
  const idsCoverLeadingDims = segmentIds.shape.every((size, axis) => size === x.shape[axis]);
  if (segmentIds.shape.length > x.shape.length || !idsCoverLeadingDims) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
}

interface SegmentSumArrays {
  /** x flattened to ids.length rows of rowSize values. */
  rows: NumericArray;
  ids: NumericArray;
  /** The zeroed output, numSegments rows of rowSize values. */
  sums: NumericArray;
  numSegments: number;
  rowSize: number;
}

function addRowsIntoSegments({ rows, ids, sums, numSegments, rowSize }: SegmentSumArrays): void {
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row] ?? -1;
    // float ids are allowed by the op; the cpu backend's equality mask skips the non-integer ones
    if (!(Number.isInteger(segment) && segment >= 0 && segment < numSegments)) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    // both offsets stay inside their arrays: row < ids.length and segment < numSegments
    for (let i = 0; i < rowSize; i++) sums[to + i] = (sums[to + i] as number) + (rows[from + i] as number);
  }
}
