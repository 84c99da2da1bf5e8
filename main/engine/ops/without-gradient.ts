/** Stopping gradients: tfjs has no stop_gradient op. */
import * as tf from '@tensorflow/tfjs';

// An identity whose gradient is zero: DPO's reference log-probs stay fixed when the reference shares weights with the
// policy (LoRA with the adapters off), and PPO's value loss does not reach the policy's trunk. It also stops the
// backward pass before it walks through a forward pass that needs no gradient.
const constantOp = tf.customGrad((input, _save) => ({
  value: tf.clone(input as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/** x, treated as a constant by tf.grad and friends. */
export function withoutGradient<T extends tf.Tensor>(x: T): T {
  return constantOp(x) as T;
}
