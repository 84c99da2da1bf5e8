/** Causal multi-head attention with grouped-query heads and a key/value cache. */
import * as tf from '@tensorflow/tfjs';
import { matMul, matMulTransposeB } from '../ops/matmul';

/** One layer's cached keys and values: [B, kvHeads, S, headDim]. */
export type LayerCache = {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
};

/** [B, T, H·hd] → [B, H, T, hd] */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [batch, length, width] = x.shape as [number, number, number];
  return x.reshape([batch, length, heads, width / heads]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** [B, H, T, hd] → [B, T, H·hd] */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [batch, heads, length, size] = x.shape as [number, number, number, number];
  return x.transpose([0, 2, 1, 3]).reshape([batch, length, heads * size]);
}

/**
 * Each key/value head serves numHeads / kvHeads consecutive query heads (as HF's repeat_kv). A gather along the heads
 * rather than a rank-5 tile: tfjs has no gradient for the latter.
 */
function repeatKv(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  if (groups === 1) return x;
  const heads = Array.from({ length: x.shape[1] * groups }, (_, h) => Math.floor(h / groups));
  return tf.gather(x, tf.tensor1d(heads, 'int32'), 1);
}

/** 0 where query t (at absolute position past + t) may see key s, a large negative number where it may not. */
function causalMask(queries: number, keys: number): tf.Tensor2D {
  const past = keys - queries;
  const rows = tf.range(past, keys, 1, 'int32').reshape([queries, 1]);
  const cols = tf.range(0, keys, 1, 'int32').reshape([1, keys]);
  return tf.where(tf.greater(cols, rows), tf.fill([queries, keys], -1e9), tf.zeros([queries, keys])) as tf.Tensor2D;
}

/**
 * q: [B, H, T, hd]; k, v: [B, kvH, S, hd] with the last T positions the new ones. Returns [B, H, T, hd].
 * `keyMask` [B, S] (1 keep, 0 drop) hides padding.
 */
export function causalAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, keyMask?: tf.Tensor2D): tf.Tensor4D {
  const groups = (q.shape[1] as number) / (k.shape[1] as number);
  const size = q.shape[3] as number;
  const scores = tf.mul(matMulTransposeB(q, repeatKv(k, groups)), 1 / Math.sqrt(size));
  let masked = tf.add(scores, causalMask(q.shape[2] as number, k.shape[2] as number));
  if (keyMask)
    masked = tf.add(masked, tf.mul(tf.sub(1, keyMask), -1e9).reshape([keyMask.shape[0], 1, 1, keyMask.shape[1]]));
  return matMul(tf.softmax(masked, -1), repeatKv(v, groups)) as tf.Tensor4D;
}

/** Appends the new keys/values to the cache (if any); returns what attention should see. */
export function extendCache(cache: LayerCache | undefined, k: tf.Tensor4D, v: tf.Tensor4D): LayerCache {
  if (!cache) return { k, v };
  return { k: tf.concat([cache.k, k], 2), v: tf.concat([cache.v, v], 2) };
}
