/**
 * RLHF with PPO (SPEC §4, TRL's PPOTrainer and its names and defaults). One training step: responses to a batch of
 * prompts from the current policy, scored by the reward model, per-token rewards with a KL penalty against the
 * reference, GAE, then num_ppo_epochs passes of num_mini_batches updates of the clipped policy loss plus vf_coef times
 * the clipped value loss.
 *
 * Memory: the value head sits on the policy's trunk. With LoRA the reference is the same weights with the adapters
 * disabled, so policy, reference and value share one copy of the base; without LoRA the reference is a frozen copy.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tokenizePrompt } from '../datasets/tokenize';
import type { Turns } from '../datasets/types';
import { addScalarHead } from '../models/heads';
import { hasLora } from '../models/lora';
import { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { StepResult, Trainer } from '../training/trainer';
import { padIdOf, trainableParams } from './batching';
import type { MethodContext, PreparedMethod } from './method';
import { ppoPolicyLoss, ppoValueLoss } from './ppo-losses';
import { AdaptiveKlController, generalizedAdvantages, tokenRewards, whiten } from './ppo-math';
import { policyOutputs, type Response, rewardScores, rolloutBatch, rows, sampleResponses } from './ppo-rollout';

export const PpoOptionsSchema = z.object({
  /** A workspace model with a score head (a reward stage's output, or "@rm" for the recipe's stage named rm). */
  reward_model: z.string().min(1),
  response_length: z.number().int().positive().default(53),
  temperature: z.number().positive().default(0.7),
  kl_coef: z.number().nonnegative().default(0.05),
  kl_estimator: z.enum(['k1', 'k2', 'k3']).default('k1'),
  cliprange: z.number().positive().default(0.2),
  vf_coef: z.number().nonnegative().default(0.1),
  cliprange_value: z.number().positive().default(0.2),
  gamma: z.number().min(0).max(1).default(1),
  lam: z.number().min(0).max(1).default(0.95),
  num_ppo_epochs: z.number().int().positive().default(4),
  num_mini_batches: z.number().int().positive().default(1),
  /** Subtracted from the score of a response that ends without EOS. */
  missing_eos_penalty: z.number().nonnegative().optional(),
  /** Adaptive KL control (Ziegler et al., 2019) toward this KL per response; a fixed kl_coef without it. */
  kl_target: z.number().positive().optional(),
  kl_horizon: z.number().positive().default(10_000),
  /** A monitor: objective/kl above this raises a warning (reward hacking often shows first as a KL spike). */
  max_kl: z.number().positive().optional(),
});
export type PpoOptions = z.infer<typeof PpoOptionsSchema>;

interface PpoState {
  model: CausalLM;
  reference: { model: CausalLM; loraOff: boolean };
  rewardModel: CausalLM;
  decoder: OnnxDecoder;
  prompts: number[][];
  options: PpoOptions;
  klCoef: AdaptiveKlController | { value: number };
  stopIds: number[];
  padId: number;
  seed: number;
  /** Mean response length of the first step, the baseline of the length-drift monitor. */
  firstLength?: number;
}

/** The policy's weights as the ONNX decoder takes them: adapters folded in (without changing the model). */
async function policyTensors(model: CausalLM): Promise<Record<string, Float32Array>> {
  const tensors = await model.tensors();
  if (!hasLora(model)) return tensors;
  for (const name of Object.keys(tensors).filter((n) => n.endsWith('.lora_a'))) {
    const base = name.slice(0, -'.lora_a'.length);
    const merged = tf.tidy(() => {
      const [a, b, scale] = ['lora_a', 'lora_b', 'lora_scale'].map(
        (part) => model.params[`${base}.${part}`] as tf.Tensor,
      );
      return tf.add(
        model.params[`${base}.weight`] as tf.Tensor,
        tf.mul(tf.matMul(a as tf.Tensor, b as tf.Tensor), scale as tf.Tensor),
      );
    });
    tensors[`${base}.weight`] = (await merged.data()) as Float32Array;
    merged.dispose();
  }
  return tensors;
}

function promptIdsOf(context: MethodContext, room: number): number[][] {
  const rowsWithPrompts = (context.rows as Array<{ prompt?: Turns }>).filter((row) => row.prompt !== undefined);
  if (rowsWithPrompts.length === 0) throw new Error('PPO needs prompts: a dataset whose rows have a prompt');
  return rowsWithPrompts.map((row) => tokenizePrompt(context.tokenizer, row as { prompt: Turns }, { maxLength: room }));
}

