/**
 * `awb demo`: base → SFT → DPO and base → SFT → RM on the demo's data, each stage a one-stage recipe run through the
 * normal runner (so it is a workspace run with checkpoints and lineage like any other), then the base, SFT and DPO
 * models scored by the oracle on the held-out prompts. Each stage's wall time and peak memory are measured around
 * its run alone; evaluation is timed separately.
 */
import path from 'node:path';
import { Catalogue } from '../catalogue/catalogue';
import { loadDataset } from '../datasets/store';
import { loadModel } from '../models/store';
import { MetricsLog } from '../runs/metrics-log';
import { type RunEvents, runFolder, startRun } from '../runs/runner';
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
  /** PPO: mean objective/kl over its last 5 steps, against the recipe's max_kl. */
  kl: number | null;
  steps: number;
  /** The stage's training run (load, prepare, train, save); 0 for the base, which is not trained here. */
  wall_seconds: number;
  /** The stages this pipeline adds after SFT (PPO: RM + PPO; RLAIF → DPO: both), over the SFT stage's wall time. */
  cost_vs_sft: number | null;
  /** Process RSS high-water mark during the stage (during the evaluation for the base). */
  peak_memory_mb: number;
  eval_seconds: number | null;
}

export interface DemoResult {
  quick: boolean;
  run_name: string;
  seed: number;
  eval_prompts: number;
  rows: DemoRow[];
}

export interface DemoOptions {
  quick: boolean;
  /** The HF folder to import as the base model when the workspace has none (the shipped resources/demo-base). */
  baseFolder: string;
  events?: RunEvents;
  log?: (line: string) => void;
  /** The training seed of every stage (the datasets and the base stay the same): several seeds measure stability. */
  seed?: number;
}

interface StageOutcome {
  runId: string;
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
  recipe: {
    name: string;
    base: string;
    dataset: string;
    stage: DemoStageName;
    settings: DemoStageSettings;
    seed: number;
  },
  events: RunEvents | undefined,
): Promise<StageOutcome> {
  const json = {
    name: recipe.name,
    base: recipe.base,
    seed: recipe.seed,
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
    runId: record.id,
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
      { name: runName, base: from, dataset, stage: name, settings: stageSettings, seed: options.seed ?? DEMO_SEED },
      options.events,
    );
  };
  const sft = await stage('sft', names.baseModel, names.sft);
  const dpo = await stage('dpo', sft.model, names.preference);
  const rm = await stage('rm', sft.model, names.preference, { eval_dataset: names.rmHeldOut });
  const ppo = await stage('ppo', sft.model, names.preference, { reward_model: rm.model });
  const rlaif = await stage('rlaif', sft.model, names.preference);
  const rlaifDpo = await stage('rlaif-dpo', sft.model, `${runName}-rlaif`);
  log(`evaluating ${sft.model}, ${dpo.model}, ${ppo.model} and ${rlaifDpo.model}`);
  const evaluated = async (outcome: StageOutcome) => ({
    ...outcome,
    ...(await evaluate(workspace, outcome.model, prompts)),
  });
  const results = {
    base,
    sft: await evaluated(sft),
    dpo: await evaluated(dpo),
    rm,
    ppo: { ...(await evaluated(ppo)), kl: await finalKl(workspace, ppo.runId) },
    rlaif,
    rlaifDpo: await evaluated(rlaifDpo),
  };
  const seed = options.seed ?? DEMO_SEED;
  return {
    quick: options.quick,
    run_name: runName,
    seed,
    eval_prompts: prompts.length,
    rows: demoRows(names, results),
  };
}

type Evaluated = { evaluation: OracleEvaluation; evalSeconds: number; evalPeakMb: number };

/** Mean objective/kl of PPO's last 5 logged steps. */
async function finalKl(workspace: string, runId: string): Promise<number | null> {
  const lines = (await new MetricsLog(path.join(runFolder(workspace, runId), 'metrics.jsonl')).read()).slice(-5);
  const values = lines.map((line) => line['objective/kl']).filter((v): v is number => typeof v === 'number');
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function scoredFields(evaluation: OracleEvaluation, sftScore: number) {
  return {
    oracle_score: evaluation.score,
    oracle_by_category: evaluation.byCategory,
    gain_over_sft: evaluation.score - sftScore,
    rm_accuracy: null,
    kl: null,
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

interface DemoResults {
  base: Evaluated;
  sft: StageOutcome & Evaluated;
  dpo: StageOutcome & Evaluated;
  rm: StageOutcome;
  ppo: StageOutcome & Evaluated & { kl: number | null };
  rlaif: StageOutcome;
  rlaifDpo: StageOutcome & Evaluated;
}

function demoRows(names: DemoWorkspace, results: DemoResults): DemoRow[] {
  const { base, sft, dpo, rm, ppo, rlaif, rlaifDpo } = results;
  const sftScore = sft.evaluation.score;
  const row = (
    pipeline: string,
    stage: DemoRow['stage'],
    outcome: StageOutcome & Evaluated,
    added: StageOutcome[],
  ): DemoRow => ({
    pipeline,
    stage,
    model: outcome.model,
    ...scoredFields(outcome.evaluation, sftScore),
    ...trainedFields(outcome, sft.seconds, outcome.evalSeconds),
    wall_seconds: added.reduce((sum, stageOutcome) => sum + stageOutcome.seconds, 0),
    cost_vs_sft: added.reduce((sum, stageOutcome) => sum + stageOutcome.seconds, 0) / sft.seconds,
    peak_memory_mb: Math.max(...added.map((stageOutcome) => stageOutcome.peakMb)),
  });
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
    row('base → SFT', 'sft', sft, [sft]),
    row('base → SFT → DPO', 'dpo', dpo, [dpo]),
    {
      pipeline: 'base → SFT → RM',
      stage: 'rm',
      model: rm.model,
      oracle_score: null,
      oracle_by_category: null,
      gain_over_sft: null,
      rm_accuracy: rm.metrics.eval_accuracy ?? null,
      kl: null,
      ...trainedFields(rm, sft.seconds, null),
    },
    { ...row('base → SFT → RM → PPO', 'ppo', ppo, [rm, ppo]), kl: ppo.kl },
    row('base → SFT → RLAIF → DPO', 'rlaif-dpo', rlaifDpo, [rlaif, rlaifDpo]),
  ];
}
