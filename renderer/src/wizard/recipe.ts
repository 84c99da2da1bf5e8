/**
 * The recommended pipeline as one recipe (SPEC §7). Each stage starts from the previous stage's output, which a
 * recipe does by default; a `base` is written only where the advisor's `startsFrom` says otherwise. A stage with no
 * dataset of its kind, or missing what its method needs (PPO's reward stage, RLAIF's judge, a valid constitution), is
 * left out with a note saying why.
 */
import type { DatasetKind, Method, PipelineStage, Recommendation } from '../../../main/engine/advisor/types';
import { constitutionProblem } from './constitution';
import type { DatasetSlot, WizardForm } from './form';
import { judgeSpec } from './judge';
import { STAGE_NAMES } from './stage-defaults';

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

/** What a stage's config holds besides the numeric settings; `earlier` are the included stages before it. */
function methodSettings(
  method: Method,
  form: WizardForm,
  earlier: RecipeStage[],
): { settings: Record<string, unknown> } | { problem: string } {
  const rewardStage = earlier.findLast((stage) => stage.method === 'reward')?.name;
  if (method === 'ppo') {
    return rewardStage
      ? { settings: { reward_model: `@${rewardStage}` } }
      : { problem: 'PPO needs a reward model, and no reward stage comes before it' };
  }
  if (method === 'cai') {
    const problem = constitutionProblem(form.constitution);
    return problem ? { problem } : { settings: { constitution: form.constitution, critic: { type: 'self' } } };
  }
  if (method === 'rlaif') {
    const judge = judgeSpec(form.judge, rewardStage);
    return 'problem' in judge ? judge : { settings: { judge: judge.spec } };
  }
  if (method === 'reward' && form.datasets.heldOut) return { settings: { eval_dataset: form.datasets.heldOut } };
  return { settings: {} };
}

function stageConfig(method: Method, form: WizardForm, settings: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = { ...form.stages[method], ...settings };
  const trains = method !== 'cai' && method !== 'rlaif';
  if (trains && form.lora) config.lora = { r: form.loraRank };
  return config;
}

/** The dataset a stage reads: a workspace dataset, or "@stage" for what the latest CAI or RLAIF stage made. */
function datasetOf(kind: DatasetKind, form: WizardForm, earlier: RecipeStage[]): string | undefined {
  if (kind === 'synthetic') {
    const maker = earlier.findLast((stage) => stage.method === 'cai' || stage.method === 'rlaif');
    return maker ? `@${maker.name}` : undefined;
  }
  const slot = SLOT_OF_KIND[kind];
  return slot ? form.datasets[slot] : undefined;
}

function missingDatasetNote(kind: DatasetKind, name: string): string {
  return kind === 'synthetic'
    ? `${name}: left out, its data would come from a CAI or RLAIF stage, and none is submitted before it.`
    : `${name}: left out, no ${KIND_WORDS[kind]} dataset is selected under "Data on hand".`;
}

/**
 * The advisor's pipeline, with CAI's stages (critique → revision on the prompts, then SFT on the revisions) after the
 * first SFT when the user adds them; later stages that started from that SFT start from CAI's SFT instead.
 */
export function withCai(pipeline: PipelineStage[], form: WizardForm): { pipeline: PipelineStage[]; added: boolean } {
  if (!form.addCai || pipeline.some((stage) => stage.method === 'cai')) return { pipeline, added: false };
  const sft = pipeline.findIndex((stage) => stage.method === 'sft');
  const at = sft + 1;
  const template = pipeline[Math.max(sft, 0)] as PipelineStage;
  const cai: PipelineStage[] = [
    { ...template, method: 'cai', dataset: 'prompts', startsFrom: sft >= 0 ? sft : null, why: 'Added by you.' },
    { ...template, method: 'sft', dataset: 'synthetic', startsFrom: at, why: 'SFT on the revised answers.' },
  ];
  // Indices at or after the insertion move by two; what started from the first SFT (from the base model when there is
  // no SFT) now starts from CAI's SFT.
  const startedFromSft = (from: number | null) => (sft >= 0 ? from === sft : from === null);
  const moved = pipeline.map((stage) => {
    const from = stage.startsFrom;
    if (startedFromSft(from)) return { ...stage, startsFrom: at + 1 };
    return { ...stage, startsFrom: from !== null && from >= at ? from + 2 : from };
  });
  return { pipeline: [...moved.slice(0, at), ...cai, ...moved.slice(at)], added: true };
}

export function planRecipe(recommendation: Recommendation, form: WizardForm): RecipePlan {
  const model = form.model;
  if (!model) return { recipe: undefined, notes: ['Pick a base model first.'] };
  const { pipeline, added } = withCai(recommendation.pipeline, form);
  const names = stageNames(pipeline.map((stage) => stage.method));
  const notes: string[] = added
    ? ['Constitutional AI (critique → revision, then SFT on the revisions) is added by you: the advisor leaves it out.']
    : [];
  const stages: RecipeStage[] = [];
  const included = pipeline.map(() => false);
  // The model stage i trains from: the output of the stage it starts from, or what that stage started from if left out.
  const sourceOf = (index: number | null): string =>
    index === null ? model : included[index] ? `@${names[index]}` : sourceOf(pipeline[index]?.startsFrom ?? null);
  for (const [index, stage] of pipeline.entries()) {
    const name = names[index] as string;
    const dataset = datasetOf(stage.dataset, form, stages);
    if (!dataset) {
      notes.push(missingDatasetNote(stage.dataset, name));
      continue;
    }
    const settings = methodSettings(stage.method, form, stages);
    if ('problem' in settings) {
      notes.push(`${name}: left out, ${settings.problem.replace(/\.$/, '')}.`);
      continue;
    }
    included[index] = true;
    const source = sourceOf(stage.startsFrom);
    const implied = stages.length === 0 ? model : `@${stages.at(-1)?.name}`;
    stages.push({
      name,
      method: stage.method,
      dataset,
      ...(source === implied ? {} : { base: source }),
      config: stageConfig(stage.method, form, settings.settings),
    });
  }
  if (stages.length === 0) return { recipe: undefined, notes: [...notes, 'No stage can be submitted.'] };
  return { recipe: { name: form.recipeName, base: model, seed: form.seed, stages }, notes };
}
