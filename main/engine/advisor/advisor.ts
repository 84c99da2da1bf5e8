/**
 * The method advisor: SPEC §2's decision framework as a table of rules, one per goal, each choosing a pipeline; then
 * every stage's memory and time (./estimates), the warnings, and when the plan does not fit, the changes that would
 * make it fit (./fixes). Pure: no I/O, no tensors; the wizard only renders the result.
 */
import { InputError } from '../errors';
import { estimateStages, type StagePlan, totalTimeOf } from './estimates';
import { fixesFor } from './fixes';
import { formatGb } from './memory';
import {
  type AdvisorInput,
  AdvisorInputSchema,
  type AdvisorWarning,
  type ComparisonRow,
  type Goal,
  type Method,
  type PipelineStage,
  type Recommendation,
  type ResolvedAdvisorInput,
  type TimeEstimate,
} from './types';

/** Fewer human preference pairs than this, with no one to label more, is too little for a reward model or DPO. */
export const FEW_PREFERENCES = 100;
/**
 * A heuristic: below about 1B parameters a model's critiques of its own answers are too poor for Constitutional AI
 * (Bai et al. 2022 used a 52B model). Instruction tuning alone does not give a small model that capacity, so
 * `alreadySft` does not count here; the pipeline puts SFT first anyway.
 */
export const CAI_MIN_PARAMETERS = 1e9;

/** SPEC §2's method comparison, as the wizard shows it. */
export const METHOD_COMPARISON = {
  sft: row('SFT', 'demonstrations', '1', 'high', 'baseline (70–80% of the way)', 'always, first'),
  dpo: row('DPO', 'preference pairs', '1–1.5', 'high', '+10–20%', 'after SFT, fast iteration'),
  rlhf: row('RLHF (RM + PPO)', 'preference pairs + RM', '3–4', 'medium', '+15–30%', 'maximum quality, budget'),
  cai: row(
    'CAI / RLAIF',
    'minimal (a constitution)',
    'medium',
    'medium',
    '+10–25%',
    'no labelling budget, strong base model',
  ),
} as const satisfies Record<string, ComparisonRow>;

const COMPARISON_OF: Record<Method, keyof typeof METHOD_COMPARISON> = {
  sft: 'sft',
  dpo: 'dpo',
  reward: 'rlhf',
  ppo: 'rlhf',
  cai: 'cai',
  rlaif: 'cai',
};

function row(
  method: string,
  labelsNeeded: string,
  computeVsSft: string,
  stability: string,
  qualityGain: string,
  bestWhen: string,
): ComparisonRow {
  return { method, labelsNeeded, computeVsSft, stability, qualityGain, bestWhen };
}

/** What a rule decides: the branch, its reason and the stages, with the warnings only that branch knows of. */
export interface Plan {
  framework: string;
  reason: string;
  stages: StagePlan[];
  warnings: AdvisorWarning[];
}

export type Rule = (input: ResolvedAdvisorInput) => Plan;

/** The decision framework (SPEC §2), one rule per goal. */
export const RULES: Record<Goal, Rule> = {
  max_quality: maxQualityRule,
  fast_iteration: fastIterationRule,
  min_labelling: minLabellingRule,
  research: researchRule,
};

/** Recommends a pipeline for the wizard's answers; throws InputError naming the bad field. */
export function recommend(input: AdvisorInput): Recommendation {
  const resolved = resolveInput(input);
  const plan = RULES[resolved.goal](resolved);
  const pipeline = estimateStages(plan.stages, resolved);
  const totalTime = totalTimeOf(pipeline);
  const fits = pipeline.every((stage) => stage.memory.totalGb <= resolved.gpuMemoryGb);
  return {
    pipeline,
    reason: plan.reason,
    framework: plan.framework,
    comparison: comparisonOf(pipeline),
    warnings: [...plan.warnings, ...commonWarnings(resolved, pipeline, totalTime)],
    fits,
    fixes: fits ? [] : fixesFor(plan.stages, resolved),
    totalTime,
  };
}

