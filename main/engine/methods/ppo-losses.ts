/**
 * PPO's differentiated losses (SPEC §4, TRL's names): the clipped policy loss and the clipped value loss, pure
 * functions of per-token tensors. Shapes: [B, T] for B responses of T tokens; `mask` is 1 on response tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedMean } from './logprobs';

export interface PolicyLossOutput {
  /** mean over masked tokens of max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε)). */
  loss: tf.Scalar;
  /** Share of masked tokens where the clipped term is the larger (the update was clipped): policy/clipfrac_avg. */
  clipfrac: tf.Scalar;
  /** ½ · mean((log π − log π_old)²), the usual low-variance estimate of KL(π_old ‖ π): policy/approxkl_avg. */
  approxKl: tf.Scalar;
  /** mean ρ = π / π_old over masked tokens: val/ratio. */
  ratio: tf.Scalar;
}

/**
 * @param logProbs [B, T] the policy's log-probs of the rollout's tokens now (differentiated)
 * @param oldLogProbs [B, T] the same at rollout time (constants)
 * @param advantages [B, T] whitened advantages (constants)
 */
export function ppoPolicyLoss(
  logProbs: tf.Tensor2D,
  oldLogProbs: tf.Tensor2D,
  advantages: tf.Tensor2D,
  mask: tf.Tensor2D,
  cliprange: number,
): PolicyLossOutput {
  return tf.tidy(() => {
    const logRatio = tf.sub(logProbs, oldLogProbs) as tf.Tensor2D;
    const ratio = tf.exp(logRatio) as tf.Tensor2D;
    const unclipped = tf.neg(tf.mul(advantages, ratio)) as tf.Tensor2D;
    const clipped = tf.neg(tf.mul(advantages, tf.clipByValue(ratio, 1 - cliprange, 1 + cliprange))) as tf.Tensor2D;
    return {
      loss: maskedMean(tf.maximum(unclipped, clipped) as tf.Tensor2D, mask),
      clipfrac: maskedMean(tf.cast(tf.greater(clipped, unclipped), 'float32') as tf.Tensor2D, mask),
      approxKl: tf.mul(0.5, maskedMean(tf.square(logRatio) as tf.Tensor2D, mask)) as tf.Scalar,
      ratio: maskedMean(ratio, mask),
    };
  });
}

export interface ValueLossOutput {
  /** ½ · mean over masked tokens of max((V − R)², (V_clipped − R)²): loss/value_avg. */
  loss: tf.Scalar;
  /** Share of masked tokens where the clipped error is the larger: val/clipfrac_avg. */
  clipfrac: tf.Scalar;
}

/**
 * @param values [B, T] the value head now (differentiated); oldValues [B, T] at rollout time; returns [B, T] = A + V_old
 * @param cliprangeValue the value may move at most this far from oldValues before the clipped error takes over
 */
export function ppoValueLoss(
  values: tf.Tensor2D,
  oldValues: tf.Tensor2D,
  returns: tf.Tensor2D,
  mask: tf.Tensor2D,
  cliprangeValue: number,
): ValueLossOutput {
  return tf.tidy(() => {
    const clippedValues = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -cliprangeValue, cliprangeValue));
    const unclippedError = tf.square(tf.sub(values, returns)) as tf.Tensor2D;
    const clippedError = tf.square(tf.sub(clippedValues, returns)) as tf.Tensor2D;
    return {
      loss: tf.mul(0.5, maskedMean(tf.maximum(unclippedError, clippedError) as tf.Tensor2D, mask)) as tf.Scalar,
      clipfrac: maskedMean(tf.cast(tf.greater(clippedError, unclippedError), 'float32') as tf.Tensor2D, mask),
    };
  });
}
