/**
 * Training settings under TRL's names (`learning_rate`, `per_device_train_batch_size`, …), as recipes write them,
 * validated and turned into the trainer's config. Unknown keys are errors: a typo must not silently train with a
 * default.
 */
import { z } from 'zod';
import { InputError } from '../errors';
import { ADAMW_DEFAULTS } from '../training/adamw';
import type { TrainerConfig } from '../training/trainer';

export const TrainingArgsSchema = z
  .object({
    learning_rate: z.number().positive().default(5e-5),
    max_steps: z.number().int().positive().default(100),
    per_device_train_batch_size: z.number().int().positive().default(8),
    gradient_accumulation_steps: z.number().int().positive().default(1),
    warmup_steps: z.number().int().nonnegative().default(0),
    warmup_ratio: z.number().min(0).max(1).default(0),
    lr_scheduler_type: z.enum(['linear', 'cosine', 'constant']).default('linear'),
    max_grad_norm: z.number().nonnegative().default(1),
    weight_decay: z.number().nonnegative().default(0),
    adam_beta1: z.number().min(0).max(1).default(0.9),
    adam_beta2: z.number().min(0).max(1).default(0.999),
    adam_epsilon: z.number().positive().default(1e-8),
    logging_steps: z.number().int().positive().default(1),
    eval_steps: z.number().int().positive().optional(),
    save_steps: z.number().int().positive().default(50),
    max_length: z.number().int().positive().default(128),
    lora: z
      .object({
        r: z.number().int().positive().default(8),
        lora_alpha: z.number().positive().default(16),
        target_modules: z.array(z.string()).optional(),
      })
      .optional(),
  })
  .strict();

export type TrainingArgs = z.infer<typeof TrainingArgsSchema>;

/** Parses a stage's config (its method-specific keys removed first); throws InputError naming the bad key. */
export function parseTrainingArgs(config: unknown, where: string): TrainingArgs {
  const parsed = TrainingArgsSchema.safeParse(config ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new InputError(problems.join('; '));
  }
  return parsed.data;
}

export function trainerConfig(args: TrainingArgs): TrainerConfig {
  return {
    learningRate: args.learning_rate,
    totalSteps: args.max_steps,
    warmupSteps: args.warmup_steps || Math.round(args.warmup_ratio * args.max_steps),
    scheduler: args.lr_scheduler_type,
    maxGradNorm: args.max_grad_norm,
    optimizer: {
      ...ADAMW_DEFAULTS,
      beta1: args.adam_beta1,
      beta2: args.adam_beta2,
      epsilon: args.adam_epsilon,
      weightDecay: args.weight_decay,
    },
  };
}