function resolveInput(input: AdvisorInput): ResolvedAdvisorInput {
  const parsed = AdvisorInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InputError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
}

const REWARD_STAGE: StagePlan = {
  method: 'reward',
  dataset: 'preferences',
  why: 'Train a reward model (the SFT model plus a scalar head) on A-vs-B preferences, checked on held-out pairs.',
};
const PPO_STAGE: StagePlan = {
  method: 'ppo',
  dataset: 'prompts',
  why: 'PPO maximises the reward model’s score on fresh answers while a KL penalty keeps the policy near the SFT model.',
};
const DPO_STAGE: StagePlan = {
  method: 'dpo',
  dataset: 'preferences',
  why: 'DPO learns from the preference pairs directly: the reward is implicit in the loss, no reward model or PPO.',
};

/** Maximum quality: RLHF when there are preferences to learn from and it fits the memory and time; else DPO. */
function maxQualityRule(input: ResolvedAdvisorInput): Plan {
  const rlhf = [...sftFirst(input), REWARD_STAGE, PPO_STAGE];
  // With neither pairs nor annotators, the missing labels are what rule RLHF out.
  const blocker = hasPreferenceSource(input) ? rlhfBlocker(rlhf, input) : noAnnotatorsWarning(input);
  if (!blocker) {
    return {
      framework: 'max_quality.rlhf',
      reason: `${sftNote(input)} Maximum quality calls for RLHF (reward model, then PPO), and it fits in memory${timeNote(rlhf, input)}. Plan 3–4 iterations, each on new, diverse preference data labelled on the latest policy's answers (new samples → votes → retrain the reward model → PPO); gains fade after that. Watch for reward hacking. The time estimate is for the first iteration.`,
      stages: rlhf,
      warnings: input.annotators === 0 ? [noAnnotatorsWarning(input)] : [],
    };
  }
  return {
    framework: 'max_quality.dpo_fallback',
    reason: `${sftNote(input)} Maximum quality would call for RLHF, but it cannot run here: ${blocker.message} SFT → DPO instead: roughly 90–95% of RLHF's quality for about half the compute.`,
    stages: [...sftFirst(input), DPO_STAGE],
    warnings: [blocker],
  };
}

function fastIterationRule(input: ResolvedAdvisorInput): Plan {
  return {
    framework: 'fast_iteration.dpo',
    reason: `${sftNote(input)} Fast iteration: SFT then DPO, which needs only preference pairs (no reward model, no PPO), is stable and costs 1–1.5× SFT. Iterate by voting on the new model's answers in the chat pane and running DPO again.`,
    stages: [...sftFirst(input), DPO_STAGE],
    warnings: [],
  };
}

/** Minimal labelling: Constitutional AI when the base can critique, else preferences from an external judge. */
function minLabellingRule(input: ResolvedAdvisorInput): Plan {
  const size = formatParameters(input.model.parameters);
  const rlaifToDpo = (judge: string): StagePlan[] => [
    { method: 'rlaif', dataset: 'prompts', why: `The model answers each prompt twice and ${judge} picks the better.` },
    { method: 'dpo', dataset: 'synthetic', why: 'DPO on the judged pairs at confidence ≥ 0.7: no human labels.' },
  ];
  if (input.model.parameters >= CAI_MIN_PARAMETERS) {
    return {
      framework: 'min_labelling.cai',
      reason: `${sftNote(input)} Minimal labelling with a base large enough to critique (${size} parameters; ≥ 1B is the heuristic): Constitutional AI has the model critique and revise its own answers under a written constitution, and the revisions become SFT data; then RLAIF: a judge labels pairs of its answers, and the confident ones become DPO data.`,
      stages: [
        ...sftFirst(input),
        ...caiStages(),
        ...rlaifToDpo('a judge (this model under the constitution, or another)'),
      ],
      warnings: [],
    };
  }
  return {
    framework: 'min_labelling.rlaif_external_judge',
    reason: `${sftNote(input)} Minimal labelling, but a ${size}-parameter model is too small to critique its own answers, so Constitutional AI is out: SFT, then RLAIF with an external judge labelling pairs of this model's answers, then DPO on those synthetic preferences.`,
    stages: [
      ...sftFirst(input),
      ...rlaifToDpo('an external judge (a larger checkpoint or an OpenAI-compatible endpoint)'),
    ],
    warnings: [
      {
        code: 'weak_base_for_cai',
        message: `A ${size}-parameter model cannot critique its answers reliably (Constitutional AI wants a strong base; ≥ 1B parameters is the heuristic): use synthetic preferences from an external judge (RLAIF) instead.`,
      },
    ],
  };
}

