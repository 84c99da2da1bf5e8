/**
 * When a plan does not fit the memory: the changes that would make it fit, each applied and re-estimated (LoRA,
 * precomputed reference log-probs, a smaller batch, a shorter max length, and all of them together).
 */
import type { StagePlan } from './estimates';
import { estimateMemory } from './memory';
import type { Fix, ModelSpec, ResolvedAdvisorInput, TrainingSettings } from './types';

/** The shortest max length the fixes propose; shorter would cut most answers. */
export const MIN_FIX_LENGTH = 64;

/** A change to the settings, applied and re-estimated. */
interface Setting {
  change: string;
  model: ModelSpec;
  training: TrainingSettings;
}

/** The largest stage's memory under a setting: stages run one after another. */
function peakGb(stages: StagePlan[], setting: Pick<Setting, 'model' | 'training'>): number {
  return Math.max(...stages.map((stage) => estimateMemory(stage.method, setting.model, setting.training).totalGb));
}

/**
 * Changes that would make the stages fit, each re-estimated: LoRA, precomputed reference log-probs (DPO), the largest
 * halved batch that fits, the longest halved max length that fits; and when none fits alone, all of them together.
 */
export function fixesFor(stages: StagePlan[], input: ResolvedAdvisorInput): Fix[] {
  const base: Setting = { change: '', model: input.model, training: input.training };
  const settings = [loraChange, precomputeChange, batchChange, lengthChange]
    .map((change) => change(base, stages, input.gpuMemoryGb))
    .filter((setting): setting is Setting => setting !== undefined);
  const fixes = settings.map((setting) => fixOf(stages, setting, input.gpuMemoryGb));
  if (fixes.some((fix) => fix.fits)) return fixes;
  const combined = combinedChange(base, stages, input.gpuMemoryGb);
  return combined ? [...fixes, fixOf(stages, combined, input.gpuMemoryGb)] : fixes;
}

function fixOf(stages: StagePlan[], setting: Setting, memoryGb: number): Fix {
  const peak = peakGb(stages, setting);
  return { change: setting.change, memoryGb: peak, fits: peak <= memoryGb };
}

type Change = (from: Setting, stages: StagePlan[], memoryGb: number) => Setting | undefined;

const loraChange: Change = (from) => {
  if (from.training.lora) return undefined;
  const training = { ...from.training, lora: true };
  return { change: `use LoRA (r=${training.loraRank})`, model: from.model, training };
};

const precomputeChange: Change = (from, stages) => {
  const holdsReference = stages.some((stage) => stage.method === 'dpo');
  if (!holdsReference || from.training.precomputeRefLogProbs || from.training.lora) return undefined;
  const training = { ...from.training, precomputeRefLogProbs: true };
  return { change: 'precompute reference log-probs', model: from.model, training };
};

const batchChange: Change = (from, stages, memoryGb) => {
  const batch = from.training.batchSize;
  const smaller = halveUntil(
    batch,
    1,
    (b) => peakGb(stages, { ...from, training: { ...from.training, batchSize: b } }) <= memoryGb,
  );
  if (smaller === batch) return undefined;
  const accumulation = Math.ceil(batch / smaller);
  const change = `batch ${smaller} instead of ${batch} (gradient accumulation ${accumulation} keeps the effective batch)`;
  return { change, model: from.model, training: { ...from.training, batchSize: smaller } };
};

const lengthChange: Change = (from, stages, memoryGb) => {
  const length = from.model.maxLength;
  const floor = Math.min(length, MIN_FIX_LENGTH);
  const shorter = halveUntil(
    length,
    floor,
    (l) => peakGb(stages, { ...from, model: { ...from.model, maxLength: l } }) <= memoryGb,
  );
  if (shorter === length) return undefined;
  const change = `max length ${shorter} instead of ${length} (longer rows are truncated)`;
  return { change, model: { ...from.model, maxLength: shorter }, training: from.training };
};

/** Every change in turn, each applied on top of the ones before, until the stages fit. */
function combinedChange(base: Setting, stages: StagePlan[], memoryGb: number): Setting | undefined {
  const applied: string[] = [];
  let setting = base;
  for (const change of [loraChange, precomputeChange, batchChange, lengthChange]) {
    if (peakGb(stages, setting) <= memoryGb) break;
    const next = change(setting, stages, memoryGb);
    if (!next) continue;
    applied.push(next.change);
    setting = next;
  }
  return applied.length > 1 ? { ...setting, change: applied.join(' + ') } : undefined;
}

/** Halves `value` (down to `floor`) until `fits` holds; the last value tried. */
function halveUntil(value: number, floor: number, fits: (candidate: number) => boolean): number {
  let candidate = value;
  while (candidate > floor && !fits(candidate)) candidate = Math.max(floor, Math.floor(candidate / 2));
  return candidate;
}
