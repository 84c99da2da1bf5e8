/**
 * Direct Preference Optimization and its IPO and hinge variants, as losses of sequence log-probs (see ./logprobs for
 * how those are computed from logits; each variant says whether it wants them summed or averaged over tokens).
 *
 * All variants are functions of z = β·[(π_c − ref_c) − (π_r − ref_r)], where π and ref are the policy's and the
 * reference model's log-probs of the chosen (c) and rejected (r) completions:
 * - sigmoid (DPO, Rafailov et al. 2023) with label smoothing ε (conservative DPO): −(1−ε)·log σ(z) − ε·log σ(−z).
 * - ipo (Azar et al. 2023, "A General Theoretical Paradigm to Understand Learning from Human Preferences"):
 *   (h − 1/(2τ))² with h = z/β, the un-scaled log-ratio difference, and the paper's regulariser τ = β; that is
 *   (z/β − 1/(2β))². The paper regresses h onto the fixed target 1/(2τ) instead of pushing it to infinity, and its
 *   h uses log-likelihoods averaged over the completion tokens; TRL follows both, so DPO_LOSSES.ipo asks for 'mean'.
 * - hinge (SLiC, Zhao et al. 2023): relu(1 − z), with 1/β acting as the margin on h.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tokenizePreference } from '../datasets/tokenize';
import type { PreferenceRow } from '../datasets/types';
import type { CausalLM } from '../models/model';
import { withoutGradient } from '../ops/without-gradient';
import { namedMetrics, padBatch, padIdOf, type Sequence, trainableParams } from './batching';
import {
  assertSameShape,
  type LogProbReduction,
  logSigmoid,
  type MetricInfo,
  nextTokenBatch,
  sequenceLogProbs,
} from './logprobs';
import type { MethodContext, PreparedMethod } from './method';

export type DpoLossType = 'sigmoid' | 'ipo' | 'hinge';

export interface DpoConfig {
  /** TRL's `beta`: the strength of the pull towards the reference (smaller β lets the policy drift further). */
  beta: number;
  /** TRL's `loss_type`. */
  lossType: DpoLossType;
  /** TRL's `label_smoothing` ε ∈ [0, 0.5]: the assumed probability that a pair's labels are flipped (sigmoid only). */
  labelSmoothing: number;
}

/** TRL's DPOConfig defaults. */
export const DPO_DEFAULTS: DpoConfig = { beta: 0.1, lossType: 'sigmoid', labelSmoothing: 0 };

export interface DpoVariant {
  /** z [B] → the loss of each pair [B]. */
  pairLosses: (z: tf.Tensor1D, config: DpoConfig) => tf.Tensor1D;
  /** How the trainer must reduce token log-probs to the sequence log-probs this variant is defined on. */
  logProbReduction: LogProbReduction;
}

export const DPO_LOSSES: Record<DpoLossType, DpoVariant> = {
  sigmoid: { pairLosses: sigmoidPairLosses, logProbReduction: 'sum' },
  ipo: { pairLosses: ipoPairLosses, logProbReduction: 'mean' },
  hinge: { pairLosses: hingePairLosses, logProbReduction: 'sum' },
};

export interface DpoLossOutput {
  /** The variant's loss averaged over the pairs. */
  loss: tf.Scalar;
  /** mean β·(π_c − ref_c). */
  chosenRewards: tf.Scalar;
  /** mean β·(π_r − ref_r). */
  rejectedRewards: tf.Scalar;
  /** mean z = mean(chosen reward − rejected reward). */
  rewardMargins: tf.Scalar;
  /** Share of pairs whose chosen reward is above the rejected one (a tie counts as wrong). */
  rewardAccuracies: tf.Scalar;
  /** mean π_c. */
  chosenLogps: tf.Scalar;
  /** mean π_r. */
  rejectedLogps: tf.Scalar;
}

