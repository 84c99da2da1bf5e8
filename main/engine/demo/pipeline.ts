/**
 * `awb demo`: base → SFT → DPO and base → SFT → RM on the demo's data, each stage a one-stage recipe run through the
 * normal runner (so it is a workspace run with checkpoints and lineage like any other), then the base, SFT and DPO
 * models scored by the oracle on the held-out prompts. Each stage's wall time and peak memory are measured around
 * its run alone; evaluation is timed separately.
 */
import { Catalogue } from '../catalogue/catalogue';
import { loadDataset } from '../datasets/store';
import { loadModel } from '../models/store';
import { type RunEvents, startRun } from '../runs/runner';
import type { EvalPrompt } from './datasets';
import { evaluateModel, type OracleEvaluation } from './evaluate';
import { PeakMemory } from './peak-memory';
import type { DemoCategory } from './prompts';
import { DEMO_SEED, type DemoWorkspace, prepareDemoWorkspace, toEvalPrompts } from './setup';
import { DEMO_QUICK_STAGES, DEMO_STAGES, type DemoStageName, type DemoStageSettings } from './stages';

export interface DemoRow {
  pipeline: string;
  stage: 'base' | DemoStageName;
  model: string;
  /** Mean oracle score on the held-out prompts (greedy decoding); null for the reward model, which does not write. */
  oracle_score: number | null;
  oracle_by_category: Record<DemoCategory, number> | null;
  /** oracle_score − the SFT model's oracle_score. */
  gain_over_sft: number | null;
  /** The reward model's accuracy on held-out preference pairs. */
  rm_accuracy: number | null;
  steps: number;
  /** The stage's training run (load, prepare, train, save); 0 for the base, which is not trained here. */
  wall_seconds: number;
  /** wall_seconds / the SFT stage's wall_seconds. */
  cost_vs_sft: number | null;
  /** Process RSS high-water mark during the stage (during the evaluation for the base). */
  peak_memory_mb: number;
  eval_seconds: number | null;
}

export interface DemoResult {
  quick: boolean;
  run_name: string;
  eval_prompts: number;
  rows: DemoRow[];
}

export interface DemoOptions {
  quick: boolean;
  /** The HF folder to import as the base model when the workspace has none (the shipped resources/demo-base). */
  baseFolder: string;
  events?: RunEvents;
  log?: (line: string) => void;
}

interface StageOutcome {
  model: string;
  seconds: number;
  peakMb: number;
  steps: number;
  /** The stage's held-out metrics (the reward model's eval_accuracy). */
  metrics: Record<string, number>;
}

/** demo-1, demo-2, …: the first name whose models do not exist yet, so that `awb demo` can run again. */
async function freeRunName(workspace: string, prefix: string): Promise<string> {
  const models = (await Catalogue.peek(workspace)).models.map((model) => model.name);
  for (let n = 1; ; n++) {
    if (!models.some((name) => name.startsWith(`${prefix}-${n}-`))) return `${prefix}-${n}`;
  }
}

async function runStage(
  workspace: string,
  recipe: { name: string; base: string; dataset: string; stage: DemoStageName; settings: DemoStageSettings },
  events: RunEvents | undefined,
): Promise<StageOutcome> {
  const json = {
    name: recipe.name,
    base: recipe.base,
    seed: DEMO_SEED,
    stages: [
      { name: recipe.stage, method: recipe.settings.method, dataset: recipe.dataset, config: recipe.settings.config },
    ],
  };
  const memory = PeakMemory.start();
  const started = performance.now();
  const record = await startRun(workspace, json, `demo:${recipe.stage}`, events);
  const seconds = (performance.now() - started) / 1000;
  const stage = record.stages[0];
  if (!stage?.output) throw new Error(`the demo's ${recipe.stage} stage produced no model`);
  return {
    model: stage.output,
    seconds,
    peakMb: memory.stop(),
    steps: stage.step ?? 0,
    metrics: stage.evaluation ?? {},
  };
}

/** A workspace model's oracle score on the demo's held-out prompts (the demo's datasets must be in the workspace). */
export async function scoreOnHeldOut(workspace: string, name: string, quick = false): Promise<OracleEvaluation> {
  const evalName = quick ? 'demo-quick-eval-prompts' : 'demo-eval-prompts';
  const prompts = toEvalPrompts((await loadDataset(workspace, evalName)).rows as Array<{ prompt: unknown }>);
  return (await evaluate(workspace, name, prompts)).evaluation;
}

