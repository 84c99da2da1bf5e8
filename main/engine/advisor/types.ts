/**
 * The method advisor's input (what the wizard asks) and output (what it shows), as zod schemas so that the contract
 * can validate both ends. Memory is in GB of 10⁹ bytes, time in seconds, lengths in tokens.
 */
import { z } from 'zod';
import { METHODS } from '../runs/recipe';

export const GOALS = ['max_quality', 'fast_iteration', 'min_labelling', 'research'] as const;
export const GoalSchema = z.enum(GOALS);
export type Goal = z.infer<typeof GoalSchema>;

/** Every stage a pipeline can hold; the same names as a recipe's stage methods. */
export const MethodSchema = z.enum(METHODS);
export type Method = z.infer<typeof MethodSchema>;

/** What a stage trains or generates from; `synthetic` is what an earlier CAI or RLAIF stage wrote. */
export const DatasetKindSchema = z.enum(['demonstrations', 'preferences', 'prompts', 'synthetic']);
export type DatasetKind = z.infer<typeof DatasetKindSchema>;

export const PrecisionSchema = z.enum(['fp32', 'fp16', 'bf16']);
export type Precision = z.infer<typeof PrecisionSchema>;

const count = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();

export const DataOnHandSchema = z.object({
  /** SFT rows: (prompt, ideal response). */
  demonstrations: count,
  /** (prompt, chosen, rejected) rows. */
  preferencePairs: count,
  /** Prompt-only rows (PPO rollouts, CAI and RLAIF generation). */
  prompts: count,
});
export type DataOnHand = z.infer<typeof DataOnHandSchema>;

export const ModelSpecSchema = z.object({
  name: z.string().min(1),
  /** Parameter count of the whole model (embeddings included). */
  parameters: z.number().positive(),
  layers: positiveInt,
  hiddenSize: positiveInt,
  vocabSize: positiveInt,
  /** Tokens per sequence the user trains with (prompt + completion). */
  maxLength: positiveInt,
  /** Already instruction-tuned (its lineage has an SFT stage): the pipeline need not start with SFT. */
  alreadySft: z.boolean(),
  /** Width of the MLP's hidden layer; 4 × hiddenSize when not given. */
  intermediateSize: positiveInt.optional(),
  /** Attention heads; hiddenSize / 64 (the usual head width) when not given. */
  heads: positiveInt.optional(),
});
export type ModelSpec = z.infer<typeof ModelSpecSchema>;

export const TrainingSettingsSchema = z.object({
  lora: z.boolean().default(false),
  loraRank: positiveInt.default(16),
  /** Rows per optimizer step (a DPO or RM row is a pair: two sequences). */
  batchSize: positiveInt.default(8),
  precision: PrecisionSchema.default('fp32'),
  /** TRL's `precompute_ref_log_probs`: DPO's reference runs once before training and is not held during it. */
  precomputeRefLogProbs: z.boolean().default(true),
  /** Parameters of PPO's reward model; the base model's when not given. */
  rewardModelParameters: z.number().positive().optional(),
});
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;

/**
 * Measured tokens per second on this machine, per stage, counted as the bench counts them: every sequence of a step
 * (a pair is two), for PPO the rollout pass and each update pass, for CAI and RLAIF the generated tokens.
 */
export const ThroughputSchema = z.partialRecord(MethodSchema, z.number().positive());
export type Throughput = z.infer<typeof ThroughputSchema>;

export const AdvisorInputSchema = z.object({
  goal: GoalSchema,
  data: DataOnHandSchema,
  /** The accelerator's memory in GB; on a CPU-only machine, the system RAM. */
  gpuMemoryGb: z.number().positive(),
  timeBudgetHours: z.number().positive(),
  /** People available to label A-vs-B preferences. */
  annotators: count,
  model: ModelSpecSchema,
  training: TrainingSettingsSchema.prefault({}),
  throughput: ThroughputSchema.optional(),
  /** Optimizer steps of each training stage; one epoch of the stage's rows when not given. */
  plannedSteps: positiveInt.optional(),
});
/** What callers pass: the training settings may be left out. */
export type AdvisorInput = z.input<typeof AdvisorInputSchema>;
/** The input with its defaults filled in. */
export type ResolvedAdvisorInput = z.output<typeof AdvisorInputSchema>;

export const MemoryEstimateSchema = z.object({
  /** The trained model's weights (frozen base plus adapters under LoRA). */
  weightsGb: z.number(),
  gradientsGb: z.number(),
  /** AdamW moments, plus the fp32 master weights under fp16/bf16. */
  optimizerGb: z.number(),
  referenceGb: z.number(),
  /** PPO's frozen reward model. */
  rewardGb: z.number(),
  /** PPO's value model (trained) or value head. */
  valueGb: z.number(),
  activationsGb: z.number(),
  totalGb: z.number(),
  lora: z.boolean(),
  /** The sum in words, for the wizard. */
  breakdown: z.string(),
});
export type MemoryEstimate = z.infer<typeof MemoryEstimateSchema>;

export const TimeEstimateSchema = z.object({
  /** null when some throughput was not measured. */
  seconds: z.number().nullable(),
  /** How the figure was made, e.g. "12,000 tokens at 850 tokens/s measured for sft". */
  basis: z.string(),
});
export type TimeEstimate = z.infer<typeof TimeEstimateSchema>;

export const PipelineStageSchema = z.object({
  method: MethodSchema,
  dataset: DatasetKindSchema,
  /** One plain sentence. */
  why: z.string(),
  /** Index of the stage whose output this one starts from (a recipe's "@stage" base); null: the base model. */
  startsFrom: z.number().int().nonnegative().nullable(),
  memory: MemoryEstimateSchema,
  time: TimeEstimateSchema,
});
export type PipelineStage = z.infer<typeof PipelineStageSchema>;

/** One row of SPEC §2's method comparison. */
export const ComparisonRowSchema = z.object({
  method: z.string(),
  labelsNeeded: z.string(),
  computeVsSft: z.string(),
  stability: z.string(),
  qualityGain: z.string(),
  bestWhen: z.string(),
});
export type ComparisonRow = z.infer<typeof ComparisonRowSchema>;

export const WARNING_CODES = [
  'no_sft',
  'few_preferences',
  'no_annotators',
  'weak_base_for_cai',
  'does_not_fit',
  'over_budget',
  'rlhf_does_not_fit',
  'rlhf_over_budget',
] as const;
export const AdvisorWarningSchema = z.object({ code: z.enum(WARNING_CODES), message: z.string() });
export type AdvisorWarning = z.infer<typeof AdvisorWarningSchema>;
export type WarningCode = AdvisorWarning['code'];

export const FixSchema = z.object({
  /** e.g. "use LoRA (r=16)", "batch 4 instead of 8". */
  change: z.string(),
  /** The largest stage's memory with the change applied, re-estimated. */
  memoryGb: z.number(),
  fits: z.boolean(),
});
export type Fix = z.infer<typeof FixSchema>;

export const RecommendationSchema = z.object({
  pipeline: z.array(PipelineStageSchema),
  /** Why this pipeline, in plain words. */
  reason: z.string(),
  /** The branch of the decision framework taken. */
  framework: z.string(),
  comparison: z.array(ComparisonRowSchema),
  warnings: z.array(AdvisorWarningSchema),
  /** Every stage fits in gpuMemoryGb. */
  fits: z.boolean(),
  /** Changes that would make it fit, each re-estimated; empty when it fits. */
  fixes: z.array(FixSchema),
  totalTime: TimeEstimateSchema,
});
export type Recommendation = z.infer<typeof RecommendationSchema>;
