import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmDistFolder } from '../../main/engine/backends/probes';
import {
  batchedMatMulRuns,
  batchedProductShape,
  setBatchedMatMulEnabled,
} from '../../main/engine/backends/wasm-batched-matmul';
import { registerWasmKernels } from '../../main/engine/backends/wasm-kernels';
import { matMul } from '../../main/engine/ops/matmul';

/** Values of `compute` on a backend (inputs built there from seeds, so every backend sees the same numbers). */
async function valuesOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<number[][]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const results = tf.tidy(compute);
  const list = Array.isArray(results) ? results : [results];
  const values = await Promise.all(list.map(async (t) => Array.from(await t.data())));
  tf.dispose(list);
  return values;
}

function expectClose(actual: number[][], expected: number[][], tolerance: number): void {
  expect(actual.map((v) => v.length)).toEqual(expected.map((v) => v.length));
  actual.forEach((values, i) => {
    const worst = Math.max(0, ...values.map((v, j) => Math.abs(v - (expected[i]?.[j] as number))));
    expect(worst).toBeLessThan(tolerance);
  });
}

const random = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

beforeAll(async () => {
  setWasmPaths(wasmDistFolder());
  registerWasmKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterAll(async () => {
  setBatchedMatMulEnabled(true);
  await tf.setBackend('cpu');
});

describe('the batched matmul kernel for wasm', () => {
  // Edges of every tile: rows ≡ 0–3 mod 4, columns ≡ 0–7 mod 8, k of 1 and odd; attention's [4, 4, 63, 64] shape.
  const shapes: Array<[number[], number[]]> = [
    [
      [16, 63, 64],
      [16, 64, 63],
    ],
    [
      [4, 4, 63, 63],
      [4, 4, 63, 64],
    ],
    [
      [3, 5, 7],
      [3, 7, 9],
    ],
    [
      [2, 1, 1],
      [2, 1, 1],
    ],
    [
      [2, 6, 3],
      [2, 3, 12],
    ],
    [
      [5, 4, 8],
      [5, 8, 8],
    ],
    [
      [2, 9, 1],
      [2, 1, 13],
    ],
  ];
  for (const [aShape, bShape] of shapes) {
    it(`equals cpu for [${aShape}]·[${bShape}]`, async () => {
      const product = () => tf.matMul(random(aShape, 1), random(bShape, 2));
      const runsBefore = batchedMatMulRuns();
      const onWasm = await valuesOn('wasm', product);
      expect(batchedMatMulRuns()).toBe(runsBefore + 1);
      expectClose(onWasm, await valuesOn('cpu', product), 2e-5);
      expect(batchedProductShape(random(aShape, 1), random(bShape, 2), {})).not.toBeNull();
    });
  }

  it('broadcasts an unbatched first operand over the batch', async () => {
    const product = () => tf.matMul(random([1, 9, 13], 3), random([4, 13, 17], 4));
    expectClose(await valuesOn('wasm', product), await valuesOn('cpu', product), 2e-5);
  });

  it('hands transposed, unbatched and irregularly broadcast products back to tfjs-wasm', () => {
    const a = random([4, 8, 8], 1);
    const b = random([4, 8, 8], 2);
    expect(batchedProductShape(a, b, { transposeA: true })).toBeNull();
    expect(batchedProductShape(a, b, { transposeB: true })).toBeNull();
    expect(batchedProductShape(random([8, 8], 1), random([8, 8], 2), {})).toBeNull();
    expect(batchedProductShape(a, random([1, 8, 8], 2), {})).toBeNull();
    expect(batchedProductShape(random([2, 1, 8, 8], 1), random([1, 3, 8, 8], 2), {})).toBeNull();
    tf.dispose([a, b]);
  });

  it('gives the same result as the tfjs-wasm kernel it replaces, and leaks nothing', async () => {
    const product = () => tf.matMul(random([8, 31, 17], 5), random([8, 17, 33], 6));
    setBatchedMatMulEnabled(false);
    const runsBefore = batchedMatMulRuns();
    const original = await valuesOn('wasm', product);
    expect(batchedMatMulRuns()).toBe(runsBefore);
    setBatchedMatMulEnabled(true);
    const before = tf.memory();
    const own = await valuesOn('wasm', product);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    expectClose(own, original, 2e-5);
  });

  it("gives attention's gradients as cpu does", async () => {
    const scoresAndGradients = () => {
      const q = random([2, 3, 10, 8], 7);
      const k = random([2, 3, 8, 10], 8);
      const weights = random([2, 3, 10, 10], 9);
      const loss = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x, y), weights));
      return tf.grads(loss)([q, k]);
    };
    expectClose(await valuesOn('wasm', scoresAndGradients), await valuesOn('cpu', scoresAndGradients), 2e-5);
  });
});
