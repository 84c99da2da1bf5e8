/**
 * Recipes (SPEC §7): `{name, base, seed, stages: [{method, dataset, config}]}`. A stage may name an earlier stage's
 * output as "@stage-name" (its `base`, or a method's model option such as PPO's `reward_model`).
 */
import { z } from 'zod';
import { InputError } from '../errors';

export const METHODS = ['sft', 'reward', 'dpo', 'ppo', 'cai', 'rlaif'] as const;
export type MethodName = (typeof METHODS)[number];

const StageSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
      .optional(),
    method: z.enum(METHODS),
    /** A workspace dataset, "@stage" for one an earlier data stage made, or a list of those (their rows joined). */
    dataset: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** The model this stage starts from: the recipe's base by default, or "@stage" for an earlier stage's output. */
    base: z.string().min(1).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const RecipeSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    base: z.string().min(1),
    seed: z.number().int().nonnegative().default(0),
    stages: z.array(StageSchema).min(1),
  })
  .strict();

export type Recipe = z.infer<typeof RecipeSchema>;
export type Stage = z.infer<typeof StageSchema> & { name: string };

/** Validates a recipe and names its stages (method, or method-2 … when repeated); throws InputError. */
export function parseRecipe(json: unknown, file: string): Recipe & { stages: Stage[] } {
  const parsed = RecipeSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'recipe'}: ${i.message}`).join('; '),
      file,
    );
  }
  const seen = new Map<string, number>();
  const stages = parsed.data.stages.map((stage) => {
    const count = (seen.get(stage.method) ?? 0) + 1;
    seen.set(stage.method, count);
    return { ...stage, name: stage.name ?? (count === 1 ? stage.method : `${stage.method}-${count}`) };
  });
  const names = stages.map((s) => s.name);
  stages.forEach((stage, index) => {
    const reference = stage.base?.startsWith('@') ? stage.base.slice(1) : undefined;
    if (reference && !names.slice(0, index).includes(reference)) {
      throw new InputError(
        `stage ${stage.name}: base "@${reference}" names no earlier stage (${names.slice(0, index).join(', ') || 'none'})`,
        file,
      );
    }
  });
  return { ...parsed.data, stages };
}
