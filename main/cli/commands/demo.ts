/** `awb demo [--quick] [--json]` runs the demo pipelines; `awb demo pretrain-base --out DIR` makes the base model. */
import type { RunProgress } from '../../../preload/contract';
import { type DemoResult, type DemoRow, runDemo, scoreOnHeldOut } from '../../engine/demo/pipeline';
import { shippedDemoBase } from '../../engine/demo/setup';
import { Engine } from '../../engine/engine';
import type { RunEvents } from '../../engine/runs/runner';
import { type CliContext, type CliValues, type Command, UsageError } from '../context';
import { table } from '../format';
import { PRETRAIN_OPTIONS, pretrainBase } from './demo-pretrain';

function progressPrinter(ctx: CliContext): RunEvents {
  let last = 0;
  return {
    progress: (progress: RunProgress) => {
      // One line every few seconds (and the last step): the stages run hundreds of steps.
      const now = performance.now();
      if (now - last < 5000 && progress.step !== progress.maxSteps) return;
      last = now;
      const loss = progress.metrics.loss?.toFixed(4) ?? '?';
      const eta = Math.round(progress.etaSeconds ?? 0);
      ctx.err(`[${progress.stage}] step ${progress.step}/${progress.maxSteps}  loss ${loss}  eta ${eta} s`);
    },
  };
}

const fixed = (value: number | null, digits: number) => (value === null ? '-' : value.toFixed(digits));
const signed = (value: number | null) => (value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(3)}`);

function tableLines(rows: DemoRow[]): string[] {
  const header = ['pipeline', 'oracle', 'gain vs SFT', 'RM accuracy', 'KL', 'steps', 'wall', 'cost vs SFT', 'peak RSS'];
  const body = rows.map((row) => [
    row.pipeline,
    fixed(row.oracle_score, 3),
    row.stage === 'sft' ? '0' : signed(row.gain_over_sft),
    fixed(row.rm_accuracy, 3),
    fixed(row.kl, 3),
    String(row.steps),
    `${row.wall_seconds.toFixed(1)} s`,
    row.cost_vs_sft === null ? '-' : `${row.cost_vs_sft.toFixed(2)}×`,
    `${Math.round(row.peak_memory_mb)} MB`,
  ]);
  return table([header, ...body]);
}

function printHuman(ctx: CliContext, result: DemoResult): void {
  ctx.out(`demo ${result.run_name}: oracle score on ${result.eval_prompts} held-out prompts (greedy decoding)`);
  for (const line of tableLines(result.rows)) ctx.out(line);
  const byCategory = result.rows
    .filter((row) => row.oracle_by_category)
    .map((row) => {
      const parts = Object.entries(row.oracle_by_category ?? {}).map(([name, score]) => `${name} ${score.toFixed(2)}`);
      return `  ${row.pipeline}: ${parts.join(', ')}`;
    });
  ctx.out('oracle score by category:');
  for (const line of byCategory) ctx.out(line);
}

async function demo(ctx: CliContext, values: CliValues): Promise<number> {
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new UsageError('--seed takes a whole number');
  const engine = await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
  const quick = values.quick === true;
  ctx.err(`awb demo${quick ? ' --quick' : ''} on ${engine.backend}, workspace ${ctx.workspace}`);
  const result = await runDemo(ctx.workspace, {
    seed,
    quick,
    baseFolder: typeof values.base === 'string' ? values.base : shippedDemoBase(ctx.buildDir),
    events: progressPrinter(ctx),
    log: (line) => ctx.err(line),
  });
  if (ctx.json) ctx.out(JSON.stringify(result));
  else printHuman(ctx, result);
  return 0;
}

/** `awb demo score MODEL`: a model's oracle score on the demo's held-out prompts, as the demo table computes it. */
async function score(ctx: CliContext, model: string, quick: boolean): Promise<number> {
  await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
  const evaluation = await scoreOnHeldOut(ctx.workspace, model, quick);
  if (ctx.json) {
    ctx.out(JSON.stringify({ model, oracle_score: evaluation.score, oracle_by_category: evaluation.byCategory }));
    return 0;
  }
  const parts = Object.entries(evaluation.byCategory).map(([name, value]) => `${name} ${value.toFixed(3)}`);
  ctx.out(
    `${model}: oracle ${evaluation.score.toFixed(3)} on ${evaluation.replies.length} held-out prompts (${parts.join(', ')})`,
  );
  return 0;
}

export const demoCommand: Command = {
  summary: 'the built-in demo: base → SFT → DPO and base → SFT → RM, scored by the oracle',
  usage:
    'awb demo [--quick] [--json] [--base DIR] [--seed N] | awb demo score MODEL [--quick] | awb demo pretrain-base --out DIR',
  options: { quick: { type: 'boolean' }, base: { type: 'string' }, seed: { type: 'string' }, ...PRETRAIN_OPTIONS },
  async run(ctx, values, positionals) {
    if (positionals[0] === 'pretrain-base') return pretrainBase(ctx, values);
    if (positionals[0] === 'score' && positionals[1]) return score(ctx, positionals[1], values.quick === true);
    if (positionals.length > 0) throw new UsageError(`usage: ${this.usage}`);
    return demo(ctx, values);
  },
};
