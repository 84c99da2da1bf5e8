/**
 * The project's own wasm kernels against the tfjs-wasm kernels they replace, in one run: the SFT step at the 4×256
 * reference shape with each BatchMatMul, alternating so that a busy machine slows both alike.
 */
import * as tf from '@tensorflow/tfjs';
import { setBatchedMatMulEnabled } from '../backends/wasm-batched-matmul';
import { benchTrainingStep } from './training';

export interface KernelComparison {
  shape: string;
  /** Median SFT step with tfjs-wasm's own BatchMatMul for every product. */
  tfjsMs: number;
  /** Median SFT step with batched products on the project's SIMD kernel. */
  ownMs: number;
  /** tfjsMs / ownMs. */
  speedup: number;
}

/** null on backends other than wasm, where the kernel does not apply. */
export async function benchKernels(budgetMs: number, rounds = 2): Promise<KernelComparison | null> {
  if (tf.getBackend() !== 'wasm') return null;
  const shape = 'gpt2-4x256';
  const times = { tfjs: [] as number[], own: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of ['tfjs', 'own'] as const) {
        setBatchedMatMulEnabled(variant === 'own');
        times[variant].push((await benchTrainingStep(shape, 'sft', budgetMs, 4, 64)).medianMs);
      }
    }
  } finally {
    setBatchedMatMulEnabled(true);
  }
  const tfjsMs = Math.min(...times.tfjs);
  const ownMs = Math.min(...times.own);
  return { shape, tfjsMs, ownMs, speedup: tfjsMs / ownMs };
}
