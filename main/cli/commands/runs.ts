/** `awb run RECIPE.json`, `awb runs list|show|resume`. */
import type { RunProgress, RunSample, RunStatus } from '../../../preload/contract';
import { Engine } from '../../engine/engine';
import { forkRun } from '../../engine/runs/fork';
import { MetricsLog } from '../../engine/runs/metrics-log';
import { type RunRecord, RunStore } from '../../engine/runs/run-store';
import { type RunEvents, readRecipeFile, resumeRun, runFolder, startRun } from '../../engine/runs/runner';
import { type CliContext, type Command, UsageError } from '../context';
import { table } from '../format';

function printer(ctx: CliContext): RunEvents {
  const show = (progress: RunProgress) => {
    const metrics = Object.entries(progress.metrics)
      .filter(([key]) => key !== 'learning_rate' && key !== 'num_tokens')
      .map(([key, value]) => `${key} ${value.toPrecision(4)}`)
      .join('  ');
    ctx.err(
      `[${progress.stage}] step ${progress.step}/${progress.maxSteps}  ${metrics}  eta ${Math.round(progress.etaSeconds ?? 0)} s`,
    );
  };
  if (ctx.json) {
    return {
      progress: (payload: RunProgress) => ctx.out(JSON.stringify({ event: 'run.progress', payload })),
      status: (payload: RunStatus) => ctx.out(JSON.stringify({ event: 'run.status', payload })),
      sample: (payload: RunSample) => ctx.out(JSON.stringify({ event: 'run.sample', payload })),
    };
  }
  return {
    progress: show,
    status: (status) => ctx.err(`run ${status.runId}: ${status.status}${status.message ? `: ${status.message}` : ''}`),
  };
}

function summary(ctx: CliContext, record: RunRecord): void {
  if (ctx.json) {
    ctx.out(JSON.stringify(record));
    return;
  }
  ctx.out(`run ${record.id}: ${record.status}${record.message ? ` (${record.message})` : ''}`);
  const rows = record.stages.map((s) => [
    s.name,
    s.method,
    s.status,
    `${s.step ?? 0}/${s.maxSteps ?? '?'}`,
    s.base ?? '',
    s.output ?? '',
    JSON.stringify(s.evaluation ?? {}),
  ]);
  for (const line of table([['stage', 'method', 'status', 'steps', 'base', 'output', 'evaluation'], ...rows]))
    ctx.out(`  ${line}`);
}

export const runCommand: Command = {
  summary: 'run a recipe (SFT, reward model, DPO, PPO, CAI and RLAIF stages), with checkpoints',
  usage: 'awb run RECIPE.json',
  options: {},
  async run(ctx, _values, positionals) {
    const file = positionals[0];
    if (!file) throw new UsageError(`usage: ${this.usage}`);
    const recipe = await readRecipeFile(file);
    await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
    summary(ctx, await startRun(ctx.workspace, recipe, file, printer(ctx)));
    return 0;
  },
};

async function show(ctx: CliContext, id: string): Promise<number> {
  const record = (await RunStore.open(ctx.workspace)).get(id);
  summary(ctx, record);
  if (!ctx.json) {
    const lines = await new MetricsLog(`${runFolder(ctx.workspace, id)}/metrics.jsonl`).read();
    const last = lines.at(-1);
    if (last) ctx.out(`  last logged: ${JSON.stringify(last)}`);
  }
  return 0;
}

/** `--set key=value` pairs, values parsed as JSON when they are JSON (numbers, booleans), else kept as text. */
function overrides(pairs: string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new UsageError(`--set wants key=value, got ${pair}`);
      const raw = pair.slice(equals + 1);
      try {
        return [pair.slice(0, equals), JSON.parse(raw)];
      } catch {
        return [pair.slice(0, equals), raw];
      }
    }),
  );
}

async function fork(ctx: CliContext, id: string, values: Record<string, unknown>): Promise<number> {
  const step = values.step === undefined ? undefined : Number(values.step);
  if (step !== undefined && !Number.isInteger(step))
    throw new UsageError(`--step must be a step number, got ${values.step}`);
  await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
  const options = {
    stage: values.stage as string | undefined,
    step,
    overrides: overrides((values.set as string[] | undefined) ?? []),
  };
  summary(ctx, await forkRun(ctx.workspace, id, options, printer(ctx)));
  return 0;
}

export const runsCommand: Command = {
  summary: 'list, show, resume and fork runs',
  usage: 'awb runs list | show RUN_ID | resume RUN_ID | fork RUN_ID [--stage S] [--step N] [--set key=value]…',
  options: { stage: { type: 'string' }, step: { type: 'string' }, set: { type: 'string', multiple: true } },
  async run(ctx, values, positionals) {
    const [action, id] = positionals;
    if (action === 'list') {
      const runs = (await RunStore.open(ctx.workspace)).list();
      if (ctx.json) ctx.out(JSON.stringify({ runs }));
      else
        for (const line of table([
          ['id', 'status', 'stages', 'created'],
          ...runs.map((r) => [r.id, r.status, r.stages.map((s) => `${s.name}:${s.status}`).join(' '), r.createdAt]),
        ]))
          ctx.out(line);
      return 0;
    }
    if (action === 'show' && id) return show(ctx, id);
    if (action === 'fork' && id) return fork(ctx, id, values);
    if (action === 'resume' && id) {
      await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
      summary(ctx, await resumeRun(ctx.workspace, id, printer(ctx)));
      return 0;
    }
    throw new UsageError(`usage: ${this.usage}`);
  },
};
