/** runs.*: list, show (history for dashboards), start (queued), stop, resume, fork. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { RunSample, RunSummary } from '../../../preload/contract';
import { InputError } from '../errors';
import { readJsonLines } from '../io/json-lines';
import { CaiOptionsSchema, loadConstitution, type Trail } from '../methods/cai';
import { type Label, RlaifOptionsSchema } from '../methods/rlaif';
import { createFork } from '../runs/fork';
import { MetricsLog } from '../runs/metrics-log';
import type { RunQueue } from '../runs/queue';
import type { Recipe } from '../runs/recipe';
import { iterationHistory, iterationRecipe, RlhfIterationSchema } from '../runs/rlhf-iteration';
import { type RunRecord, RunStore } from '../runs/run-store';
import { createRun, runFolder } from '../runs/runner';
import type { ApiContext, VerbHandlers } from './context';

type RunVerbs =
  | 'runs.list'
  | 'runs.show'
  | 'runs.start'
  | 'runs.stop'
  | 'runs.resume'
  | 'runs.fork'
  | 'runs.dataStage'
  | 'rlhf.iterate'
  | 'rlhf.history';

export function runSummary(record: RunRecord, queue: RunQueue): RunSummary {
  const position = queue.position(record.id);
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    base: (record.recipe as Recipe).base,
    stages: record.stages,
    ...(record.message ? { message: record.message } : {}),
    ...(record.forkedFrom ? { forkedFrom: record.forkedFrom } : {}),
    ...(position !== undefined ? { queuePosition: position } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

async function checkpointsOf(folder: string, stages: string[]) {
  const found: Array<{ stage: string; step: number }> = [];
  for (const stage of stages) {
    const entries = await readdir(path.join(folder, stage)).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = /^checkpoint-(\d+)$/.exec(entry);
      if (match) found.push({ stage, step: Number(match[1]) });
    }
  }
  return found.sort((a, b) => a.step - b.step);
}

async function runDetail(workspace: string, record: RunRecord, queue: RunQueue) {
  const folder = runFolder(workspace, record.id);
  const lines = await new MetricsLog(path.join(folder, 'metrics.jsonl')).read();
  const metrics = lines.map(({ stage, step, time, ...values }) => ({
    stage,
    step,
    time,
    metrics: Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'number')) as Record<
      string,
      number
    >,
  }));
  return {
    run: runSummary(record, queue),
    recipe: record.recipe,
    metrics,
    samples: await readJsonLines<RunSample>(path.join(folder, 'samples.jsonl')),
    checkpoints: await checkpointsOf(
      folder,
      record.stages.map((stage) => stage.name),
    ),
  };
}

async function dataStageOf(workspace: string, record: RunRecord, stageName: string) {
  const stage = (record.recipe as Recipe).stages.find((s) => (s as { name?: string }).name === stageName) as
    | { method: string; config: Record<string, unknown> }
    | undefined;
  if (!stage || (stage.method !== 'rlaif' && stage.method !== 'cai')) {
    throw new InputError(`run ${record.id} has no RLAIF or CAI stage named ${stageName}`);
  }
  const folder = path.join(runFolder(workspace, record.id), stageName);
  if (stage.method === 'rlaif') {
    const threshold = RlaifOptionsSchema.parse(stage.config).threshold;
    return {
      method: 'rlaif' as const,
      labels: await readJsonLines<Label>(path.join(folder, 'labels.jsonl')),
      threshold,
      trails: [],
      principles: [],
    };
  }
  const constitution = await loadConstitution(CaiOptionsSchema.parse(stage.config).constitution);
  return {
    method: 'cai' as const,
    labels: [],
    trails: await readJsonLines<Trail>(path.join(folder, 'cai-trail.jsonl')),
    principles: constitution.constitutions,
  };
}

export function runsApi({ workspace }: ApiContext, queue: RunQueue) {
  const store = () => RunStore.open(workspace);
  const handlers: VerbHandlers<RunVerbs> = {
    'runs.list': async () => ({ runs: (await store()).list().map((record) => runSummary(record, queue)) }),
    'runs.show': async ({ runId }) => runDetail(workspace, (await store()).get(runId), queue),
    'runs.start': async ({ recipe }) => {
      const record = await createRun(workspace, recipe, 'the recipe');
      queue.add({ id: record.id, resume: false });
      return runSummary((await store()).get(record.id), queue);
    },
    'runs.stop': async ({ runId }) => runSummary(await queue.stop(runId), queue),
    'runs.resume': async ({ runId }) => {
      const record = (await store()).get(runId);
      if (record.status === 'completed') throw new InputError(`run ${runId} has already completed`);
      if (queue.isActive(runId)) throw new InputError(`run ${runId} is already running or queued`);
      await (await store()).update(runId, { status: 'queued', message: undefined });
      queue.add({ id: runId, resume: true });
      return runSummary((await store()).get(runId), queue);
    },
    'runs.dataStage': async ({ runId, stage }) => dataStageOf(workspace, (await store()).get(runId), stage),
    'rlhf.iterate': async ({ iteration }) => {
      const parsed = RlhfIterationSchema.safeParse(iteration);
      if (!parsed.success)
        throw new InputError(
          `rlhf.iterate: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const record = await createRun(workspace, iterationRecipe(parsed.data), 'rlhf.iterate');
      queue.add({ id: record.id, resume: false });
      return runSummary((await store()).get(record.id), queue);
    },
    'rlhf.history': async () => ({
      iterations: await iterationHistory((await store()).list(), (id) =>
        path.join(runFolder(workspace, id), 'metrics.jsonl'),
      ),
    }),
    'runs.fork': async ({ runId, stage, step, set }) => {
      const record = await createFork(workspace, runId, { stage, step, overrides: set });
      queue.add({ id: record.id, resume: true });
      return runSummary((await store()).get(record.id), queue);
    },
  };
  return handlers;
}
