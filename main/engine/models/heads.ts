/**
 * Heads on top of a model's hidden states [B, T, D]. The LM head lives in CausalLM.logits; these are the scalar ones:
 * the reward model's r = w·h + b on the last non-pad token (one score per sequence) and PPO's value head (one value
 * per token). Their parameters sit in the model's params under `score.*` or `value.*`, so they train, save and
 * export with the model.
 */
import * as tf from '@tensorflow/tfjs';
import type { CausalLM } from './model';

export type ScalarHead = 'score' | 'value';

/** Adds a head w [D, 1] ~ N(0, 1/(D+1)) (TRL's reward-head initialisation) and b = 0. */
export function addScalarHead(model: CausalLM, head: ScalarHead, seed: number): void {
  const width = model.config.hiddenSize;
  model.params[`${head}.weight`] = tf.variable(
    tf.randomNormal([width, 1], 0, 1 / Math.sqrt(width + 1), 'float32', seed),
  );
  model.params[`${head}.bias`] = tf.variable(tf.zeros([1]));
}

/** One scalar per position: hidden [B, T, D] → [B, T]. */
export function scalarPerToken(model: CausalLM, head: ScalarHead, hidden: tf.Tensor3D): tf.Tensor2D {
  const weight = model.params[`${head}.weight`];
  const bias = model.params[`${head}.bias`];
  if (!weight || !bias) throw new Error(`the model has no ${head} head`);
  const [batch, length, width] = hidden.shape;
  return tf.add(tf.matMul(hidden.reshape([batch * length, width]), weight), bias).reshape([batch, length]);
}

/**
 * The score at each row's last real token: hidden [B, T, D], lengths [B] (number of non-pad tokens, ≥ 1) → [B].
 * Sequences are right-padded, so the last real token is at lengths − 1.
 */
export function scoreLastToken(model: CausalLM, hidden: tf.Tensor3D, lengths: tf.Tensor1D): tf.Tensor1D {
  const perToken = scalarPerToken(model, 'score', hidden); // [B, T]
  const lastIndex = tf.oneHot(tf.sub(lengths, 1).toInt(), hidden.shape[1]); // [B, T]
  return tf.sum(tf.mul(perToken, lastIndex), 1) as tf.Tensor1D;
}
