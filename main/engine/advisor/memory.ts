/**
 * Memory per pipeline stage, from the model's shape and the training settings: what the wizard shows before the user
 * launches anything (SPEC §5). GB are 10⁹ bytes. The figures are estimates of what the tensors hold; a framework's
 * workspace and allocator slack come on top, so a plan that fits with nothing to spare may still not fit.
 *
 * - Full fine-tuning: weights P·b and gradients P·b (b bytes per value of the training precision), AdamW's two moments
 *   in fp32 (2·P·4) and, under fp16/bf16, an fp32 master copy of the weights (P·4). fp32: 16 bytes per parameter;
 *   fp16/bf16: 2 + 2 + 8 + 4 = 16 too: mixed precision saves activations and frozen models, not training state.
 * - LoRA: the frozen base counted once (P·b); the adapters are trained in fp32 (weights, gradients, moments).
 * - Reference model: DPO holds one unless its log-probs are precomputed; PPO always does (its rollouts are new each
 *   step); with LoRA neither holds one, since the reference is the base with the adapters disabled (SPEC §3).
 * - PPO also holds a frozen reward model (the base's size unless stated) and a value model: a full trained copy in the
 *   plain layout (TRL's separate value model), a scalar head on the policy's trunk under LoRA.
 */
import type { MemoryEstimate, Method, ModelSpec, Precision, TrainingSettings } from './types';

const GB = 1e9;
const FP32_BYTES = 4;
export const PRECISION_BYTES: Record<Precision, number> = { fp32: 4, fp16: 2, bf16: 2 };
/** AdamW's first and second moments, kept in fp32 whatever the training precision. */
const ADAMW_MOMENT_BYTES = 2 * FP32_BYTES;

/**
 * Activation values a layer keeps for the backward pass, per token and per unit of hidden width. Korthikanti et al.
 * 2022 ("Reducing Activation Recomputation in Large Transformer Models") count 34 bytes per token per hidden unit at
 * 16 bits with an MLP of 4×; 2 of those bytes are dropout masks, and fine-tuning runs without dropout: 32 bytes, i.e.
 * 16 values (attention 5, MLP 9, layer norms 2), each of the activation precision's size.
 */
export const ACTIVATION_VALUES_PER_HIDDEN = 16;
/**
 * Attention scores, counted apart since they grow with length²: per layer, head and (query, key) pair, the softmax
 * output (kept for its own backward pass and for the product with V). The engine materialises them: no flash attention.
 */
export const ATTENTION_VALUES_PER_SCORE = 1;
/** Logits and their log-softmax over the vocabulary at every position, in fp32 for the loss. */
export const LOGIT_VALUES = 2;
/** Head width assumed when the model's head count is not given. */
export const DEFAULT_HEAD_WIDTH = 64;

/** Whether a stage trains, and what it holds besides the trained model. */
interface MethodMemoryProfile {
  /** false: the stage only generates (CAI critiques and revisions, RLAIF answer pairs). */
  trains: boolean;
  /** Sequences per row in a batch: a preference pair is two; RLAIF samples two answers per prompt. */
  sequencesPerRow: number;
  /** The loss reads the LM head's logits (a reward model reads a scalar head instead). */
  logits: boolean;
  /** A trained scalar head on the last hidden state (the reward model). */
  scalarHead: boolean;
  reference: 'none' | 'unless_precomputed' | 'always';
  /** PPO: a frozen reward model and a value model. */
  rewardAndValue: boolean;
}

const TRAINING: MethodMemoryProfile = {
  trains: true,
  sequencesPerRow: 1,
  logits: true,
  scalarHead: false,
  reference: 'none',
  rewardAndValue: false,
};
const GENERATION: MethodMemoryProfile = { ...TRAINING, trains: false };

