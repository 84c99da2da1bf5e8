/**
 * RLHF with PPO (SPEC §4, TRL's PPOTrainer and its names and defaults). One training step: responses to a batch of
 * prompts from the current policy, scored by the reward model, per-token rewards with a KL penalty against the
 * reference, GAE, then num_ppo_epochs passes of num_mini_batches updates of the clipped policy loss plus vf_coef times
 * the clipped value loss.
 *
 * Memory: the value head sits on the policy's trunk. With LoRA the reference is the same weights with the adapters
 * disabled, so policy, reference and value share one copy of the base; without LoRA the reference is a frozen copy.
 */
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tokenizePrompt } from '../datasets/tokenize';
import type { Turns } from '../datasets/types';
import { addScalarHead } from '../models/heads';
import { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import { padIdOf, trainableParams } from './batching';
import type { MethodContext, PreparedMethod } from './method';
import { AdaptiveKlController } from './ppo-math';
import { type PpoState, ppoStep } from './ppo-step';

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

function promptIdsOf(context: MethodContext, room: number): number[][] {
  const rowsWithPrompts = (context.rows as Array<{ prompt?: Turns }>).filter((row) => row.prompt !== undefined);
  if (rowsWithPrompts.length === 0) throw new Error('PPO needs prompts: a dataset whose rows have a prompt');
  return rowsWithPrompts.map((row) => tokenizePrompt(context.tokenizer, row as { prompt: Turns }, { maxLength: room }));
}

/**
 * TRL starts its value model from the reward model. Here the value head reads the policy's trunk, which starts as the
 * reward model's did (both come from the SFT model), so the score head's weights are its best starting point.
 */
function startValuesFromScores(model: CausalLM, rewardModel: CausalLM): void {
  const score = rewardModel.params['score.weight'];
  const value = model.params['value.weight'];
  if (!score || !value || score.shape[0] !== value.shape[0]) return;
  value.assign(score);
  model.params['value.bias']?.assign(rewardModel.params['score.bias'] as tf.Variable);
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
  startValuesFromScores(model, rewardModel);
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
