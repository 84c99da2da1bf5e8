/**
 * Runs a recipe's stages in order: each loads its base model (the recipe's base, the previous stage's output, or an
 * "@stage"), trains with its method, saves its output as a new workspace model (lineage base → SFT → DPO …), and
 * records progress in the catalogue, so a killed run can be resumed from its last checkpoint.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunProgress, RunSample, RunStatus } from '../../../preload/contract';
import { Catalogue } from '../catalogue/catalogue';
import { loadDataset } from '../datasets/store';
import { tokenizePrompt } from '../datasets/tokenize';
import type { Turns } from '../datasets/types';
import { InputError } from '../errors';
import { sampleCompletions } from '../generation/samples';
import { DATA_METHODS, TRAINING_METHODS } from '../methods/registry';
import type { CausalLM } from '../models/model';
import { loadModel, saveTrainedModel } from '../models/store';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { runDataStage } from './data-stage';
import { MetricsLog } from './metrics-log';
import { parseRecipe, type Recipe, type Stage } from './recipe';
import { type RunRecord, RunStore } from './run-store';
import { baseOf, RunStopped, resolveStageOutputs, stageRows } from './stage-refs';
import { type TrainStageOptions, trainStage } from './train-stage';
import { parseTrainingArgs } from './training-args';

export interface RunEvents {
  progress?(progress: RunProgress): void;
  status?(status: RunStatus): void;
  sample?(sample: RunSample): void;
  /** Asked between steps: true stops the run after a checkpoint (status "stopped", resumable). */
  shouldStop?(): boolean;
  /** A line for the run's log, e.g. a method's warning. */
  log?(level: 'info' | 'warning' | 'error', message: string): void;
}

const SAMPLE_PROMPTS = 3;

/** The prompts of a few rows (held-out ones when there are), as ids ready for generation. */
function samplePrompts(
  rows: unknown[],
  tokenizer: Tokenizer,
  maxLength: number,
): Array<{ text: string; ids: number[] }> {
  return rows
    .filter((row): row is { prompt: Turns } => typeof row === 'object' && row !== null && 'prompt' in row)
    .slice(0, SAMPLE_PROMPTS)
    .map((row) => ({
      text: typeof row.prompt === 'string' ? row.prompt : JSON.stringify(row.prompt),
      ids: tokenizePrompt(tokenizer, row, { maxLength }),
    }));
}

export const runFolder = (workspace: string, id: string) => path.join(workspace, 'runs', id);

/** Splits a stage's config into the method's own options and the training arguments. */
export function splitConfig(stage: Stage) {
  if (stage.method in DATA_METHODS)
    throw new InputError(`stage ${stage.name}: ${stage.method} makes data; it has no training settings`);
  const spec = TRAINING_METHODS[stage.method];
  if (!spec) throw new InputError(`stage ${stage.name}: the ${stage.method} method is not available in this build`);
  const { eval_dataset: evalDataset, ...rest } = stage.config as Record<string, unknown>;
  const ownKeys = Object.keys(spec.options.shape);
  const options = Object.fromEntries(Object.entries(rest).filter(([key]) => ownKeys.includes(key)));
  const args = parseTrainingArgs(
    Object.fromEntries(Object.entries(rest).filter(([key]) => !ownKeys.includes(key))),
    `stages.${stage.name}.config`,
  );
  return {
    spec,
    options: spec.options.parse(options) as Record<string, unknown>,
    args,
    evalDataset: evalDataset as string | undefined,
  };
}

interface ReporterContext {
  record: RunRecord;
  stage: Stage;
  maxSteps: number;
  events: RunEvents;
  model: CausalLM;
  tokenizer: Tokenizer;
  prompts: Array<{ text: string; ids: number[] }>;
  workspace: string;
}

/** Progress events after each step; at evaluation steps, eval metrics and sample answers (saved and streamed). */
function stageReporters(context: ReporterContext): Pick<TrainStageOptions, 'onStep' | 'onEval'> {
  const { record, stage, events } = context;
  const started = performance.now();
  const base = { runId: record.id, stage: stage.name, method: stage.method, maxSteps: context.maxSteps };
  const samplesFile = path.join(runFolder(context.workspace, record.id), 'samples.jsonl');
  return {
    onStep: ({ step, result, tokensPerSecond }) => {
      for (const warning of result.warnings ?? []) events.log?.('warning', `${stage.name} step ${step}: ${warning}`);
      const etaSeconds = ((performance.now() - started) / 1000 / step) * (context.maxSteps - step);
      const metrics = {
        loss: result.loss,
        grad_norm: result.gradNorm,
        learning_rate: result.learningRate,
        ...result.metrics,
      };
      events.progress?.({ ...base, step, etaSeconds, metrics, ...(tokensPerSecond ? { tokensPerSecond } : {}) });
    },
    onEval: async (step, metrics) => {
      if (Object.keys(metrics).length > 0) events.progress?.({ ...base, step, metrics });
      const completions = await sampleCompletions(
        context.model,
        context.tokenizer,
        context.prompts.map((p) => p.ids),
      );
      for (const [i, completion] of completions.entries()) {
        const sample: RunSample = {
          runId: record.id,
          stage: stage.name,
          step,
          prompt: context.prompts[i]?.text ?? '',
          completion,
        };
        await appendFile(samplesFile, `${JSON.stringify(sample)}\n`);
        events.sample?.(sample);
      }
    },
  };
}

/** Checks every stage's settings before anything trains: training arguments, or a data method's own settings. */
export function checkStageConfig(stage: Stage): void {
  const data = DATA_METHODS[stage.method as keyof typeof DATA_METHODS];
  if (data) data.options.strict().parse(stage.config);
  else splitConfig(stage);
}