function caiStages(): StagePlan[] {
  return [
    {
      method: 'cai',
      dataset: 'prompts',
      why: 'The model answers each prompt, critiques its answer under a principle of the constitution and revises it.',
    },
    { method: 'sft', dataset: 'synthetic', why: 'Fine-tune on the revised answers: the supervised phase of CAI.' },
  ];
}

/** Research: DPO first, RLHF from the same SFT checkpoint as the baseline, and reward-model ablations. */
function researchRule(input: ResolvedAdvisorInput): Plan {
  const sft = sftFirst(input);
  const fromSft = sft.length > 0 ? 0 : null;
  return {
    framework: 'research.dpo_and_rlhf',
    reason: `${sftNote(input)} Research comparison: DPO first (cheap and stable), then RLHF (reward model + PPO) from the same starting point as the baseline, and reward-model ablations (vary the reward model's data and size, run PPO with each, compare all against DPO on held-out prompts).`,
    stages: [
      ...sft,
      { ...DPO_STAGE, startsFrom: fromSft },
      { ...REWARD_STAGE, startsFrom: fromSft, why: `Baseline: ${REWARD_STAGE.why.toLowerCase()}` },
      { ...PPO_STAGE, startsFrom: fromSft },
    ],
    warnings: [],
  };
}

/** SFT is never skipped unless the model already had it; without demonstrations it trains on the chosen answers. */
function sftFirst(input: ResolvedAdvisorInput): StagePlan[] {
  if (input.model.alreadySft) return [];
  const { demonstrations, preferencePairs } = input.data;
  if (demonstrations === 0 && preferencePairs > 0) {
    const why = 'SFT on the chosen answers of the preference pairs, since there are no demonstrations.';
    return [{ method: 'sft', dataset: 'preferences', why }];
  }
  const why = 'SFT on the demonstrations comes first: it gets 70–80% of the way, and every later stage starts from it.';
  return [{ method: 'sft', dataset: 'demonstrations', why }];
}

function sftNote(input: ResolvedAdvisorInput): string {
  return input.model.alreadySft
    ? `${input.model.name} is already instruction-tuned, so the pipeline skips SFT.`
    : 'SFT comes first, as always.';
}

function timeNote(stages: StagePlan[], input: ResolvedAdvisorInput): string {
  const seconds = totalTimeOf(estimateStages(stages, input)).seconds;
  if (seconds === null) return ' (its time is unknown until the throughput of every stage is measured)';
  return ` and its first iteration (about ${formatHours(seconds)}) fits the ${input.timeBudgetHours} h budget`;
}

function hasPreferenceSource(input: ResolvedAdvisorInput): boolean {
  return input.data.preferencePairs >= FEW_PREFERENCES || input.annotators > 0;
}

function noAnnotatorsWarning(input: ResolvedAdvisorInput): AdvisorWarning {
  const pairs = input.data.preferencePairs;
  const message = hasPreferenceSource(input)
    ? `RLHF's 3–4 iterations each need fresh A-vs-B labels on the new policy's answers; with no annotators only the first can run, on the ${pairs} pairs at hand (or let a judge label the rest: RLAIF).`
    : `Maximum quality needs preference labels: with no annotators and only ${pairs} pairs there is too little to train a reward model on (vote in the chat pane, or have someone label pairs).`;
  return { code: 'no_annotators', message };
}

