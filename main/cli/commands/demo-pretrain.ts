/**
 * `awb demo pretrain-base --out DIR`: the committed script that produces the shipped demo base model
 * (resources/demo-base). The defaults are the shipped settings; the options exist to measure alternatives.
 */
import { evalPrompts } from '../../engine/demo/datasets';
import { evaluateModel } from '../../engine/demo/evaluate';
import {
  DEMO_PRETRAIN,
  type PretrainSettings,
  pretrainDemoBase,
  writeDemoModelFolder,
} from '../../engine/demo/pretrain';
import { createDemoTokenizer } from '../../engine/demo/tokenizer';
import { Engine } from '../../engine/engine';
import { type CliContext, type CliValues, UsageError } from '../context';

export const PRETRAIN_OPTIONS = {
  out: { type: 'string' },
  steps: { type: 'string' },
  'learning-rate': { type: 'string' },
  'batch-size': { type: 'string' },
  /** hidden,layers,heads,kvHeads,intermediate */
  shape: { type: 'string' },
  'eval-every': { type: 'string' },
} as const;

function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new UsageError(`--${name} must be a positive number, got ${value}`);
  return number;
}

function settingsFrom(values: CliValues): PretrainSettings {
  const settings = { ...DEMO_PRETRAIN, shape: { ...DEMO_PRETRAIN.shape } };
  settings.steps = positive(values.steps, 'steps') ?? settings.steps;
  settings.learningRate = positive(values['learning-rate'], 'learning-rate') ?? settings.learningRate;
  settings.batchSize = positive(values['batch-size'], 'batch-size') ?? settings.batchSize;
  if (typeof values.shape === 'string') {
    const parts = values.shape.split(',').map(Number);
    if (parts.length !== 5 || parts.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new UsageError('--shape is hidden,layers,heads,kvHeads,intermediate (five positive integers)');
    }
    const [hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize] = parts as number[];
    settings.shape = { hiddenSize, numLayers, numHeads, numKvHeads, intermediateSize } as PretrainSettings['shape'];
  }
  return settings;
}

function formatScores(evaluation: Awaited<ReturnType<typeof evaluateModel>>): string {
  const parts = Object.entries(evaluation.byCategory).map(([category, score]) => `${category} ${score.toFixed(3)}`);
  return `oracle ${evaluation.score.toFixed(3)} (${parts.join(', ')})`;
}

export async function pretrainBase(ctx: CliContext, values: CliValues) {
  const out = values.out;
  if (typeof out !== 'string') throw new UsageError('usage: awb demo pretrain-base --out DIR');
  const settings = settingsFrom(values);
  const evalEvery = positive(values['eval-every'], 'eval-every');
  await Engine.start({ workspace: ctx.workspace, forcedBackend: ctx.env.AWB_BACKEND });
  const tokenizer = createDemoTokenizer();
  const prompts = evalPrompts(settings.seed, 120);
  ctx.err(`pretraining the demo base: ${JSON.stringify(settings)}`);
  const { model, seconds, loss } = await pretrainDemoBase(settings, async ({ step, steps, result, seconds }, m) => {
    if (step % 50 === 0 || step === steps) {
      ctx.err(`step ${step}/${steps}  loss ${result.loss.toFixed(4)}  ${seconds.toFixed(0)} s`);
    }
    if (evalEvery && step % evalEvery === 0 && step < steps) {
      const evaluation = await evaluateModel(m, tokenizer, prompts);
      ctx.err(`step ${step}: ${formatScores(evaluation)}`);
      for (const reply of evaluation.replies.slice(0, 6)) ctx.err(`  ${JSON.stringify(reply)}`);
    }
  });
  const evaluation = await evaluateModel(model, tokenizer, prompts);
  await writeDemoModelFolder(out, model);
  const summary = {
    out,
    parameters: model.numParameters(),
    steps: settings.steps,
    seconds,
    loss,
    oracle_score: evaluation.score,
    by_category: evaluation.byCategory,
  };
  if (ctx.json) ctx.out(JSON.stringify(summary));
  else {
    ctx.out(`wrote ${out}: ${summary.parameters.toLocaleString('en')} parameters, ${settings.steps} steps`);
    ctx.out(`trained in ${seconds.toFixed(0)} s, final loss ${loss.toFixed(4)}, held-out ${formatScores(evaluation)}`);
  }
  model.dispose();
  return 0;
}
