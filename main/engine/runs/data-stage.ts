/**
 * Stages that make a dataset rather than train a model (RLAIF's judged pairs, Constitutional AI's revisions). The
 * stage passes its base model on as its output, so the next stage (DPO on "@rlaif", SFT on "@cai") starts from it.
 * A judge or critic that stays unreachable pauses the run (stopped, resumable) instead of failing it.
 */
import path from 'node:path';
import type { Turns } from '../datasets/types';
import { chatEndpointOf, createJudge } from '../judges/create';
import { JudgeUnavailableError } from '../judges/judge';
import { CaiOptionsSchema, endpointChat, runCai, selfChat } from '../methods/cai';
import { RlaifOptionsSchema, runRlaif } from '../methods/rlaif';
import type { CausalLM } from '../models/model';
import { loadModel } from '../models/store';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { Recipe, Stage } from './recipe';
import type { RunRecord, RunStore } from './run-store';
import { type RunEvents, runFolder } from './runner';
import { baseOf, RunStopped, resolveStageOutputs, stageRows } from './stage-refs';

/** What a data stage's maker gets: its base model, the rows, where to write, and how to report. */
interface MakerContext {
  workspace: string;
  stage: Stage;
  config: Record<string, unknown>;
  model: CausalLM;
  tokenizer: Tokenizer;
  rows: Array<{ prompt?: Turns }>;
  seed: number;
  folder: string;
  datasetName: string;
  events: RunEvents;
  progress: (done: number, total: number, metrics?: Record<string, number>) => void;
}

/** What it made: how many rows it handled, the dataset, its figures; stopped when asked to stop first. */
type Made =
  | { stopped: true; count: number }
  | { stopped: false; count: number; dataset: string; evaluation: Record<string, number> };

type Maker = (context: MakerContext) => Promise<Made>;

const makeRlaif: Maker = async (context) => {
  const options = RlaifOptionsSchema.parse(context.config);
  const judge = await createJudge(options.judge, (name) => loadModel(context.workspace, name));
  try {
    const result = await runRlaif({
      ...context,
      options,
      judge,
      shouldStop: context.events.shouldStop,
      onLabel: (done, total, label) =>
        context.progress(done, total, { confidence: label.confidence, kept: label.kept ? 1 : 0 }),
    });
    if (result.stopped) return { stopped: true, count: result.labels.length };
    const kept = result.labels.filter((label) => label.kept).length;
    const judged = result.labels.length;
    context.events.log?.(
      'info',
      `${context.stage.name}: ${kept} of ${judged} judged pairs reached the threshold ${options.threshold}`,
    );
    return {
      stopped: false,
      count: judged,
      dataset: result.dataset.name,
      evaluation: { pairs_kept: kept, pairs_judged: judged },
    };
  } finally {
    judge.dispose?.();
  }
};

const makeCai: Maker = async (context) => {
  const options = CaiOptionsSchema.parse(context.config);
  const decoder = await OnnxDecoder.create(context.model);
  const { critic } = options;
  const chat =
    critic.type === 'self'
      ? selfChat(decoder, context.model, context.tokenizer, options, context.seed)
      : endpointChat(chatEndpointOf(critic), options.response_length);
  try {
    const result = await runCai({
      ...context,
      options,
      chat,
      shouldStop: context.events.shouldStop,
      onTrail: context.progress,
    });
    if (result.stopped) return { stopped: true, count: result.trails.length };
    const count = result.trails.length;
    return { stopped: false, count, dataset: result.dataset.name, evaluation: { revisions: count } };
  } finally {
    decoder.dispose();
  }
};

const MAKERS: Record<string, Maker> = { rlaif: makeRlaif, cai: makeCai };

export async function runDataStage(
  workspace: string,
  store: RunStore,
  record: RunRecord,
  index: number,
  events: RunEvents,
) {
  const recipe = record.recipe as Recipe & { stages: Stage[] };
  const stage = recipe.stages[index] as Stage;
  const make = MAKERS[stage.method];
  if (!make) throw new Error(`stage ${stage.name}: ${stage.method} does not make data`);
  const baseName = baseOf(stage, index, recipe, record);
  const { model, tokenizer } = await loadModel(workspace, baseName);
  await store.updateStage(record.id, stage.name, { status: 'running', base: baseName });
  try {
    const made = await make({
      workspace,
      stage,
      config: resolveStageOutputs(stage.config, record),
      model,
      tokenizer,
      rows: (await stageRows(workspace, stage, record)) as Array<{ prompt?: Turns }>,
      seed: recipe.seed * 1000 + index,
      folder: path.join(runFolder(workspace, record.id), stage.name),
      datasetName: `${recipe.name}-${stage.name}`,
      events,
      progress: (done, total, metrics = {}) =>
        events.progress?.({
          runId: record.id,
          stage: stage.name,
          method: stage.method,
          step: done,
          maxSteps: total,
          metrics,
        }),
    });
    if (made.stopped) throw new RunStopped(stage.name, made.count);
    await store.updateStage(record.id, stage.name, {
      status: 'completed',
      step: made.count,
      maxSteps: made.count,
      output: baseName,
      outputDataset: made.dataset,
      evaluation: made.evaluation,
    });
  } catch (error) {
    if (error instanceof JudgeUnavailableError) throw new RunStopped(stage.name, 0, error.message);
    throw error;
  } finally {
    model.dispose();
  }
}