async function runStage(
  workspace: string,
  store: RunStore,
  record: RunRecord,
  index: number,
  events: RunEvents,
  resume: boolean,
) {
  const recipe = record.recipe as Recipe & { stages: Stage[] };
  const stage = recipe.stages[index] as Stage;
  if (stage.method in DATA_METHODS) return runDataStage(workspace, store, record, index, events);
  const { spec, options: ownOptions, args, evalDataset } = splitConfig(stage);
  const options = resolveStageOutputs(ownOptions, record);
  const { model, tokenizer, record: base } = await loadModel(workspace, baseOf(stage, index, recipe, record));
  const rows = await stageRows(workspace, stage, record);
  const evalRows = evalDataset ? (await loadDataset(workspace, evalDataset)).rows : undefined;
  const seed = recipe.seed * 1000 + index;
  const prepared = await spec.prepare({
    model,
    tokenizer,
    rows,
    evalRows,
    args,
    options,
    seed,
    loadModel: (name) => loadModel(workspace, name),
  });
  try {
    await store.updateStage(record.id, stage.name, { status: 'running', base: base.name, maxSteps: args.max_steps });
    const last = await trainStage({
      shouldStop: events.shouldStop,
      stage: stage.name,
      model,
      prepared,
      args,
      seed,
      resume,
      checkpointDir: path.join(runFolder(workspace, record.id), stage.name),
      log: new MetricsLog(path.join(runFolder(workspace, record.id), 'metrics.jsonl')),
      ...stageReporters({
        record,
        stage,
        maxSteps: args.max_steps,
        events,
        model,
        tokenizer,
        prompts: samplePrompts(evalRows ?? rows, tokenizer, args.max_length),
        workspace,
      }),
    });
    if ((last?.step ?? 0) < args.max_steps && events.shouldStop?.()) {
      await store.updateStage(record.id, stage.name, { step: last?.step ?? 0 });
      throw new RunStopped(stage.name, last?.step ?? 0);
    }
    const evaluation = (await prepared.evaluate?.()) ?? {};
    const output = await saveTrainedModel(
      workspace,
      `${recipe.name}-${stage.name}`,
      model,
      base,
      `run:${record.id}/${stage.name}`,
    );
    await store.updateStage(record.id, stage.name, {
      status: 'completed',
      step: args.max_steps,
      output: output.name,
      evaluation,
    });
  } finally {
    // Also when training fails (a NaN, a full disk): the engine process lives on and trains the next run.
    prepared.dispose();
    model.dispose();
  }
}

/** Trains a created run's unfinished stages; with `resume`, each continues from its newest checkpoint. */
export async function executeRun(
  workspace: string,
  id: string,
  events: RunEvents,
  resume: boolean,
): Promise<RunRecord> {
  const store = await RunStore.open(workspace);
  let record = store.get(id);
  await store.update(id, { status: 'running', pid: process.pid, message: undefined });
  events.status?.({ runId: id, status: 'running' });
  try {
    for (let index = 0; index < record.stages.length; index++) {
      if (record.stages[index]?.status === 'completed') continue;
      await runStage(workspace, store, record, index, events, resume);
      record = store.get(id);
    }
    await store.update(id, { status: 'completed' });
    events.status?.({ runId: id, status: 'completed' });
  } catch (error) {
    if (error instanceof RunStopped) {
      await store.update(id, { status: 'stopped', message: error.message });
      events.status?.({ runId: id, status: 'stopped', stage: error.stage, message: error.message });
      return store.get(id);
    }
    const message = error instanceof Error ? error.message : String(error);
    await store.update(id, { status: 'failed', message });
    events.status?.({ runId: id, status: 'failed', message });
    throw error;
  }
  return store.get(id);
}

/** Each stage saves its model as RECIPE-STAGE: a name already taken would fail only after training, so look first. */
async function checkOutputNames(workspace: string, recipe: Recipe & { stages: Stage[] }): Promise<void> {
  const taken = new Set((await Catalogue.peek(workspace)).models.map((model) => model.name));
  const clash = recipe.stages.map((stage) => `${recipe.name}-${stage.name}`).find((name) => taken.has(name));
  if (clash)
    throw new InputError(
      `a model named "${clash}" exists already (an earlier run of this recipe?): give the recipe another name`,
    );
}

/** Validates the recipe, creates the run and trains it to the end. */
export async function startRun(
  workspace: string,
  recipeJson: unknown,
  file: string,
  events: RunEvents = {},
): Promise<RunRecord> {
  const record = await createRun(workspace, recipeJson, file);
  return executeRun(workspace, record.id, events, false);
}

/** Validates the recipe and creates the run, queued; nothing trains yet. */
export async function createRun(workspace: string, recipeJson: unknown, file: string): Promise<RunRecord> {
  const recipe = parseRecipe(recipeJson, file);
  recipe.stages.forEach(checkStageConfig); // every stage's settings are checked before anything trains
  await checkOutputNames(workspace, recipe);
  const store = await RunStore.open(workspace);
  const record = await store.create(recipe);
  await mkdir(runFolder(workspace, record.id), { recursive: true });
  await writeFile(
    path.join(runFolder(workspace, record.id), 'recipe.json'),
    `${JSON.stringify(recipeJson, null, 2)}\n`,
  );
  return record;
}

/** Continues an interrupted or failed run from its last checkpoint. */
export async function resumeRun(workspace: string, id: string, events: RunEvents = {}): Promise<RunRecord> {
  const store = await RunStore.open(workspace);
  const record = store.get(id);
  if (record.status === 'completed') throw new InputError(`run ${id} has already completed`);
  return executeRun(workspace, id, events, true);
}

export async function readRecipeFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read the recipe: ${(error as Error).message}`, file);
  }
}
