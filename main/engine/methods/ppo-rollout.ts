/**
 * PPO's rollouts: responses sampled from the current policy on the ONNX path (the policy's weights fed as graph
 * inputs, so a changed policy needs no re-export), then one forward pass each of the policy (log-probs and values),
 * the reference (log-probs) and the reward model (scores) over prompt + response.
 *
 * Positions: a batch of prompt + response rows padded to L tokens gives next-token predictions at L − 1 positions;
 * response token t of row i is predicted at position promptLength_i − 1 + t, which is where the response mask is 1.
 */
import * as tf from '@tensorflow/tfjs';
import type { Decoder } from '../generation/generate';
import { type SamplingOptions, sampleToken, seededRandom } from '../generation/sampler';
import { scalarPerToken, scoreLastToken } from '../models/heads';
import type { LoraOptions } from '../models/layers';
import type { CausalLM } from '../models/model';
import { withoutGradient } from '../ops/without-gradient';
import { padBatch } from './batching';
import { tokenLogProbs } from './logprobs';
import type { Rows } from './ppo-math';

export interface Response {
  promptIds: number[];
  responseIds: number[];
  /** The response ended with a stop token (EOS) rather than at response_length. */
  ended: boolean;
}

/** Samples one response per prompt, token by token, stopping after a stop token (which is kept). */
export async function sampleResponses(
  decoder: Decoder,
  prompts: number[][],
  options: SamplingOptions & { maxNewTokens: number; stopIds: number[]; seed: number },
): Promise<Response[]> {
  const responses: Response[] = [];
  for (const [row, promptIds] of prompts.entries()) {
    const random = seededRandom(options.seed * 7919 + row);
    decoder.reset();
    let logits = await decoder.feed(promptIds);
    const responseIds: number[] = [];
    let ended = false;
    while (responseIds.length < options.maxNewTokens) {
      const id = sampleToken(logits, options, random);
      responseIds.push(id);
      if (options.stopIds.includes(id)) {
        ended = true;
        break;
      }
      if (responseIds.length < options.maxNewTokens) logits = await decoder.feed([id]);
    }
    responses.push({ promptIds, responseIds, ended });
  }
  return responses;
}

export interface RolloutBatch {
  tokens: tf.Tensor2D;
  /** [B, L − 1]: 1 where the position predicts a response token. */
  mask: tf.Tensor2D;
  /** Number of real tokens per row. */
  lengths: tf.Tensor1D;
}

export function rolloutBatch(responses: Response[], padId: number): RolloutBatch {
  const sequences = responses.map((r) => ({
    ids: [...r.promptIds, ...r.responseIds],
    mask: [...r.promptIds.slice(1).map(() => 0), ...r.responseIds.map(() => 1)],
  }));
  const { tokens, mask, lengths } = padBatch(sequences, padId);
  // padBatch pads the mask to L; the predictions are L − 1.
  const predictionMask = tf.slice(mask, [0, 0], [mask.shape[0], mask.shape[1] - 1]) as tf.Tensor2D;
  mask.dispose();
  return { tokens, mask: predictionMask, lengths };
}

/** Log-probs of each next token [B, L − 1], and (with a value head) the values at the same positions. */
export function policyOutputs(
  model: CausalLM,
  tokens: tf.Tensor2D,
  options: { values: boolean; lora?: LoraOptions },
): { logProbs: tf.Tensor2D; values?: tf.Tensor2D } {
  const [batch, length] = tokens.shape;
  const hidden = model.forward({ tokens, lora: options.lora }).hidden;
  const inputs = tf.slice(hidden, [0, 0, 0], [batch, length - 1, hidden.shape[2]]) as tf.Tensor3D;
  const labels = tf.slice(tokens, [0, 1], [batch, length - 1]) as tf.Tensor2D;
  const logProbs = tokenLogProbs(model.logits(inputs), labels);
  // The value head reads the trunk without training it: TRL's value model is a separate network, and here a value
  // loss that reached the shared trunk outweighed the policy loss (0.28 against 0.001) and took the clipped gradient.
  const values = options.values ? { values: scalarPerToken(model, 'value', withoutGradient(inputs)) } : {};
  return { logProbs, ...values };
}

/** The reward model's score of each prompt + response, at its last real token. */
export function rewardScores(rewardModel: CausalLM, batch: RolloutBatch): tf.Tensor1D {
  return scoreLastToken(rewardModel, rewardModel.forward({ tokens: batch.tokens }).hidden, batch.lengths);
}

export async function rows(tensor: tf.Tensor2D): Promise<Rows> {
  return (await tensor.array()) as Rows;
}
