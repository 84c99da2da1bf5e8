/**
 * Log-probabilities of given tokens under a language model's logits: the quantity the SFT, DPO (and later PPO) losses
 * are built from.
 *
 * Alignment convention, followed by every function in main/engine/methods and by the trainer: the inputs are ALIGNED,
 * that is `labels[b, t]` is the token that `logits[b, t, :]` scores and `mask[b, t]` says whether that prediction
 * counts. A causal LM's logits at position t predict the token at t + 1, so the caller shifts once, before these
 * functions, most cheaply on the token ids with `nextTokenBatch`: run the model on its `inputs` (tokens 0 … T−2)
 * and pass the logits with its `labels` (tokens 1 … T−1) and `mask` (the completion mask of tokens 1 … T−1).
 *
 * Labels at masked-out positions must still be valid token ids in [0, V) (use the pad id, never −100): they are
 * gathered before the mask zeroes them, and the wasm backend does not bound-check a gather.
 */
import * as tf from '@tensorflow/tfjs';

/** A dashboard metric: its TRL name and one line on how to read it. */
export interface MetricInfo {
  name: string;
  explanation: string;
}

/** How a sequence's token log-probs become one number: summed (DPO's sigmoid and hinge) or averaged (IPO). */
export type LogProbReduction = 'sum' | 'mean';

/** Aligned model inputs, targets and loss mask, each [B, T−1]. */
export interface NextTokenBatch {
  /** The tokens the model reads: tokens[:, 0 … T−2] (int32). */
  inputs: tf.Tensor2D;
  /** The tokens its logits must predict: tokens[:, 1 … T−1] (int32). */
  labels: tf.Tensor2D;
  /** completionMask[:, 1 … T−1] (float32): 1 where the predicted token is a completion token. */
  mask: tf.Tensor2D;
}

/**
 * Shifts a batch of token ids for next-token prediction.
 * @param tokens [B, T] int32, T ≥ 2: prompt + completion + right padding.
 * @param completionMask [B, T] float32: 1 where tokens[b, t] is a completion token (a loss target), 0 for prompt and
 *   padding.
 */
export function nextTokenBatch(tokens: tf.Tensor2D, completionMask: tf.Tensor2D): NextTokenBatch {
  const [batch, length] = tokens.shape;
  if (length < 2) throw new Error(`next-token prediction needs at least 2 tokens per row, got ${length}`);
  assertSameShape('completionMask', completionMask.shape, tokens.shape);
  return {
    inputs: tf.slice(tokens, [0, 0], [batch, length - 1]),
    labels: tf.slice(tokens, [0, 1], [batch, length - 1]),
    mask: tf.cast(tf.slice(completionMask, [0, 1], [batch, length - 1]), 'float32'),
  };
}

/**
 * log p(labels[b, t]) under softmax(logits[b, t, :]).
 * @param logits [B, T, V] float32, aligned with labels (see the module comment).
 * @param labels [B, T] int32 token ids in [0, V).
 * @returns [B, T]
 */
export function tokenLogProbs(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor2D {
  assertLabels(logits, labels);
  // logit − logSumExp rather than log(softmax): logSumExp subtracts the row max first, so logits of 1e4 neither
  // overflow exp nor round the probabilities of the other tokens to a log(0).
  return tf.sub(gatherAtLabels(logits, labels), tf.logSumExp(logits, -1));
}

/**
 * The log-probability of each row's masked tokens: Σ_t mask·log p (or that sum over Σ_t mask for 'mean').
 * @param logits [B, T, V] float32, aligned with labels.
 * @param labels [B, T] int32.
 * @param mask [B, T] float32, 1 on the completion tokens that count, 0 elsewhere.
 * @returns [B]; a row with no masked token gives 0.
 */
export function sequenceLogProbs(
  logits: tf.Tensor3D,
  labels: tf.Tensor2D,
  mask: tf.Tensor2D,
  reduction: LogProbReduction = 'sum',
): tf.Tensor1D {
  assertSameShape('mask', mask.shape, labels.shape);
  const sums = tf.sum(tf.mul(tokenLogProbs(logits, labels), mask), 1) as tf.Tensor1D;
  if (reduction === 'sum') return sums;
  return tf.div(sums, tf.maximum(tf.sum(mask, 1), 1));
}

/**
 * Σ values·mask / Σ mask: the mean over the masked positions of the whole batch (every token weighs the same, not
 * every row), 0 when nothing is masked in.
 * @param values [B, T]
 * @param mask [B, T] float32
 */
export function maskedMean(values: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.div(tf.sum(tf.mul(values, mask)), tf.maximum(tf.sum(mask), 1));
}

/**
 * log σ(x) = −softplus(−x), elementwise: the log-probability that the first of a pair wins under Bradley–Terry.
 * Softplus is evaluated stably by every backend (softplus(1e4) = 1e4, softplus(−1e4) = 0), and its registered
 * gradient, σ(x), keeps what it needs. tf.logSigmoid is not used: its custom gradient reads its input after the forward
 * pass has freed it whenever nothing else keeps that input alive, and tf.grads then throws.
 */
export function logSigmoid<T extends tf.Tensor>(x: T): T {
  return tf.neg(tf.softplus(tf.neg(x)));
}

/** logits[b, t, labels[b, t]] → [B, T]. */
function gatherAtLabels(logits: tf.Tensor3D, labels: tf.Tensor2D): tf.Tensor2D {
  const [batch, length, vocab] = logits.shape;
  const rows = batch * length;
  // One 1-D gather over the flattened logits: its gradient is a single UnsortedSegmentSum (registered on wasm by
  // wasm-kernels.ts), where a batchDims gather would split and restack the batch.
  const rowStarts = tf.range(0, rows * vocab, vocab, 'int32');
  const flatIndex = tf.add(rowStarts, tf.reshape(labels, [rows]));
  return tf.reshape(tf.gather(tf.reshape(logits, [rows * vocab]), flatIndex), [batch, length]);
}

function assertLabels(logits: tf.Tensor3D, labels: tf.Tensor2D): void {
  if (logits.rank !== 3) throw new Error(`logits must be [B, T, V], got shape [${logits.shape}]`);
  if (labels.dtype !== 'int32') throw new Error(`labels must be int32 token ids, got ${labels.dtype}`);
  assertSameShape('labels', labels.shape, logits.shape.slice(0, 2));
}

export function assertSameShape(what: string, actual: readonly number[], expected: readonly number[]): void {
  const same = actual.length === expected.length && actual.every((size, axis) => size === expected[axis]);
  if (!same) throw new Error(`${what} must have shape [${expected}], got [${actual}]`);
}
