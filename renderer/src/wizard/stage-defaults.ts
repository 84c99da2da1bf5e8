/**
 * What the wizard knows about each method: the stage name a recipe gets, whether this build's engine trains it, and
 * the settings a stage starts with (TRL names). The defaults are the demo's tuned settings (main/engine/demo/stages.ts)
 * with a log line every step, so a dashboard fills from the first second.
 */
import type { Method } from '../../../main/engine/advisor/types';

export const TRAINABLE_METHODS = ['sft', 'dpo', 'reward'] as const;
export type TrainableMethod = (typeof TRAINABLE_METHODS)[number];

export function isTrainable(method: Method): method is TrainableMethod {
  return (TRAINABLE_METHODS as readonly string[]).includes(method);
}

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

export const STAGE_DEFAULTS: Record<TrainableMethod, StageConfig> = {
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
};

/** Settings the trainer needs as whole numbers. */
export const INTEGER_SETTINGS = new Set([
  'max_steps',
  'per_device_train_batch_size',
  'max_length',
  'logging_steps',
  'save_steps',
]);
