/**
 * Matrix products without transposed operands. tfjs-wasm's BatchMatMul is 10–40× slower when an operand is
 * transposed (docs/BENCHMARKS.md), and the default gradient of a matmul multiplies by transposes; these versions
 * transpose explicitly (a cheap copy) in the forward and the backward pass.
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes. */
export function transposeLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, axis) => axis);
  const rank = perm.length;
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1] as number, perm[rank - 2] as number];
  return tf.transpose(x, perm);
}

/** a·b for [..., M, K]·[..., K, N] with equal batch dims (or both rank 2). */
export const matMul = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, transposeLast(savedB)), tf.matMul(transposeLast(savedA), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** a·bᵀ, e.g. attention scores q·kᵀ or logits h·Eᵀ with a tied embedding E. */
export function matMulTransposeB(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return matMul(a, transposeLast(b));
}