export const DPO_METRICS = {
  loss: { name: 'loss', explanation: 'The DPO loss; for sigmoid, ln 2 ≈ 0.693 at the start, when policy = reference.' },
  chosenRewards: {
    name: 'rewards/chosen',
    explanation:
      'β·(log π − log π_ref) of the chosen answers. It can fall while rewards/margins rises: DPO only widens the gap, and often both answers lose probability, the rejected faster.',
  },
  rejectedRewards: {
    name: 'rewards/rejected',
    explanation: 'β·(log π − log π_ref) of the rejected answers: how far the policy has moved away from them.',
  },
  rewardMargins: {
    name: 'rewards/margins',
    explanation: 'rewards/chosen − rewards/rejected: the implicit reward gap the loss widens; 0 at the first step.',
  },
  rewardAccuracies: {
    name: 'rewards/accuracies',
    explanation: 'Share of pairs whose chosen answer has the higher implicit reward; 0 at the first step (all ties).',
  },
  chosenLogps: {
    name: 'logps/chosen',
    explanation: 'Mean policy log-probability of the chosen answers; a steep fall warns of drift (raise β).',
  },
  rejectedLogps: {
    name: 'logps/rejected',
    explanation: 'Mean policy log-probability of the rejected answers; it should fall faster than logps/chosen.',
  },
} as const satisfies Record<keyof DpoLossOutput, MetricInfo>;

/**
 * Each argument is [B] float32, one sequence log-prob per pair, reduced as DPO_LOSSES[lossType].logProbReduction says.
 * The reference log-probs are constants: no gradient flows into them, whatever computed them.
 */
export function dpoLoss(
  policyChosenLogps: tf.Tensor1D,
  policyRejectedLogps: tf.Tensor1D,
  referenceChosenLogps: tf.Tensor1D,
  referenceRejectedLogps: tf.Tensor1D,
  config: DpoConfig = DPO_DEFAULTS,
): DpoLossOutput {
  validateDpoConfig(config);
  const shape = policyChosenLogps.shape;
  assertSameShape('policyRejectedLogps', policyRejectedLogps.shape, shape);
  assertSameShape('referenceChosenLogps', referenceChosenLogps.shape, shape);
  assertSameShape('referenceRejectedLogps', referenceRejectedLogps.shape, shape);
  const chosenRewards = tf.mul(config.beta, tf.sub(policyChosenLogps, withoutGradient(referenceChosenLogps)));
  const rejectedRewards = tf.mul(config.beta, tf.sub(policyRejectedLogps, withoutGradient(referenceRejectedLogps)));
  const z = tf.sub(chosenRewards, rejectedRewards) as tf.Tensor1D;
  return {
    loss: tf.mean(DPO_LOSSES[config.lossType].pairLosses(z, config)),
    chosenRewards: tf.mean(chosenRewards),
    rejectedRewards: tf.mean(rejectedRewards),
    rewardMargins: tf.mean(z),
    rewardAccuracies: tf.mean(tf.cast(tf.greater(chosenRewards, rejectedRewards), 'float32')),
    chosenLogps: tf.mean(policyChosenLogps),
    rejectedLogps: tf.mean(policyRejectedLogps),
  };
}

/** Throws a RangeError naming the first setting out of range (configs arrive from recipes). */
export function validateDpoConfig(config: DpoConfig): void {
  if (!Object.hasOwn(DPO_LOSSES, config.lossType)) {
    throw new RangeError(`lossType must be one of ${Object.keys(DPO_LOSSES).join(', ')}, got ${config.lossType}`);
  }
  if (!(config.beta > 0 && Number.isFinite(config.beta))) {
    throw new RangeError(`beta must be a positive number, got ${config.beta}`);
  }
  if (!(config.labelSmoothing >= 0 && config.labelSmoothing <= 0.5)) {
    throw new RangeError(`labelSmoothing must be in [0, 0.5], got ${config.labelSmoothing}`);
  }
}

function sigmoidPairLosses(z: tf.Tensor1D, { labelSmoothing }: DpoConfig): tf.Tensor1D {
  // log σ through softplus: stable for |z| of 1e4, where log(sigmoid(z)) would be log(0).
  const agree = tf.mul(1 - labelSmoothing, logSigmoid(z));
  const flipped = tf.mul(labelSmoothing, logSigmoid(tf.neg(z)));
  return tf.neg(tf.add<tf.Tensor1D>(agree, flipped));
}

function ipoPairLosses(z: tf.Tensor1D, { beta }: DpoConfig): tf.Tensor1D {
  return tf.square(tf.sub<tf.Tensor1D>(tf.div(z, beta), 1 / (2 * beta)));
}

function hingePairLosses(z: tf.Tensor1D): tf.Tensor1D {
  return tf.relu(tf.sub<tf.Tensor1D>(1, z));
}

