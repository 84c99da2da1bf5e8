/**
 * The advisor's estimates of a planned pipeline: each stage's memory (./memory), what it starts from, and its time
 * from the training throughput measured on this machine (null, saying so, where none was measured).
 */
import { estimateMemory, METHOD_MEMORY } from './memory';
import type { DatasetKind, Method, PipelineStage, ResolvedAdvisorInput, TimeEstimate } from './types';

/** TRL's `num_ppo_epochs`: each PPO step is one rollout pass and this many update passes over the rollouts. */
export const PPO_EPOCHS = 4;

/** CAI generates an answer, a critique and a revision per prompt (one round). */
export const CAI_GENERATIONS_PER_PROMPT = 3;

/** A stage before estimation. startsFrom left out: the latest policy stage before it (see linkStages). */
export interface StagePlan {
  method: Method;
  dataset: DatasetKind;
  why: string;
  startsFrom?: number | null;
}

/** Memory and time of each stage, with startsFrom resolved. */
export function estimateStages(stages: StagePlan[], input: ResolvedAdvisorInput): PipelineStage[] {
  return linkStages(stages).map((stage) => ({
    ...stage,
    memory: estimateMemory(stage.method, input.model, input.training),
    time: estimateTime(stage.method, stage.dataset, input),
  }));
}

/** A stage starts from the latest stage before it that trained a policy (SFT, DPO, PPO), or from the base model. */
function linkStages(stages: StagePlan[]): Array<StagePlan & { startsFrom: number | null }> {
  const policyStages = new Set<Method>(['sft', 'dpo', 'ppo']);
  let latestPolicy: number | null = null;
  return stages.map((stage, index) => {
    const linked = { ...stage, startsFrom: stage.startsFrom === undefined ? latestPolicy : stage.startsFrom };
    if (policyStages.has(stage.method)) latestPolicy = index;
    return linked;
  });
}

/**
 * Sequences of maxLength tokens a row costs: a pair is two; a PPO step's rollouts are passed over once to generate and
 * score them and PPO_EPOCHS times to update; CAI writes three answers per prompt, RLAIF two.
 */
export const SEQUENCES_PER_ROW: Record<Method, number> = {
  sft: 1,
  reward: 2,
  dpo: 2,
  ppo: 1 + PPO_EPOCHS,
  cai: CAI_GENERATIONS_PER_PROMPT,
  rlaif: 2,
};

/** Rows of a dataset kind; prompts default to those of the other rows, and synthetic data has one row per prompt. */
export function rowsOf(dataset: DatasetKind, input: ResolvedAdvisorInput): number {
  const { demonstrations, preferencePairs, prompts } = input.data;
  const promptRows = prompts > 0 ? prompts : demonstrations + preferencePairs;
  const rows: Record<DatasetKind, number> = {
    demonstrations,
    preferences: preferencePairs,
    prompts: promptRows,
    synthetic: promptRows,
  };
  return rows[dataset];
}

/** Tokens a stage processes: a training stage's steps × batch × length × sequences; a generation stage's rows. */
export function stageTokens(method: Method, dataset: DatasetKind, input: ResolvedAdvisorInput): number {
  const { batchSize } = input.training;
  const rows = rowsOf(dataset, input);
  const rowsProcessed = METHOD_MEMORY[method].trains
    ? (input.plannedSteps ?? Math.max(1, Math.ceil(rows / batchSize))) * batchSize
    : rows;
  return rowsProcessed * input.model.maxLength * SEQUENCES_PER_ROW[method];
}

/** Seconds from the measured tokens/s of the method, or null saying what was not measured. */
export function estimateTime(method: Method, dataset: DatasetKind, input: ResolvedAdvisorInput): TimeEstimate {
  const tokens = stageTokens(method, dataset, input);
  const tokensPerSecond = input.throughput?.[method];
  if (tokensPerSecond === undefined) {
    return { seconds: null, basis: `no measured throughput for ${method} (${formatCount(tokens)} tokens)` };
  }
  return {
    seconds: tokens / tokensPerSecond,
    basis: `${formatCount(tokens)} tokens at ${formatCount(tokensPerSecond)} tokens/s measured for ${method}`,
  };
}

export function totalTimeOf(pipeline: PipelineStage[]): TimeEstimate {
  const unmeasured = [...new Set(pipeline.filter((s) => s.time.seconds === null).map((s) => s.method))];
  if (unmeasured.length > 0) return { seconds: null, basis: `no measured throughput for ${unmeasured.join(', ')}` };
  const seconds = pipeline.reduce((sum, stage) => sum + (stage.time.seconds ?? 0), 0);
  return { seconds, basis: `the sum of ${pipeline.length} stages from measured throughput` };
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