/** Why RLHF cannot run here (a stage that does not fit, or over the time budget), or undefined when it can. */
function rlhfBlocker(stages: StagePlan[], input: ResolvedAdvisorInput): AdvisorWarning | undefined {
  const estimated = estimateStages(stages, input);
  const largest = estimated.reduce((max, stage) => (stage.memory.totalGb > max.memory.totalGb ? stage : max));
  if (largest.memory.totalGb > input.gpuMemoryGb) {
    const fix = fixesFor(stages, input).find((candidate) => candidate.fits);
    const wouldFit = fix ? ` It would fit (${formatGb(fix.memoryGb)}) with: ${fix.change}.` : '';
    const message = `RLHF's ${largest.method} stage needs ${formatGb(largest.memory.totalGb)}, more than the ${input.gpuMemoryGb} GB available.${wouldFit}`;
    return { code: 'rlhf_does_not_fit', message };
  }
  const seconds = totalTimeOf(estimated).seconds;
  if (seconds !== null && seconds > input.timeBudgetHours * 3600) {
    const message = `One RLHF iteration takes about ${formatHours(seconds)}, over the ${input.timeBudgetHours} h budget.`;
    return { code: 'rlhf_over_budget', message };
  }
  return undefined;
}

/** Warnings every branch shares: no SFT data, few preferences, stages that do not fit, over the time budget. */
function commonWarnings(input: ResolvedAdvisorInput, pipeline: PipelineStage[], total: TimeEstimate): AdvisorWarning[] {
  const warnings: AdvisorWarning[] = [];
  if (!input.model.alreadySft && input.data.demonstrations === 0) {
    const message = `${input.model.name} was never SFT'd and there are no demonstrations: SFT stays first anyway (RLHF or DPO on a raw pretrained model is flagged), on the chosen answers of the pairs if there are any; demonstrations would do better.`;
    warnings.push({ code: 'no_sft', message });
  }
  const learnsFromPairs = pipeline.some((stage) => stage.dataset === 'preferences' && stage.method !== 'sft');
  if (learnsFromPairs && input.data.preferencePairs < FEW_PREFERENCES && input.annotators === 0) {
    const message = `Only ${input.data.preferencePairs} preference pairs and no annotators: a reward model or DPO wants hundreds at least (vote in the chat pane, or label pairs with a judge: RLAIF).`;
    warnings.push({ code: 'few_preferences', message });
  }
  pipeline.forEach((stage, index) => {
    if (stage.memory.totalGb <= input.gpuMemoryGb) return;
    const message = `Stage ${index + 1} (${stage.method}) needs ${formatGb(stage.memory.totalGb)}, more than the ${input.gpuMemoryGb} GB available.`;
    warnings.push({ code: 'does_not_fit', message });
  });
  if (total.seconds !== null && total.seconds > input.timeBudgetHours * 3600) {
    const message = `The pipeline takes about ${formatHours(total.seconds)}, over the ${input.timeBudgetHours} h budget.`;
    warnings.push({ code: 'over_budget', message });
  }
  return warnings;
}

function comparisonOf(pipeline: PipelineStage[]): ComparisonRow[] {
  const keys = [...new Set(pipeline.map((stage) => COMPARISON_OF[stage.method]))];
  return keys.map((key) => METHOD_COMPARISON[key]);
}

/** 260_000 → "260K", 1.1e9 → "1.1B". */
export function formatParameters(parameters: number): string {
  if (parameters >= 1e9) return `${Number((parameters / 1e9).toFixed(1))}B`;
  if (parameters >= 1e6) return `${Number((parameters / 1e6).toFixed(1))}M`;
  return `${Number((parameters / 1e3).toFixed(1))}K`;
}

function formatHours(seconds: number): string {
  return `${(seconds / 3600).toFixed(1)} h`;
}