export const METHOD_MEMORY: Record<Method, MethodMemoryProfile> = {
  sft: TRAINING,
  reward: { ...TRAINING, sequencesPerRow: 2, logits: false, scalarHead: true },
  dpo: { ...TRAINING, sequencesPerRow: 2, reference: 'unless_precomputed' },
  ppo: { ...TRAINING, reference: 'always', rewardAndValue: true },
  cai: GENERATION,
  rlaif: { ...GENERATION, sequencesPerRow: 2 },
};

/** Widths of the MLP and heads, with the documented defaults. */
function shapeOf(model: ModelSpec): { intermediate: number; heads: number } {
  return {
    intermediate: model.intermediateSize ?? 4 * model.hiddenSize,
    heads: model.heads ?? Math.max(1, Math.round(model.hiddenSize / DEFAULT_HEAD_WIDTH)),
  };
}

/**
 * Trainable LoRA parameters: r·(in + out) per adapted projection, per layer, for q, k, v, o (hidden → hidden; grouped
 * key/value heads would make k and v narrower, so this errs high) and a gated MLP's gate, up (hidden → intermediate)
 * and down (intermediate → hidden), the Llama targets of models/lora.ts. GPT-2's two MLP projections make it a little
 * less.
 */
export function loraParameters(model: ModelSpec, rank: number): number {
  const h = model.hiddenSize;
  const { intermediate } = shapeOf(model);
  const perLayer = 4 * rank * (h + h) + 3 * rank * (h + intermediate);
  return model.layers * perLayer;
}

/** Bytes of a fully trained model of `parameters`: weights, gradients, AdamW moments, fp32 master under fp16/bf16. */
function fullTrainingBytes(
  parameters: number,
  bytes: number,
): { weights: number; gradients: number; optimizer: number } {
  const master = bytes < FP32_BYTES ? parameters * FP32_BYTES : 0;
  return {
    weights: parameters * bytes,
    gradients: parameters * bytes,
    optimizer: parameters * ADAMW_MOMENT_BYTES + master,
  };
}

/** The trained model's state: the whole model, or a frozen base plus fp32 adapters under LoRA. */
function trainedModelBytes(profile: MethodMemoryProfile, model: ModelSpec, training: TrainingSettings) {
  const bytes = PRECISION_BYTES[training.precision];
  const head = profile.scalarHead ? model.hiddenSize + 1 : 0;
  if (!profile.trains) return { weights: model.parameters * bytes, gradients: 0, optimizer: 0 };
  if (!training.lora) return fullTrainingBytes(model.parameters + head, bytes);
  const trainable = loraParameters(model, training.loraRank) + head;
  const adapters = fullTrainingBytes(trainable, FP32_BYTES);
  return { ...adapters, weights: model.parameters * bytes + adapters.weights };
}

/** A frozen reference copy of the base, when the method needs one and neither LoRA nor precomputing removes it. */
function referenceBytes(profile: MethodMemoryProfile, model: ModelSpec, training: TrainingSettings): number {
  const held =
    profile.reference === 'always' || (profile.reference === 'unless_precomputed' && !training.precomputeRefLogProbs);
  return held && !training.lora ? model.parameters * PRECISION_BYTES[training.precision] : 0;
}

/** PPO's frozen reward model and its value model (a trained full copy, or a scalar head under LoRA). */
function rewardAndValueBytes(profile: MethodMemoryProfile, model: ModelSpec, training: TrainingSettings) {
  if (!profile.rewardAndValue) return { reward: 0, value: 0 };
  const bytes = PRECISION_BYTES[training.precision];
  const reward = (training.rewardModelParameters ?? model.parameters) * bytes;
  const valueParameters = training.lora ? model.hiddenSize + 1 : model.parameters + model.hiddenSize + 1;
  const value = fullTrainingBytes(valueParameters, training.lora ? FP32_BYTES : bytes);
  return { reward, value: value.weights + value.gradients + value.optimizer };
}

