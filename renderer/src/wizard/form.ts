/**
 * The wizard's answers and how they become the advisor's input. The advisor input is derived from the form, never
 * stored, so it cannot fall out of step with what the user sees.
 */

import type { Method } from '../../../main/engine/advisor/types';
import { type AdvisorInput, type Goal, MethodSchema } from '../../../main/engine/advisor/types';
import type { DatasetSummary, EngineInfo, ModelSummary } from '../../../preload/contract';
import type { Constitution } from './constitution';
import { STARTER_CONSTITUTION } from './constitution';
import type { JudgeChoice } from './judge';
import { STAGE_DEFAULTS, type StageConfig, WIZARD_METHODS } from './stage-defaults';

/** The datasets a recipe's stages train on, by the advisor's data kinds, plus the reward model's held-out pairs. */
export interface DatasetChoice {
  demonstrations?: string | undefined;
  preferences?: string | undefined;
  prompts?: string | undefined;
  heldOut?: string | undefined;
}
export type DatasetSlot = keyof DatasetChoice;

export interface WizardForm {
  goal: Goal;
  counts: { demonstrations: number; preferencePairs: number; prompts: number };
  datasets: DatasetChoice;
  /** Undefined until engine.info answers (or the user types it). */
  gpuMemoryGb: number | undefined;
  timeBudgetHours: number;
  annotators: number;
  model: string | undefined;
  lora: boolean;
  loraRank: number;
  recipeName: string;
  seed: number;
  stages: Record<Method, StageConfig>;
  /** Constitutional AI's principles (critique/revision request pairs). */
  constitution: Constitution;
  /** Who labels RLAIF's pairs. */
  judge: JudgeChoice;
  /** Put CAI's critique → revision → SFT stages after the first SFT where the advisor left them out (small models). */
  addCai: boolean;
}

/** `wizard-20250101-093000`: unique enough per click, and valid as a recipe name. */
export function defaultRecipeName(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}`;
  return `wizard-${date}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

export function initialForm(now = new Date()): WizardForm {
  return {
    goal: 'max_quality',
    counts: { demonstrations: 0, preferencePairs: 0, prompts: 0 },
    datasets: {},
    gpuMemoryGb: undefined,
    timeBudgetHours: 2,
    annotators: 1,
    model: undefined,
    lora: false,
    loraRank: 16,
    recipeName: defaultRecipeName(now),
    seed: 1,
    stages: structuredClone(STAGE_DEFAULTS),
    constitution: structuredClone(STARTER_CONSTITUTION),
    judge: { type: 'openai', url: '', model: '', apiKeyEnv: '' },
    addCai: false,
  };
}

/** Which slot a dataset of this kind fills (unpaired preferences have no stage here). */
export const SLOT_KINDS: Record<Exclude<DatasetSlot, 'heldOut'>, DatasetSummary['kind'][]> = {
  demonstrations: ['prompt_completion', 'language_modeling'],
  preferences: ['preference'],
  // PPO, CAI and RLAIF only need the prompts: a preference dataset's prompts serve as well.
  prompts: ['prompt_only', 'preference'],
};
export const COUNT_OF_SLOT = {
  demonstrations: 'demonstrations',
  preferences: 'preferencePairs',
  prompts: 'prompts',
} as const;

/** The accelerator's memory, else the system's (the advisor's rule for CPU-only machines), in GB to one decimal. */
export function defaultMemoryGb(info: EngineInfo): number {
  const gpu = info.devices.find((device) => device.kind === 'gpu' && device.memoryBytes);
  const bytes = gpu?.memoryBytes ?? info.memory.systemTotalBytes;
  return Math.max(0.1, Math.round(bytes / 1e8) / 10);
}

/** A model that came out of an SFT stage, or any trained model (its lineage starts with one): no SFT needed first. */
export function isAlreadySft(model: ModelSummary): boolean {
  return model.method === 'sft' || model.parent !== undefined;
}

function largest(setting: string, stages: WizardForm['stages']): number | undefined {
  const values = WIZARD_METHODS.map((method) => stages[method][setting]).filter((v): v is number => v !== undefined);
  return values.length > 0 ? Math.max(...values) : undefined;
}

/** Measured tokens/s for the methods the advisor knows (the verb may report others). */
function knownThroughput(measured: Record<string, number> | undefined): AdvisorInput['throughput'] {
  if (!measured) return undefined;
  const known = Object.entries(measured).filter(
    ([method, value]) => (MethodSchema.options as readonly string[]).includes(method) && value > 0,
  );
  return known.length > 0 ? Object.fromEntries(known) : undefined;
}

/** The advisor's input, or what is still missing. */
export function advisorInput(
  form: WizardForm,
  models: ModelSummary[],
  throughput: Record<string, number> | undefined,
): { input: AdvisorInput } | { missing: string } {
  const model = models.find((candidate) => candidate.name === form.model);
  if (!model) return { missing: 'Pick a base model.' };
  if (!form.gpuMemoryGb || form.gpuMemoryGb <= 0) return { missing: 'Enter the GPU memory in GB.' };
  if (!(form.timeBudgetHours > 0)) return { missing: 'Enter a time budget in hours.' };
  const maxLength = Math.min(largest('max_length', form.stages) ?? 160, model.maxPositions);
  // The advisor takes one batch size and one step count: the largest of the stages', so "it fits" errs on the safe side.
  const batchSize = largest('per_device_train_batch_size', form.stages);
  const plannedSteps = largest('max_steps', form.stages);
  const input: AdvisorInput = {
    goal: form.goal,
    data: form.counts,
    gpuMemoryGb: form.gpuMemoryGb,
    timeBudgetHours: form.timeBudgetHours,
    annotators: form.annotators,
    model: {
      name: model.name,
      parameters: model.parameters,
      layers: model.layers,
      hiddenSize: model.hiddenSize,
      vocabSize: model.vocabSize,
      maxLength,
      alreadySft: isAlreadySft(model),
    },
    training: { lora: form.lora, loraRank: form.loraRank, ...(batchSize ? { batchSize } : {}) },
  };
  const measured = knownThroughput(throughput);
  if (measured) input.throughput = measured;
  if (plannedSteps) input.plannedSteps = plannedSteps;
  return { input };
}
