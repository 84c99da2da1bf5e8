/**
 * One PPO training step (ppo.ts prepares it): a rollout from the current policy scored by the reward model, the
 * per-token rewards and advantages, then num_ppo_epochs passes of num_mini_batches updates, and the reward-hacking
 * monitors' warnings.
 */
import * as tf from '@tensorflow/tfjs';
import { mergedTensors } from '../models/lora';
import type { CausalLM } from '../models/model';
import type { OnnxDecoder } from '../onnx/onnx-decoder';
import type { StepResult, Trainer } from '../training/trainer';
import type { PpoOptions } from './ppo';
import { ppoPolicyLoss, ppoValueLoss } from './ppo-losses';
import { type AdaptiveKlController, generalizedAdvantages, tokenRewards, whiten } from './ppo-math';
import { policyOutputs, type Response, rewardScores, rolloutBatch, rows, sampleResponses } from './ppo-rollout';

export interface PpoState {
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

/** Responses from the current policy, and its log-probs and values, the reference's log-probs and the scores. */
async function rollout(state: PpoState, trainer: Trainer, indices: number[]) {
  const { options } = state;
  state.decoder.setWeights(await mergedTensors(state.model));
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
  const referenceRows = await rows(reference);
  const rawScores = Array.from(await scores.data());
  tf.dispose([reference, scores, batch.lengths]);
  return {
    responses,
    batch,
    policy: policy as { logProbs: tf.Tensor2D; values: tf.Tensor2D },
    referenceRows,
    rawScores,
  };
}

async function collect(state: PpoState, trainer: Trainer, indices: number[]): Promise<Experience> {
  const { options } = state;
  const { responses, batch, policy, referenceRows, rawScores } = await rollout(state, trainer, indices);
  const mask = await rows(batch.mask);
  const logProbs = await rows(policy.logProbs);
  const penalty = options.missing_eos_penalty ?? 0;
  const penalised = rawScores.map((score, i) => (responses[i]?.ended ? score : score - penalty));
  const rewards = tokenRewards(logProbs, referenceRows, mask, penalised, state.klCoef.value, options.kl_estimator);
  const values = await rows(policy.values);
  const { advantages, returns } = generalizedAdvantages(rewards.rewards, values, mask, options.gamma, options.lam);
  const metrics = rolloutMetrics(state, responses, rewards, penalised);
  metrics['objective/entropy'] = mean(
    logProbs.map((row, i) => -row.reduce((sum, lp, t) => sum + lp * ((mask[i] as number[])[t] as number), 0)),
  );
  return {
    responses,
    tokens: batch.tokens,
    mask: batch.mask,
    oldLogProbs: policy.logProbs,
    oldValues: policy.values,
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

/** A seeded shuffle of 0..n−1 by a Weyl sequence hashed once per draw: cheap, and the same order on every machine. */
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

export async function ppoStep(state: PpoState, trainer: Trainer, indices: number[]): Promise<StepResult> {
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
