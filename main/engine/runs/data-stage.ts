/**
 * Stages that make a dataset rather than train a model (RLAIF's judged pairs, Constitutional AI's revisions). The
 * stage passes its base model on as its output, so the next stage (DPO on "@rlaif", SFT on "@cai") starts from it.
 */
import path from 'node:path';
import type { Turns } from '../datasets/types';
import { createJudge } from '../judges/create';
import { JudgeUnavailableError } from '../judges/judge';
import { CaiOptionsSchema, endpointChat, runCai, selfChat } from '../methods/cai';
import { RlaifOptionsSchema, runRlaif } from '../methods/rlaif';
import { loadModel } from '../models/store';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Recipe, Stage } from './recipe';
import type { RunRecord, RunStore } from './run-store';
import { type RunEvents, runFolder } from './runner';
import { baseOf, RunStopped, resolveStageOutputs, stageRows } from './stage-refs';

export async function runDataStage(
  workspace: string,
  store: RunStore,
  record: RunRecord,
  index: number,
  events: RunEvents,
) {
  const recipe = record.recipe as Recipe & { stages: Stage[] };
  const stage = recipe.stages[index] as Stage;
  if (stage.method === 'cai') return runCaiStage(workspace, store, record, index, events);
  const options = RlaifOptionsSchema.parse(resolveStageOutputs(stage.config, record));
  const baseName = baseOf(stage, index, recipe, record);
  const { model, tokenizer } = await loadModel(workspace, baseName);
  const judge = await createJudge(options.judge, (name) => loadModel(workspace, name));
  await store.updateStage(record.id, stage.name, { status: 'running', base: baseName });
  try {
    const result = await runRlaif({
      workspace,
      model,
      tokenizer,
      rows: (await stageRows(workspace, stage, record)) as Array<{ prompt?: Turns }>,
      options,
      judge,
      seed: recipe.seed * 1000 + index,
      folder: path.join(runFolder(workspace, record.id), stage.name),
      datasetName: `${recipe.name}-${stage.name}`,
      shouldStop: events.shouldStop,
      onLabel: (done, total, label) => {
        events.progress?.({
          runId: record.id,
          stage: stage.name,
          method: stage.method,
          step: done,
          maxSteps: total,
          metrics: { confidence: label.confidence, kept: label.kept ? 1 : 0 },
        });
      },
    });
    if (result.stopped) throw new RunStopped(stage.name, result.labels.length);
    const kept = result.labels.filter((label) => label.kept).length;
    events.log?.(
      'info',
      `${stage.name}: ${kept} of ${result.labels.length} judged pairs reached the threshold ${options.threshold}`,
    );
    await store.updateStage(record.id, stage.name, {
      status: 'completed',
      step: result.labels.length,
      maxSteps: result.labels.length,
      output: baseName,
      outputDataset: result.dataset.name,
      evaluation: { pairs_kept: kept, pairs_judged: result.labels.length },
    });
  } catch (error) {
    if (error instanceof JudgeUnavailableError) throw new RunStopped(stage.name, 0, error.message);
    throw error;
  } finally {
    judge.dispose?.();
    model.dispose();
  }
}

function progressOf(record: RunRecord, stage: Stage, events: RunEvents) {
  return (done: number, total: number, metrics: Record<string, number> = {}) =>
    events.progress?.({
      runId: record.id,
      stage: stage.name,
      method: stage.method,
      step: done,
      maxSteps: total,
      metrics,
    });
}

async function runCaiStage(workspace: string, store: RunStore, record: RunRecord, index: number, events: RunEvents) {
  const recipe = record.recipe as Recipe & { stages: Stage[] };
  const stage = recipe.stages[index] as Stage;
  const options = CaiOptionsSchema.parse(resolveStageOutputs(stage.config, record));
  const baseName = baseOf(stage, index, recipe, record);
  const { model, tokenizer } = await loadModel(workspace, baseName);
  const decoder = await OnnxDecoder.create(model);
  const seed = recipe.seed * 1000 + index;
  const { critic } = options;
  const chat =
    critic.type === 'self'
      ? selfChat(decoder, model, tokenizer, options, seed)
      : endpointChat(
          {
            url: critic.url,
            model: critic.model,
            apiKey: critic.api_key_env ? process.env[critic.api_key_env] : undefined,
            timeoutMs: critic.timeout_ms,
            retries: critic.retries,
            backoffMs: critic.backoff_ms,
          },
          options.response_length,
        );
  await store.updateStage(record.id, stage.name, { status: 'running', base: baseName });
  try {
    const result = await runCai({
      workspace,
      rows: (await stageRows(workspace, stage, record)) as Array<{ prompt?: Turns }>,
      options,
      chat,
      seed,
      folder: path.join(runFolder(workspace, record.id), stage.name),
      datasetName: `${recipe.name}-${stage.name}`,
      shouldStop: events.shouldStop,
      onTrail: progressOf(record, stage, events),
    });
    if (result.stopped) throw new RunStopped(stage.name, result.trails.length);
    await store.updateStage(record.id, stage.name, {
      status: 'completed',
      step: result.trails.length,
      maxSteps: result.trails.length,
      output: baseName,
      outputDataset: result.dataset.name,
      evaluation: { revisions: result.trails.length },
    });
  } catch (error) {
    if (error instanceof JudgeUnavailableError) throw new RunStopped(stage.name, 0, error.message);
    throw error;
  } finally {
    decoder.dispose();
    model.dispose();
  }
}
