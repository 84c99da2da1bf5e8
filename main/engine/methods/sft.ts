/**
 * Supervised fine-tuning: the mean next-token negative log-likelihood over completion tokens, as TRL's SFTTrainer with
 * completion-only loss. Inputs follow the alignment convention of ./logprobs (labels[b, t] is scored by logits[b, t]).
 */
import * as tf from '@tensorflow/tfjs';
import { tokenizeSequence } from '../datasets/tokenize';
import type { LanguageModelingRow, PromptCompletionRow } from '../datasets/types';
import { namedMetrics, padBatch, padIdOf, type Sequence, trainableParams } from './batching';
import { assertSameShape, type MetricInfo, maskedMean, nextTokenBatch, tokenLogProbs } from './logprobs';
import type { MethodContext, PreparedMethod } from './method';

export interface SftLossOutput {
  /** Mean NLL (nats) over all masked tokens of the batch: the quantity minimised. */
  loss: tf.Scalar;
  /** Share of masked tokens where the most likely token is the label. */
  meanTokenAccuracy: tf.Scalar;
  /** Mean entropy (nats) of the predicted distribution on masked tokens. */
  entropy: tf.Scalar;
  /** Σ mask: the number of tokens the loss averages over. */
  numTokens: tf.Scalar;
}

/** TRL's names for the SFT outputs, with the line a dashboard shows under each. */
export const SFT_METRICS = {
  loss: {
    name: 'loss',
    explanation: 'Mean negative log-likelihood of the completion tokens (nats); exp(loss) is the perplexity.',
  },
  meanTokenAccuracy: {
    name: 'mean_token_accuracy',
    explanation: 'Share of completion tokens the model ranks first; it saturates early, so watch the loss too.',
  },
  entropy: {
    name: 'entropy',
    explanation:
      'How spread out the next-token predictions are (nats); falls as the model grows sure, and a collapse towards 0 with a rising eval_loss means memorising.',
  },
  numTokens: {
    name: 'num_tokens',
    explanation: 'Completion tokens the loss averaged over; TRL plots the running total over training.',
  },
} as const satisfies Record<keyof SftLossOutput, MetricInfo>;

/**
 * @param logits [B, T, V] float32, aligned with labels.
 * @param labels [B, T] int32.
 * @param mask [B, T] float32: 1 on completion tokens, 0 on prompt and padding (those change nothing, gradient
 *   included). With no masked token at all the loss is 0.
 */
export function sftLoss(logits: tf.Tensor3D, labels: tf.Tensor2D, mask: tf.Tensor2D): SftLossOutput {
  assertSameShape('mask', mask.shape, labels.shape);
  const negativeLogLikelihood = tf.neg(tokenLogProbs(logits, labels));
  const isTopToken = tf.cast(tf.equal(tf.argMax(logits, -1), labels), 'float32') as tf.Tensor2D;
  return {
    loss: maskedMean(negativeLogLikelihood, mask),
    meanTokenAccuracy: maskedMean(isTopToken, mask),
    entropy: maskedMean(tokenEntropy(logits), mask),
    numTokens: tf.sum(mask),
  };
}

/** −Σ_v p·log p per position: logits [B, T, V] → [B, T]. */
function tokenEntropy(logits: tf.Tensor3D): tf.Tensor2D {
  // From log-probs, not probabilities: exp(log p) underflows to 0 where log p is −1e4, and 0·(−1e4) is a clean 0,
  // whereas p·log(p) with p = 0 would be 0·(−∞) = NaN.
  const logProbs = tf.sub(logits, tf.logSumExp(logits, -1, true));
  return tf.neg(tf.sum<tf.Tensor2D>(tf.mul(tf.exp(logProbs), logProbs), -1));
}

/** eval_loss (token-weighted mean NLL over the held-out rows) and its perplexity. */
async function heldOutLoss(rows: Sequence[], batchSize: number, batchLoss: (batch: Sequence[]) => SftLossOutput) {
  let total = 0;
  let tokens = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const [loss, count] = tf.tidy(() => {
      const output = batchLoss(rows.slice(start, start + batchSize));
      return [tf.mul(output.loss, output.numTokens), output.numTokens];
    });
    total += (await (loss as tf.Tensor).data())[0] as number;
    tokens += (await (count as tf.Tensor).data())[0] as number;
    tf.dispose([loss as tf.Tensor, count as tf.Tensor]);
  }
  const evalLoss = tokens > 0 ? total / tokens : Number.NaN;
  return { eval_loss: evalLoss, eval_perplexity: Math.exp(evalLoss) };
}

/** Completion-only next-token loss on prompt-completion rows (every token on language-modeling rows). */
export async function prepareSft(context: MethodContext): Promise<PreparedMethod> {
  const { model, tokenizer, args } = context;
  const examples: Sequence[] = (context.rows as Array<LanguageModelingRow | PromptCompletionRow>).map((row) => {
    const tokenized = tokenizeSequence(tokenizer, row, { maxLength: args.max_length });
    return { ids: tokenized.inputIds, mask: tokenized.completionMask };
  });
  const padId = padIdOf(tokenizer.stopIds);
  const heldOut = ((context.evalRows ?? []) as Array<LanguageModelingRow | PromptCompletionRow>).map((row) => {
    const tokenized = tokenizeSequence(tokenizer, row, { maxLength: args.max_length });
    return { ids: tokenized.inputIds, mask: tokenized.completionMask };
  });
  const batchLoss = (batch: Sequence[]) => {
    const padded = padBatch(batch, padId);
    const { inputs, labels, mask } = nextTokenBatch(padded.tokens, padded.mask);
    return sftLoss(model.logits(model.forward({ tokens: inputs }).hidden), labels, mask);
  };
  return {
    trainable: trainableParams(model, args, context.seed),
    size: examples.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + (examples[i] as Sequence).ids.length, 0),
    loss(indices) {
      const output = batchLoss(indices.map((i) => examples[i] as Sequence));
      return { loss: output.loss, metrics: namedMetrics(output, SFT_METRICS) };
    },
    evaluate: heldOut.length > 0 ? () => heldOutLoss(heldOut, args.per_device_train_batch_size, batchLoss) : undefined,
    dispose() {},
  };
}