export async function preparePpo(context: MethodContext): Promise<PreparedMethod> {
  const options = PpoOptionsSchema.parse(context.options);
  if (!context.loadModel) throw new Error('PPO needs the workspace to load its reward model');
  const { model, args } = context;
  const rewardModel = (await context.loadModel(options.reward_model)).model;
  if (!rewardModel.params['score.weight']) {
    throw new Error(`${options.reward_model} has no score head: PPO's reward_model must be a reward stage's output`);
  }
  if (rewardModel.config.vocabSize !== model.config.vocabSize) {
    throw new Error(`${options.reward_model} has another vocabulary than the policy: it cannot score its responses`);
  }
  const loraOff = args.lora !== undefined;
  // Without LoRA the reference is a frozen copy of the weights before any update.
  const reference = loraOff ? model : CausalLM.fromTensors(model.config, await model.tensors());
  for (const variable of loraOff ? [] : Object.values(reference.params)) variable.trainable = false;
  const trainable = trainableParams(model, args, context.seed);
  addScalarHead(model, 'value', context.seed + 1);
  Object.assign(trainable, { 'value.weight': model.params['value.weight'], 'value.bias': model.params['value.bias'] });
  const state: PpoState = {
    model,
    reference: { model: reference, loraOff },
    rewardModel,
    decoder: await OnnxDecoder.create(model, { weightsAsInputs: true }),
    prompts: promptIdsOf(context, args.max_length - options.response_length),
    options,
    klCoef: options.kl_target
      ? new AdaptiveKlController(options.kl_coef, options.kl_target, options.kl_horizon)
      : { value: options.kl_coef },
    stopIds: context.tokenizer.stopIds,
    padId: padIdOf(context.tokenizer.stopIds),
    seed: context.seed,
  };
  return {
    trainable,
    size: state.prompts.length,
    tokens: (indices) => indices.reduce((sum, i) => sum + (state.prompts[i]?.length ?? 0) + options.response_length, 0),
    loss: () => {
      throw new Error('PPO trains through its own step');
    },
    step: (trainer, indices) => ppoStep(state, trainer, indices),
    dispose() {
      state.decoder.dispose();
      rewardModel.dispose();
      if (!loraOff) reference.dispose();
    },
  };
}

/** What the updates need from a rollout, as constants. */
interface Experience {
  responses: Response[];
  tokens: tf.Tensor2D;
  mask: tf.Tensor2D;
  oldLogProbs: tf.Tensor2D;
  oldValues: tf.Tensor2D;
  advantages: tf.Tensor2D;
  returns: tf.Tensor2D;
  metrics: Record<string, number>;
}

async function collect(state: PpoState, trainer: Trainer, indices: number[]): Promise<Experience> {
  const { options } = state;
  state.decoder.setWeights(await policyTensors(state.model));
  const responses = await sampleResponses(
    state.decoder,
    indices.map((i) => state.prompts[i] as number[]),
    {
      temperature: options.temperature,
      maxNewTokens: options.response_length,
      stopIds: state.stopIds,
      seed: state.seed * 100_003 + trainer.step,
    },
  );
  const batch = rolloutBatch(responses, state.padId);
  const [policy, reference, scores] = tf.tidy(() => {
    const now = policyOutputs(state.model, batch.tokens, { values: true });
    const ref = policyOutputs(state.reference.model, batch.tokens, {
      values: false,
      ...(state.reference.loraOff ? { lora: { enabled: false } } : {}),
    });
    return [now, ref.logProbs, rewardScores(state.rewardModel, batch)] as const;
  });
  const mask = await rows(batch.mask);
  const logProbs = await rows(policy.logProbs);
  const values = await rows(policy.values as tf.Tensor2D);
  const penalty = options.missing_eos_penalty ?? 0;
  const rawScores = Array.from(await scores.data());
  const penalised = rawScores.map((score, i) => (responses[i]?.ended ? score : score - penalty));
  const rewards = tokenRewards(
    logProbs,
    await rows(reference),
    mask,
    penalised,
    state.klCoef.value,
    options.kl_estimator,
  );
  const { advantages, returns } = generalizedAdvantages(rewards.rewards, values, mask, options.gamma, options.lam);
  const metrics = rolloutMetrics(state, responses, rewards, penalised);
  metrics['objective/entropy'] = mean(
    logProbs.map((row, i) => -row.reduce((sum, lp, t) => sum + lp * ((mask[i] as number[])[t] as number), 0)),
  );
  tf.dispose([reference, scores, batch.lengths]);
  return {
    responses,
    tokens: batch.tokens,
    mask: batch.mask,
    oldLogProbs: policy.logProbs,
    oldValues: policy.values as tf.Tensor2D,
    advantages: tf.tensor2d(whiten(advantages, mask)),
    returns: tf.tensor2d(returns),
    metrics,
  };
}

