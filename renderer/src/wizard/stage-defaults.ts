/**
 * What the wizard knows about each method: the stage name a recipe gets and the numeric settings a stage starts with
 * (TRL names). The defaults are the demo's tuned settings (main/engine/demo/stages.ts) with a log line every step, so a
 * dashboard fills from the first second. The settings that are not numbers (PPO's reward model, RLAIF's judge, CAI's
 * constitution) are fields of the form of their own.
 */

import type { Method } from '../../../main/engine/advisor/types';
import { METHODS } from '../../../main/engine/runs/recipe';

/** Every method, in the order the advanced settings list them. */
export const WIZARD_METHODS: readonly Method[] = METHODS;

export const STAGE_NAMES: Record<Method, string> = {
  sft: 'sft',
  reward: 'rm',
  dpo: 'dpo',
  ppo: 'ppo',
  cai: 'cai',
  rlaif: 'rlaif',
};

export const METHOD_LABELS: Record<Method, string> = {
  sft: 'SFT',
  reward: 'Reward model',
  dpo: 'DPO',
  ppo: 'PPO (RLHF)',
  cai: 'Constitutional AI',
  rlaif: 'RLAIF',
};

export type StageConfig = Record<string, number>;

export const STAGE_DEFAULTS: Record<Method, StageConfig> = {
  sft: {
    learning_rate: 3e-4,
    max_steps: 100,
    per_device_train_batch_size: 16,
    warmup_ratio: 0.1,
    max_length: 160,
    logging_steps: 1,
    save_steps: 50,
  },
  dpo: {
    beta: 0.5,
    learning_rate: 1e-4,
    max_steps: 100,
    per_device_train_batch_size: 8,
    max_length: 160,
    logging_steps: 1,
    save_steps: 50,
  },
  reward: {
    learning_rate: 1e-3,
    max_steps: 100,
    per_device_train_batch_size: 8,
    warmup_ratio: 0.1,
    max_length: 160,
    logging_steps: 1,
    save_steps: 50,
  },
  ppo: {
    learning_rate: 2e-5,
    max_steps: 60,
    per_device_train_batch_size: 8,
    response_length: 48,
    temperature: 0.7,
    num_ppo_epochs: 2,
    kl_coef: 0.05,
    max_kl: 10,
    missing_eos_penalty: 1,
    max_length: 160,
    logging_steps: 1,
    save_steps: 50,
  },
  // Data stages make a dataset: no steps, no sequence length of their own.
  cai: { rounds: 1, response_length: 64, temperature: 0.7, max_prompts: 100 },
  rlaif: { threshold: 0.7, response_length: 48, temperature: 0.9, max_prompts: 300 },
};

/** Settings the trainer needs as whole numbers. */
export const INTEGER_SETTINGS = new Set([
  'max_steps',
  'response_length',
  'num_ppo_epochs',
  'rounds',
  'max_prompts',
  'per_device_train_batch_size',
  'max_length',
  'logging_steps',
  'save_steps',
]);
