import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { wasmDistFolder } from '../../main/engine/backends/probes';
import { registerWasmKernels } from '../../main/engine/backends/wasm-kernels';

interface Result {
  shape: number[];
  values: number[];
}

/** Runs `compute` on the given backend, building its inputs there too, and returns plain numbers. */
async function runOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor): Promise<Result> {
  expect(await tf.setBackend(backend)).toBe(true);
  const result = tf.tidy(compute);
  const values = Array.from(await result.data());
  result.dispose();
  return { shape: result.shape, values };
}

async function expectWasmMatchesCpu(compute: () => tf.Tensor): Promise<Result> {
  const onCpu = await runOn('cpu', compute);
  const onWasm = await runOn('wasm', compute);
  expect(onWasm.shape).toEqual(onCpu.shape);
  expect(onWasm.values).toEqual(onCpu.values);
  return onWasm;
}

beforeAll(async () => {
  setWasmPaths(wasmDistFolder());
  registerWasmKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('registerWasmKernels', () => {
  it('registers UnsortedSegmentSum for wasm once, however often it is called', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const registered = tf.getKernel(tf.UnsortedSegmentSum, 'wasm');
    registerWasmKernels();
    registerWasmKernels();
    expect(registered).toBeDefined();
    expect(tf.getKernel(tf.UnsortedSegmentSum, 'wasm')).toBe(registered);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums a 1-D float32 input like cpu, with repeated, negative and too-large ids', async () => {
    const result = await expectWasmMatchesCpu(() =>
      tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5, 6]), tf.tensor1d([1, 2, 0, 1, 7, -1], 'int32'), 3),
    );
    expect(result.values).toEqual([3, 5, 2]);
  });

  it('sums the rows of a 2-D float32 input like cpu, leaving unused segments at zero', async () => {
    const result = await expectWasmMatchesCpu(() =>
      tf.unsortedSegmentSum(tf.tensor2d([0.5, 1, 2, 3, 4, 5, 6, 7], [4, 2]), tf.tensor1d([2, 2, 0, 3], 'int32'), 3),
    );
    expect(result).toEqual({ shape: [3, 2], values: [4, 5, 0, 0, 2.5, 4] });
  });

  it('sums int32 inputs to the same values as cpu and keeps them int32', async () => {
    await expectWasmMatchesCpu(() =>
      tf.unsortedSegmentSum(tf.tensor1d([10, -2, 3, 7], 'int32'), tf.tensor1d([0, 0, 1, 5], 'int32'), 2),
    );
    await expectWasmMatchesCpu(() =>
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 1, 1], 'int32'), 2),
    );
    await tf.setBackend('wasm');
    const sums = tf.unsortedSegmentSum(tf.tensor1d([10, -2], 'int32'), tf.tensor1d([0, 0], 'int32'), 1);
    expect(sums.dtype).toBe('int32');
    expect(Array.from(await sums.data())).toEqual([8]);
    sums.dispose();
  });

  it('sums whole slices of a 3-D input, and takes ids over its leading dims as TensorFlow does', async () => {
    const x = () => tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    await expectWasmMatchesCpu(() => tf.unsortedSegmentSum(x(), tf.tensor1d([1, 1], 'int32'), 2));
    const idsOverFirstTwoDims: number[][] = [
      [0, 1],
      [1, 0],
    ];
    const overTwoDims = await runOn('wasm', () => tf.unsortedSegmentSum(x(), idsOverFirstTwoDims, 2));
    expect(overTwoDims).toEqual({ shape: [2, 2], values: [1 + 7, 2 + 8, 3 + 5, 4 + 6] });
  });

  it('still sums correctly when allocating the output grows the wasm heap', async () => {
    // 64 MB of output forces a heap growth, which detaches any heap view taken before the allocation
    const numSegments = 4_000_000;
    const lastRow = await runOn('wasm', () =>
      tf
        .unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4], [1, 4]), tf.tensor1d([numSegments - 1], 'int32'), numSegments)
        .slice([numSegments - 1, 0], [1, 4]),
    );
    expect(lastRow.values).toEqual([1, 2, 3, 4]);
  });

  it('rejects segment ids whose shape does not lead the input shape', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.unsortedSegmentSum(tf.zeros([3, 2]), tf.tensor1d([0, 1], 'int32'), 2)).toThrow(/prefix/);
  });
});

describe('embedding gradient on wasm', () => {
  // d/dtable Σ gather(table, ids) ⊙ weights: row r of the gradient is the sum of the weight rows whose id is r.
  const embeddingGradient = () => {
    const table = tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [3, 2]);
    const ids = tf.tensor1d([1, 2, 1], 'int32');
    const weights = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
  };

  it('equals cpu and the hand-computed gradient for repeated ids', async () => {
    const result = await expectWasmMatchesCpu(embeddingGradient);
    expect(result).toEqual({ shape: [3, 2], values: [0, 0, 1 + 5, 2 + 6, 3, 4] });
  });

  it('leaves no tensors or heap buffers behind', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory();
    tf.tidy(() => {
      embeddingGradient();
    });
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });
});