/**
 * Activations kept for the backward pass of one batch (see the constants above). Generation keeps a key/value cache
 * (2 values per token, layer and hidden unit) and one position's logits instead. PPO's plain layout trains a second
 * transformer (the value model) on the same rollouts; the reference and reward models only run forward, one layer at a
 * time, so their activations are not held.
 */
function activationBytes(profile: MethodMemoryProfile, model: ModelSpec, training: TrainingSettings): number {
  const bytes = PRECISION_BYTES[training.precision];
  const sequences = training.batchSize * profile.sequencesPerRow;
  const tokens = sequences * model.maxLength;
  const h = model.hiddenSize;
  if (!profile.trains) return model.layers * tokens * h * 2 * bytes + sequences * model.vocabSize * FP32_BYTES;
  const { heads } = shapeOf(model);
  const hidden = model.layers * tokens * h * ACTIVATION_VALUES_PER_HIDDEN * bytes;
  const scores = model.layers * sequences * heads * model.maxLength ** 2 * ATTENTION_VALUES_PER_SCORE * bytes;
  const logits = profile.logits ? tokens * model.vocabSize * LOGIT_VALUES * FP32_BYTES : 0;
  const valueModel = profile.rewardAndValue && !training.lora ? hidden + scores : 0;
  return hidden + scores + logits + valueModel;
}

/** Memory one stage of `method` needs at once, by part; see the module comment for what each part counts. */
export function estimateMemory(method: Method, model: ModelSpec, training: TrainingSettings): MemoryEstimate {
  const profile = METHOD_MEMORY[method];
  const trained = trainedModelBytes(profile, model, training);
  const { reward, value } = rewardAndValueBytes(profile, model, training);
  const parts = {
    weightsGb: trained.weights / GB,
    gradientsGb: trained.gradients / GB,
    optimizerGb: trained.optimizer / GB,
    referenceGb: referenceBytes(profile, model, training) / GB,
    rewardGb: reward / GB,
    valueGb: value / GB,
    activationsGb: activationBytes(profile, model, training) / GB,
  };
  const totalGb = Object.values(parts).reduce((sum, gb) => sum + gb, 0);
  return { ...parts, totalGb, lora: training.lora, breakdown: breakdownOf(method, parts, totalGb, model, training) };
}

const PART_NAMES: Record<keyof Omit<MemoryEstimate, 'totalGb' | 'lora' | 'breakdown'>, string> = {
  weightsGb: 'weights',
  gradientsGb: 'gradients',
  optimizerGb: 'optimizer',
  referenceGb: 'reference model',
  rewardGb: 'reward model',
  valueGb: 'value model',
  activationsGb: 'activations',
};

export function formatGb(gb: number): string {
  return `${gb.toFixed(gb < 10 ? 2 : 1)} GB`;
}

/** "weights 4.00 GB + gradients 4.00 GB + … = 29.9 GB (full fine-tuning, fp32, batch 8 × 512 tokens)". */
function breakdownOf(
  method: Method,
  parts: Record<keyof typeof PART_NAMES, number>,
  totalGb: number,
  model: ModelSpec,
  training: TrainingSettings,
): string {
  const terms = (Object.keys(PART_NAMES) as Array<keyof typeof PART_NAMES>)
    .filter((key) => parts[key] > 0)
    .map((key) => `${PART_NAMES[key]} ${formatGb(parts[key])}`);
  const shape = `batch ${training.batchSize} × ${model.maxLength} tokens`;
  const layout = layoutOf(method, model, training);
  return `${terms.join(' + ')} = ${formatGb(totalGb)} (${method}: ${layout}, ${training.precision}, ${shape})`;
}

function layoutOf(method: Method, model: ModelSpec, training: TrainingSettings): string {
  if (!METHOD_MEMORY[method].trains) return 'generation';
  if (!training.lora) return 'full fine-tuning';
  const trainable = loraParameters(model, training.loraRank) / 1e6;
  return `LoRA r=${training.loraRank}, ${trainable.toFixed(1)}M trainable parameters`;
}
