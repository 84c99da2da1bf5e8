/**
 * Reward model: a Bradley–Terry loss on the scalar scores of the chosen and rejected responses (the scores themselves
 * come from the `score` head on the last real token, models/heads.ts), with TRL's optional reward centering.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tokenizePreference } from '../datasets/tokenize';
import type { PreferenceRow } from '../datasets/types';
import { addScalarHead, scoreLastToken } from '../models/heads';
import type { CausalLM } from '../models/model';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { namedMetrics, padBatch, padIdOf, type Sequence, trainableParams } from './batching';
import { assertSameShape, logSigmoid, type MetricInfo } from './logprobs';
import type { MethodContext, PreparedMethod } from './method';

export interface RewardLossConfig {
  /** TRL's `center_rewards_coefficient`: weight of mean((r_c + r_r)²); 0 or absent turns it off (TRL's default). */
  centerRewardsCoefficient?: number;
}

export interface RewardLossOutput {
  /** mean(−log σ(r_c − r_r)) + coefficient · mean((r_c + r_r)²). */
  loss: tf.Scalar;
  /** Share of pairs where r_c > r_r (a tie counts as wrong). */
  accuracy: tf.Scalar;
  /** mean(r_c − r_r). */
  margin: tf.Scalar;
  /** Mean of all 2B rewards, chosen and rejected. */
  meanReward: tf.Scalar;
}

export const REWARD_METRICS = {
  loss: {
    name: 'loss',
    explanation:
      'Bradley–Terry loss −log σ(r_chosen − r_rejected); ln 2 ≈ 0.693 means the model cannot tell the pair apart.',
  },
  accuracy: {
    name: 'accuracy',
    explanation: 'Share of pairs where the chosen response scores higher: the number that matters, on held-out pairs.',
  },
  margin: {
    name: 'margin',
    explanation: 'Mean r_chosen − r_rejected; it keeps growing on training pairs long after accuracy saturates.',
  },
  meanReward: {
    name: 'mean_reward',
    explanation:
      'Mean score of all responses; only differences matter, so it drifts freely unless rewards are centered.',
  },
} as const satisfies Record<keyof RewardLossOutput, MetricInfo>;

/**
 * @param chosenRewards [B] float32, the score of each pair's chosen response.
 * @param rejectedRewards [B] float32, the score of its rejected response.
 */
export function rewardLoss(
  chosenRewards: tf.Tensor1D,
  rejectedRewards: tf.Tensor1D,
  config: RewardLossConfig = {},
): RewardLossOutput {
  assertSameShape('rejectedRewards', rejectedRewards.shape, chosenRewards.shape);
  const coefficient = config.centerRewardsCoefficient ?? 0;
  if (!(coefficient >= 0)) throw new RangeError(`centerRewardsCoefficient must be ≥ 0, got ${coefficient}`);
  const margins = tf.sub(chosenRewards, rejectedRewards);
  const bradleyTerry = tf.neg(tf.mean<tf.Scalar>(logSigmoid(margins)));
  const centered = coefficient > 0 ? centering(chosenRewards, rejectedRewards, coefficient) : undefined;
  return {
    loss: centered ? tf.add<tf.Scalar>(bradleyTerry, centered) : bradleyTerry,
    accuracy: tf.mean(tf.cast(tf.greater(chosenRewards, rejectedRewards), 'float32')),
    margin: tf.mean(margins),
    meanReward: tf.mean(tf.concat([chosenRewards, rejectedRewards])),
  };
}

/** coefficient · mean((r_c + r_r)²). */
function centering(chosenRewards: tf.Tensor1D, rejectedRewards: tf.Tensor1D, coefficient: number): tf.Scalar {
  // Bradley–Terry sees only differences, so the rewards' offset is free to drift; this pins it near 0 so that scores
  // from different runs (and PPO's reward scale) stay comparable.
  return tf.mul(coefficient, tf.mean(tf.square(tf.add(chosenRewards, rejectedRewards))));
}

export const RewardOptionsSchema = z.object({
  center_rewards_coefficient: z.number().nonnegative().optional(),
});

/** Chosen and rejected as whole sequences (the reward model scores prompt + answer). */
function rewardPairs(rows: PreferenceRow[], tokenizer: Tokenizer, maxLength: number): Array<[Sequence, Sequence]> {
  return rows.map((row) => {
    const { promptIds, chosenIds, rejectedIds } = tokenizePreference(tokenizer, row, { maxLength });
    const whole = (completion: number[]) => {
      const ids = [...promptIds, ...completion];
      return { ids, mask: ids.map(() => 1) };
    };
    return [whole(chosenIds), whole(rejectedIds)];
  });
}

/** Scores [2B]: the chosen sequences' then the rejected ones'. */
function pairScores(model: CausalLM, pairs: Array<[Sequence, Sequence]>, padId: number): tf.Tensor1D {
  const batch = padBatch([...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])], padId);
  return scoreLastToken(model, model.forward({ tokens: batch.tokens }).hidden, batch.lengths);
}

/** Share of held-out pairs whose chosen answer scores higher. */
async function heldOutAccuracy(
  model: CausalLM,
  pairs: Array<[Sequence, Sequence]>,
  padId: number,
  batchSize: number,
): Promise<number> {
  let correct = 0;
  for (let start = 0; start < pairs.length; start += batchSize) {
    const slice = pairs.slice(start, start + batchSize);
    const scores = tf.tidy(() => pairScores(model, slice, padId));
    const values = (await scores.data()) as Float32Array;
    scores.dispose();
    for (let i = 0; i < slice.length; i++) if ((values[i] as number) > (values[slice.length + i] as number)) correct++;
  }
  return pairs.length > 0 ? correct / pairs.length : Number.NaN;
}

export async function prepareReward(context: MethodContext): Promise<PreparedMethod> {
  const options = RewardOptionsSchema.parse(context.options);
  const { model, tokenizer, args } = context;
  const pairs = rewardPairs(context.rows as PreferenceRow[], tokenizer, args.max_length);
  const heldOut = rewardPairs((context.evalRows ?? []) as PreferenceRow[], tokenizer, args.max_length);
  const padId = padIdOf(tokenizer.stopIds);
  const trainable = trainableParams(model, args, context.seed);
  addScalarHead(model, 'score', context.seed);
  Object.assign(trainable, { 'score.weight': model.params['score.weight'], 'score.bias': model.params['score.bias'] });
  return {
    trainable,
    size: pairs.length,
    tokens: (indices) =>
      indices.reduce((sum, i) => sum + (pairs[i] as [Sequence, Sequence]).reduce((n, s) => n + s.ids.length, 0), 0),
    loss(indices) {
      const [chosen, rejected] = tf.split(
        pairScores(
          model,
          indices.map((i) => pairs[i] as [Sequence, Sequence]),
          padId,
        ),
        2,
      ) as [tf.Tensor1D, tf.Tensor1D];
      const output = rewardLoss(chosen, rejected, { centerRewardsCoefficient: options.center_rewards_coefficient });
      return { loss: output.loss, metrics: namedMetrics(output, REWARD_METRICS) };
    },
    evaluate:
      heldOut.length > 0
        ? async () => ({
            eval_accuracy: await heldOutAccuracy(model, heldOut, padId, args.per_device_train_batch_size),
          })
        : undefined,
    dispose() {},
  };
}