function mean(values: number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

function rolloutMetrics(
  state: PpoState,
  responses: Response[],
  rewards: ReturnType<typeof tokenRewards>,
  scores: number[],
): Record<string, number> {
  const perResponse = (table: number[][]) => table.map((row) => row.reduce((a, b) => a + b, 0));
  const kl = mean(perResponse(rewards.kl));
  const nonScore = mean(perResponse(rewards.nonScore));
  return {
    'objective/kl': kl,
    'objective/non_score_reward': nonScore,
    'objective/scores': mean(scores),
    'objective/rlhf_reward': mean(scores) + nonScore,
    'val/num_eos_tokens': responses.filter((r) => r.ended).length,
    'val/mean_response_length': mean(responses.map((r) => r.responseIds.length)),
    kl_coef: state.klCoef.value,
  };
}

/** One update on the rows of a minibatch: the clipped policy loss plus vf_coef · the clipped value loss. */
function minibatchLoss(state: PpoState, experience: Experience, rowsOf: tf.Tensor1D) {
  const pick = (t: tf.Tensor2D) => tf.gather(t, rowsOf) as tf.Tensor2D;
  const { logProbs, values } = policyOutputs(state.model, pick(experience.tokens), { values: true });
  const mask = pick(experience.mask);
  const policy = ppoPolicyLoss(
    logProbs,
    pick(experience.oldLogProbs),
    pick(experience.advantages),
    mask,
    state.options.cliprange,
  );
  const value = ppoValueLoss(
    values as tf.Tensor2D,
    pick(experience.oldValues),
    pick(experience.returns),
    mask,
    state.options.cliprange_value,
  );
  return {
    loss: tf.add(policy.loss, tf.mul(state.options.vf_coef, value.loss)) as tf.Scalar,
    metrics: {
      'policy/approxkl_avg': policy.approxKl,
      'policy/clipfrac_avg': policy.clipfrac,
      'loss/policy_avg': policy.loss,
      'loss/value_avg': value.loss,
      'val/clipfrac_avg': value.clipfrac,
      'val/ratio': policy.ratio,
    },
  };
}

/** A seeded shuffle of 0..n−1 (mulberry32 as the sampler uses). */
function permutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (s + 0x6d2b79f5) >>> 0;
    const j = Math.floor((((s ^ (s >>> 15)) >>> 0) / 4294967296) * (i + 1)) % (i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Reward-hacking monitors (SPEC §4): a KL over the recipe's bound, responses drifting in length, missing EOS. */
function monitorWarnings(state: PpoState, metrics: Record<string, number>, responses: number): string[] {
  const warnings: string[] = [];
  const kl = metrics['objective/kl'] as number;
  if (state.options.max_kl !== undefined && kl > state.options.max_kl) {
    warnings.push(
      `objective/kl is ${kl.toFixed(3)}, over max_kl ${state.options.max_kl}: the policy is leaving the reference`,
    );
  }
  const length = metrics['val/mean_response_length'] as number;
  state.firstLength ??= length;
  if (state.firstLength > 0 && Math.abs(length / state.firstLength - 1) > 0.5) {
    warnings.push(
      `mean response length ${length.toFixed(1)} has drifted from ${state.firstLength.toFixed(1)} at the start`,
    );
  }
  const missing = responses - (metrics['val/num_eos_tokens'] as number);
  if (missing > responses / 2) warnings.push(`${missing} of ${responses} responses end without EOS`);
  return warnings;
}

async function ppoStep(state: PpoState, trainer: Trainer, indices: number[]): Promise<StepResult> {
  const experience = await collect(state, trainer, indices);
  const warnings = monitorWarnings(state, experience.metrics, indices.length);
  const updates: StepResult[] = [];
  const size = Math.max(1, Math.floor(indices.length / state.options.num_mini_batches));
  for (let epoch = 0; epoch < state.options.num_ppo_epochs; epoch++) {
    const order = permutation(indices.length, state.seed * 31 + trainer.step * 7 + epoch);
    for (let start = 0; start + size <= order.length; start += size) {
      const picked = tf.tensor1d(order.slice(start, start + size), 'int32');
      updates.push(await trainer.trainStep([() => minibatchLoss(state, experience, picked)], false));
      picked.dispose();
    }
  }
  tf.dispose([
    experience.tokens,
    experience.mask,
    experience.oldLogProbs,
    experience.oldValues,
    experience.advantages,
    experience.returns,
  ]);
  if ('update' in state.klCoef) state.klCoef.update(experience.metrics['objective/kl'] as number, indices.length);
  trainer.step = trainer.step + 1;
  const last = updates.at(-1) as StepResult;
  const averaged = Object.fromEntries(
    Object.keys(last.metrics).map((key) => [key, mean(updates.map((u) => u.metrics[key] as number))]),
  );
  return {
    step: trainer.step,
    loss: mean(updates.map((u) => u.loss)),
    gradNorm: last.gradNorm,
    learningRate: last.learningRate,
    metrics: { ...experience.metrics, ...averaged },
    warnings,
  };
}
