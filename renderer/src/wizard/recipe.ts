/**
 * The recommended pipeline as one recipe (SPEC §7). Each stage starts from the previous stage's output, which a
 * recipe does by default; a `base` is written only where the advisor's `startsFrom` says otherwise. Stages this build
 * cannot train (PPO, CAI, RLAIF) and stages with no dataset of their kind are left out, each with a note saying so.
 */
import type { DatasetKind, Method, Recommendation } from '../../../main/engine/advisor/types';
import type { DatasetSlot, WizardForm } from './form';
import { isTrainable, METHOD_LABELS, STAGE_NAMES } from './stage-defaults';

export interface RecipeStage {
  name: string;
  method: Method;
  dataset: string;
  base?: string;
  config: Record<string, unknown>;
}

export interface Recipe {
  name: string;
  base: string;
  seed: number;
  stages: RecipeStage[];
}

export interface RecipePlan {
  /** Undefined when no stage can be submitted. */
  recipe: Recipe | undefined;
  notes: string[];
}

const SLOT_OF_KIND: Record<DatasetKind, DatasetSlot | undefined> = {
  demonstrations: 'demonstrations',
  preferences: 'preferences',
  prompts: 'prompts',
  synthetic: undefined,
};

const KIND_WORDS: Record<DatasetKind, string> = {
  demonstrations: 'demonstrations',
  preferences: 'preference-pairs',
  prompts: 'prompts',
  synthetic: 'synthetic',
};

/** sft, dpo, rm; a method's second stage becomes dpo-2 and so on. */
export function stageNames(methods: Method[]): string[] {
  const seen = new Map<string, number>();
  return methods.map((method) => {
    const count = (seen.get(method) ?? 0) + 1;
    seen.set(method, count);
    return count === 1 ? STAGE_NAMES[method] : `${STAGE_NAMES[method]}-${count}`;
  });
}

function stageConfig(method: Method, form: WizardForm): Record<string, unknown> {
  if (!isTrainable(method)) return {};
  const config: Record<string, unknown> = { ...form.stages[method] };
  if (form.lora) config.lora = { r: form.loraRank };
  if (method === 'reward' && form.datasets.heldOut) config.eval_dataset = form.datasets.heldOut;
  return config;
}

/** Why a stage cannot be submitted, or undefined when it can. */
function leftOutBecause(method: Method, kind: DatasetKind, name: string, form: WizardForm): string | undefined {
  if (!isTrainable(method))
    return `${name}: ${METHOD_LABELS[method]} is recommended, but this build cannot train it yet; it is not submitted.`;
  if (kind === 'synthetic')
    return `${name}: left out, its data would come from a CAI or RLAIF stage, which this build cannot run yet.`;
  const slot = SLOT_OF_KIND[kind];
  if (!slot || !form.datasets[slot])
    return `${name}: left out, no ${KIND_WORDS[kind]} dataset is selected under "Data on hand".`;
  return undefined;
}

export function planRecipe(recommendation: Recommendation, form: WizardForm): RecipePlan {
  const model = form.model;
  if (!model) return { recipe: undefined, notes: ['Pick a base model first.'] };
  const pipeline = recommendation.pipeline;
  const names = stageNames(pipeline.map((stage) => stage.method));
  const notes: string[] = [];
  const included = pipeline.map((stage, index) => {
    const note = leftOutBecause(stage.method, stage.dataset, names[index] as string, form);
    if (note) notes.push(note);
    return note === undefined;
  });
  // The model stage i trains from: the output of the stage it starts from, or what that stage started from if left out.
  const sourceOf = (index: number | null): string =>
    index === null ? model : included[index] ? `@${names[index]}` : sourceOf(pipeline[index]?.startsFrom ?? null);
  const stages: RecipeStage[] = [];
  for (const [index, stage] of pipeline.entries()) {
    if (!included[index]) continue;
    const source = sourceOf(stage.startsFrom);
    const implied = stages.length === 0 ? model : `@${stages.at(-1)?.name}`;
    const slot = SLOT_OF_KIND[stage.dataset] as DatasetSlot;
    stages.push({
      name: names[index] as string,
      method: stage.method,
      dataset: form.datasets[slot] as string,
      ...(source === implied ? {} : { base: source }),
      config: stageConfig(stage.method, form),
    });
  }
  if (stages.length === 0) return { recipe: undefined, notes: [...notes, 'No stage can be submitted.'] };
  return { recipe: { name: form.recipeName, base: model, seed: form.seed, stages }, notes };
}
