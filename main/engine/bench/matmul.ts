/**
 * The backend's matmul rate: the peak that training steps are measured against (SPEC §8), and the cost of a
 * transposed operand, which every gradient has.
 */
import * as tf from '@tensorflow/tfjs';
import { timeMedian } from './timing';

export interface MatmulCase {
  name: string;
  /** Operand shapes as stored; `transposeA` multiplies aᵀ·b. */
  a: [number, number];
  b: [number, number];
  transposeA: boolean;
}

export interface MatmulResult extends MatmulCase {
  medianMs: number;
  gflops: number;
}

export const MATMUL_CASES: MatmulCase[] = [
  { name: 'square 256', a: [256, 256], b: [256, 256], transposeA: false },
  { name: 'square 512', a: [512, 512], b: [512, 512], transposeA: false },
  { name: 'square 1024', a: [1024, 1024], b: [1024, 1024], transposeA: false },
  // A weight gradient of a 1024→256 layer over 256 tokens: xᵀ·dy, stored untransposed.
  { name: '[256,1024]ᵀ·[256,256] transposeA', a: [256, 1024], b: [256, 256], transposeA: true },
  { name: '[1024,256]·[256,256] pre-transposed', a: [1024, 256], b: [256, 256], transposeA: false },
];

export async function benchMatmul(cases = MATMUL_CASES, budgetMs = 400): Promise<MatmulResult[]> {
  const results: MatmulResult[] = [];
  for (const spec of cases) {
    const a = tf.randomNormal(spec.a, 0, 1, 'float32', 1);
    const b = tf.randomNormal(spec.b, 0, 1, 'float32', 2);
    const timing = await timeMedian(
      async () => {
        const product = tf.matMul(a, b, spec.transposeA, false);
        await product.data();
        product.dispose();
      },
      { budgetMs },
    );
    a.dispose();
    b.dispose();
    const [m, k] = spec.transposeA ? [spec.a[1], spec.a[0]] : spec.a;
    const flops = 2 * m * k * spec.b[1];
    results.push({ ...spec, medianMs: timing.medianMs, gflops: flops / (timing.medianMs * 1e6) });
  }
  return results;
}
