/**
 * What a stage refers to in the run: its base model, "@stage" values that name an earlier stage's output model or
 * dataset, and the stop that ends a run without failing it.
 */
import { loadDataset } from '../datasets/store';
import { InputError } from '../errors';
import type { Recipe, Stage } from './recipe';
import type { RunRecord } from './run-store';

/** The run was asked to stop (or paused, e.g. by an unavailable judge): not a failure. */
export class RunStopped extends Error {
  constructor(
    readonly stage: string,
    readonly step: number,
    why?: string,
  ) {
    super(why ?? `stopped at step ${step} of stage ${stage}; resume continues from there`);
  }
}

/** The model a stage starts from. */
export function baseOf(stage: Stage, index: number, recipe: Recipe, record: RunRecord): string {
  const named = stage.base ?? (index === 0 ? recipe.base : `@${(recipe.stages[index - 1] as Stage).name}`);
  if (!named.startsWith('@')) return named;
  const output = record.stages.find((s) => s.name === named.slice(1))?.output;
  if (!output) throw new Error(`stage ${stage.name} needs the output of ${named}, which has not finished`);
  return output;
}

/**
 * Option values "@stage" (e.g. PPO's reward_model: "@rm", or an RLAIF judge's model) become that earlier stage's
 * output model. Nested settings objects are resolved too; arrays (a constitution's principles) are left as written.
 */
export function resolveStageOutputs(options: Record<string, unknown>, record: RunRecord): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        return [key, resolveStageOutputs(value as Record<string, unknown>, record)];
      if (typeof value !== 'string' || !value.startsWith('@')) return [key, value];
      const output = record.stages.find((s) => s.name === value.slice(1))?.output;
      if (!output) throw new Error(`${key} names ${value}, a stage that has not produced a model`);
      return [key, output];
    }),
  );
}

/** A stage's datasets: workspace datasets, or "@stage" for the one an earlier data stage (RLAIF, CAI) made. */
export function datasetsOf(stage: Stage, record: RunRecord): string[] {
  return (Array.isArray(stage.dataset) ? stage.dataset : [stage.dataset]).map((name) => {
    if (!name.startsWith('@')) return name;
    const made = record.stages.find((s) => s.name === name.slice(1))?.outputDataset;
    if (!made) throw new Error(`stage ${stage.name} needs the dataset of ${name}, which has not finished`);
    return made;
  });
}

/** The rows of a stage's datasets, joined in order; they must be of one kind. */
export async function stageRows(workspace: string, stage: Stage, record: RunRecord): Promise<unknown[]> {
  const loaded = await Promise.all(datasetsOf(stage, record).map((name) => loadDataset(workspace, name)));
  const kinds = new Set(loaded.map((dataset) => dataset.kind));
  if (kinds.size > 1)
    throw new InputError(`stage ${stage.name} joins datasets of different kinds: ${[...kinds].join(', ')}`);
  return loaded.flatMap((dataset) => dataset.rows as unknown[]);
}