async function evaluate(workspace: string, name: string, prompts: EvalPrompt[]) {
  const memory = PeakMemory.start();
  const started = performance.now();
  const { model, tokenizer } = await loadModel(workspace, name);
  try {
    const evaluation = await evaluateModel(model, tokenizer, prompts);
    return { evaluation, evalSeconds: (performance.now() - started) / 1000, evalPeakMb: memory.stop() };
  } finally {
    model.dispose();
  }
}

/** Creates the demo content if needed, runs the three stages and evaluates; returns the table's rows. */
export async function runDemo(workspace: string, options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => {});
  const names = await prepareDemoWorkspace(workspace, options);
  const prompts = toEvalPrompts((await loadDataset(workspace, names.evalPrompts)).rows as Array<{ prompt: unknown }>);
  const settings = options.quick ? DEMO_QUICK_STAGES : DEMO_STAGES;
  const runName = await freeRunName(workspace, options.quick ? 'demo-quick' : 'demo');
  log(`evaluating ${names.baseModel} on ${prompts.length} held-out prompts`);
  const base = await evaluate(workspace, names.baseModel, prompts);
  const stage = (name: DemoStageName, from: string, dataset: string, extra: Record<string, unknown> = {}) => {
    log(`training ${runName}-${name} from ${from}`);
    const stageSettings = { ...settings[name], config: { ...settings[name].config, ...extra } };
    return runStage(
      workspace,
      { name: runName, base: from, dataset, stage: name, settings: stageSettings },
      options.events,
    );
  };
  const sft = await stage('sft', names.baseModel, names.sft);
  const dpo = await stage('dpo', sft.model, names.preference);
  const rm = await stage('rm', sft.model, names.preference, { eval_dataset: names.rmHeldOut });
  log(`evaluating ${sft.model} and ${dpo.model}`);
  const sftEval = await evaluate(workspace, sft.model, prompts);
  const dpoEval = await evaluate(workspace, dpo.model, prompts);
  return {
    quick: options.quick,
    run_name: runName,
    eval_prompts: prompts.length,
    rows: demoRows(names, { base, sft: { ...sft, ...sftEval }, dpo: { ...dpo, ...dpoEval }, rm }),
  };
}

type Evaluated = { evaluation: OracleEvaluation; evalSeconds: number; evalPeakMb: number };

function scoredFields(evaluation: OracleEvaluation, sftScore: number) {
  return {
    oracle_score: evaluation.score,
    oracle_by_category: evaluation.byCategory,
    gain_over_sft: evaluation.score - sftScore,
    rm_accuracy: null,
  };
}

function trainedFields(outcome: StageOutcome, sftSeconds: number, evalSeconds: number | null) {
  return {
    steps: outcome.steps,
    wall_seconds: outcome.seconds,
    cost_vs_sft: outcome.seconds / sftSeconds,
    peak_memory_mb: outcome.peakMb,
    eval_seconds: evalSeconds,
  };
}

function demoRows(
  names: DemoWorkspace,
  results: { base: Evaluated; sft: StageOutcome & Evaluated; dpo: StageOutcome & Evaluated; rm: StageOutcome },
): DemoRow[] {
  const { base, sft, dpo, rm } = results;
  const sftScore = sft.evaluation.score;
  return [
    {
      pipeline: 'base',
      stage: 'base',
      model: names.baseModel,
      ...scoredFields(base.evaluation, sftScore),
      steps: 0,
      wall_seconds: 0,
      cost_vs_sft: null,
      peak_memory_mb: base.evalPeakMb,
      eval_seconds: base.evalSeconds,
    },
    ...[['base → SFT', 'sft', sft] as const, ['base → SFT → DPO', 'dpo', dpo] as const].map(
      ([pipeline, stage, outcome]): DemoRow => ({
        pipeline,
        stage,
        model: outcome.model,
        ...scoredFields(outcome.evaluation, sftScore),
        ...trainedFields(outcome, sft.seconds, outcome.evalSeconds),
      }),
    ),
    {
      pipeline: 'base → SFT → RM',
      stage: 'rm',
      model: rm.model,
      oracle_score: null,
      oracle_by_category: null,
      gain_over_sft: null,
      rm_accuracy: rm.metrics.eval_accuracy ?? null,
      ...trainedFields(rm, sft.seconds, null),
    },
  ];
}
