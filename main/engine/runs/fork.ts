/**
 * Forking: a new run that starts from a checkpoint of an existing one, with changed settings (say a lower learning
 * rate, or more steps). The stages before the forked one keep their outputs; the forked stage resumes from a copy of
 * the checkpoint (weights, optimizer moments, data order) and trains on under the new settings.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors';
import { checkpointName, latestCheckpoint } from './checkpoint';
import { parseRecipe, type Stage } from './recipe';
import { type RunRecord, RunStore } from './run-store';
import { checkStageConfig, executeRun, type RunEvents, runFolder } from './runner';

export interface ForkOptions {
  /** The stage to fork (default: the last stage that has a checkpoint). */
  stage?: string;
  /** The checkpoint's step (default: the newest). */
  step?: number;
  /** Settings to change in that stage's config (TRL names), e.g. { learning_rate: 1e-5, max_steps: 200 }. */
  overrides: Record<string, unknown>;
}

async function findCheckpoint(workspace: string, source: RunRecord, options: ForkOptions) {
  const candidates = options.stage ? [options.stage] : [...source.stages].reverse().map((s) => s.name);
  for (const stage of candidates) {
    const folder = path.join(runFolder(workspace, source.id), stage);
    const checkpoint =
      options.step !== undefined ? path.join(folder, checkpointName(options.step)) : await latestCheckpoint(folder);
    if (checkpoint && existsSync(checkpoint))
      return { stage, checkpoint, step: Number(/(\d+)$/.exec(checkpoint)?.[1]) };
  }
  const which = `${options.stage ? ` in stage ${options.stage}` : ''}${options.step !== undefined ? ` at step ${options.step}` : ''}`;
  throw new InputError(
    `run ${source.id} has no checkpoint${which} to fork from (checkpoints are saved every save_steps)`,
  );
}

export async function forkRun(
  workspace: string,
  sourceId: string,
  options: ForkOptions,
  events: RunEvents = {},
): Promise<RunRecord> {
  const record = await createFork(workspace, sourceId, options);
  return executeRun(workspace, record.id, events, true);
}

/** The forked run, created and queued with its copied checkpoint; executeRun with resume trains it. */
export async function createFork(workspace: string, sourceId: string, options: ForkOptions): Promise<RunRecord> {
  const store = await RunStore.open(workspace);
  const source = store.get(sourceId);
  const { stage, checkpoint, step } = await findCheckpoint(workspace, source, options);
  const index = source.stages.findIndex((s) => s.name === stage);
  const stages = (source.recipe.stages as Stage[]).map((s, i) =>
    i === index ? { ...s, config: { ...s.config, ...options.overrides } } : s,
  );
  const forks = store.list().filter((run) => run.forkedFrom?.run === sourceId).length;
  const recipe = parseRecipe(
    { ...source.recipe, name: `${source.recipe.name}-fork${forks + 1}`, stages },
    `fork of ${sourceId}`,
  );
  recipe.stages.forEach(checkStageConfig); // the changed settings are checked before anything is copied
  const record = await store.create(recipe, { forkedFrom: { run: sourceId, stage, step } });
  // Earlier stages are done: their outputs serve as the forked stage's base.
  for (const earlier of source.stages.slice(0, index)) await store.updateStage(record.id, earlier.name, earlier);
  await cp(checkpoint, path.join(runFolder(workspace, record.id), stage, checkpointName(step)), { recursive: true });
  return record;
}