/** DPO's own settings in a recipe stage, TRL's names and defaults. */
export const DpoOptionsSchema = z.object({
  beta: z.number().positive().default(DPO_DEFAULTS.beta),
  loss_type: z.enum(['sigmoid', 'ipo', 'hinge']).default(DPO_DEFAULTS.lossType),
  label_smoothing: z.number().min(0).max(0.5).default(DPO_DEFAULTS.labelSmoothing),
  /** Compute the reference log-probs once, before training (always so without LoRA: no second model in memory). */
  precompute_ref_log_probs: z.boolean().default(false),
});

interface PairExample {
  chosen: Sequence;
  rejected: Sequence;
}

function pairExamples(context: MethodContext): PairExample[] {
  return (context.rows as PreferenceRow[]).map((row) => {
    const { promptIds, chosenIds, rejectedIds } = tokenizePreference(context.tokenizer, row, {
      maxLength: context.args.max_length,
    });
    const sequence = (completion: number[]) => ({
      ids: [...promptIds, ...completion],
      mask: [...promptIds.map(() => 0), ...completion.map(() => 1)],
    });
    return { chosen: sequence(chosenIds), rejected: sequence(rejectedIds) };
  });
}

/** Sequence log-probs [2B] of the chosen answers (first B) then the rejected ones, for the pairs given. */
function pairLogProbs(
  model: CausalLM,
  pairs: PairExample[],
  padId: number,
  reduction: 'sum' | 'mean',
  adapters: boolean,
): tf.Tensor1D {
  const batch = padBatch([...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)], padId);
  const { inputs, labels, mask } = nextTokenBatch(batch.tokens, batch.mask);
  const logits = model.logits(model.forward({ tokens: inputs, lora: { enabled: adapters } }).hidden);
  return sequenceLogProbs(logits, labels, mask, reduction);
}

/** The reference model's log-probs of every pair, computed once with the weights as they are now. */
async function precomputeReference(
  model: CausalLM,
  pairs: PairExample[],
  padId: number,
  reduction: 'sum' | 'mean',
  batchSize: number,
) {
  const chosen = new Float32Array(pairs.length);
  const rejected = new Float32Array(pairs.length);
  for (let start = 0; start < pairs.length; start += batchSize) {
    const slice = pairs.slice(start, start + batchSize);
    const logps = tf.tidy(() => pairLogProbs(model, slice, padId, reduction, false));
    const values = (await logps.data()) as Float32Array;
    logps.dispose();
    chosen.set(values.subarray(0, slice.length), start);
    rejected.set(values.subarray(slice.length), start);
  }
  return { chosen, rejected };
}

export async function prepareDpo(context: MethodContext): Promise<PreparedMethod> {
  const options = DpoOptionsSchema.parse(context.options);
  const config: DpoConfig = {
    beta: options.beta,
    lossType: options.loss_type,
    labelSmoothing: options.label_smoothing,
  };
  const { model } = context;
  const pairs = pairExamples(context);
  const padId = padIdOf(context.tokenizer.stopIds);
  const reduction = DPO_LOSSES[config.lossType].logProbReduction;
  // Before any adapter exists or any step runs, the model is the reference.
  const reference =
    options.precompute_ref_log_probs || !context.args.lora
      ? await precomputeReference(model, pairs, padId, reduction, context.args.per_device_train_batch_size)
      : undefined;
  const trainable = trainableParams(model, context.args, context.seed);
  return {
    trainable,
    size: pairs.length,
    tokens: (indices) =>
      indices.reduce(
        (sum, i) => sum + (pairs[i] as PairExample).chosen.ids.length + (pairs[i] as PairExample).rejected.ids.length,
        0,
      ),
    loss(indices) {
      const batch = indices.map((i) => pairs[i] as PairExample);
      const [policyChosen, policyRejected] = tf.split(pairLogProbs(model, batch, padId, reduction, true), 2) as [
        tf.Tensor1D,
        tf.Tensor1D,
      ];
      const [referenceChosen, referenceRejected] = reference
        ? [
            tf.tensor1d(indices.map((i) => reference.chosen[i] as number)),
            tf.tensor1d(indices.map((i) => reference.rejected[i] as number)),
          ]
        : (tf.split(pairLogProbs(model, batch, padId, reduction, false), 2) as [tf.Tensor1D, tf.Tensor1D]);
      const output = dpoLoss(policyChosen, policyRejected, referenceChosen, referenceRejected, config);
      return { loss: output.loss, metrics: namedMetrics(output, DPO_METRICS) };
    },
    dispose() {},
  };
}
