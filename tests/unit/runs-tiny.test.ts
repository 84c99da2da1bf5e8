/** Runs on a tiny model: evaluation steps with sample generations, a NaN that stops the run, recipe errors. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { importDataset } from '../../main/engine/datasets/store';
import { InputError } from '../../main/engine/errors';
import { importModel } from '../../main/engine/models/store';
import { forkRun } from '../../main/engine/runs/fork';
import { MetricsLog } from '../../main/engine/runs/metrics-log';
import { runFolder, startRun } from '../../main/engine/runs/runner';
import type { RunSample } from '../../preload/contract';
import { tempDir } from '../helpers/paths';
import { writeTinyHfFolder } from '../helpers/tiny-models';

const workspace = tempDir('runs-tiny');
const ROWS = ['the cat sat on the mat .', 'a dog ran on the mat .', 'the dog sat .', 'a cat ran .'].map((s) => ({
  prompt: s.split(' ')[0],
  completion: ` ${s.split(' ').slice(1).join(' ')}`,
}));

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
  await importModel(workspace, (await writeTinyHfFolder('llama', {}, 2)).folder, { name: 'tiny' });
  const file = path.join(tempDir('rows'), 'rows.jsonl');
  writeFileSync(file, ROWS.map((row) => JSON.stringify(row)).join('\n'));
  await importDataset(workspace, file, { kind: 'sft', name: 'words' });
});

const recipe = (name: string, config: Record<string, unknown>) => ({
  name,
  base: 'tiny',
  stages: [
    {
      method: 'sft',
      dataset: 'words',
      config: { max_steps: 8, per_device_train_batch_size: 2, save_steps: 4, ...config },
    },
  ],
});

describe('runs on a tiny model', () => {
  it('evaluates every eval_steps: eval_loss logged, sample answers generated and streamed', async () => {
    const samples: RunSample[] = [];
    const record = await startRun(
      workspace,
      recipe('evaluated', { eval_steps: 4, eval_dataset: 'words', learning_rate: 0.01 }),
      'r.json',
      { sample: (s) => samples.push(s) },
    );
    const lines = await new MetricsLog(path.join(runFolder(workspace, record.id), 'metrics.jsonl')).read();
    const evalLines = lines.filter((line) => 'eval_loss' in line);
    expect(evalLines.map((line) => line.step)).toEqual([4, 8]);
    expect(evalLines[1]?.eval_loss as number).toBeLessThan(evalLines[0]?.eval_loss as number);
    expect(evalLines[0]?.eval_perplexity).toBeCloseTo(Math.exp(evalLines[0]?.eval_loss as number), 4);
    expect(samples.map((s) => s.step)).toEqual([4, 4, 4, 8, 8, 8]);
    expect(samples[0]?.prompt).toBe('the');
    const saved = readFileSync(path.join(runFolder(workspace, record.id), 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(saved.map((line) => JSON.parse(line))).toEqual(samples);
  });

  it('stops on a loss that is not finite, with the message, keeping the last good checkpoint', async () => {
    const error = await startRun(
      workspace,
      recipe('exploding', { learning_rate: 1e9, max_grad_norm: 0, save_steps: 1 }),
      'r.json',
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/step \d+: the (loss|gradient norm) is not finite/);
    const runs = readdirSync(path.join(workspace, 'runs')).filter((id) => id.startsWith('exploding'));
    const record = JSON.parse(readFileSync(path.join(workspace, 'runs', runs[0] as string, 'run.json'), 'utf8'));
    expect(record).toMatchObject({ status: 'failed', message: (error as Error).message });
    const checkpoints = readdirSync(path.join(workspace, 'runs', runs[0] as string, 'sft'));
    expect(checkpoints.length).toBeGreaterThan(0); // the steps before the failure were saved
    expect(existsSync(path.join(workspace, 'models', 'exploding-sft'))).toBe(false);
  });

  it('forks from a checkpoint: unchanged settings replay the original, changed ones branch off', async () => {
    const original = await startRun(workspace, recipe('forkable', { learning_rate: 0.01 }), 'r.json');
    const lossesOf = async (id: string) =>
      (await new MetricsLog(path.join(runFolder(workspace, id), 'metrics.jsonl')).read()).map((l) => [l.step, l.loss]);
    const same = await forkRun(workspace, original.id, { step: 4, overrides: {} });
    expect(same).toMatchObject({ status: 'completed', forkedFrom: { run: original.id, stage: 'sft', step: 4 } });
    expect(await lossesOf(same.id)).toEqual((await lossesOf(original.id)).slice(4));
    const changed = await forkRun(workspace, original.id, {
      stage: 'sft',
      step: 4,
      overrides: { learning_rate: 0.001, max_steps: 10 },
    });
    const branched = await lossesOf(changed.id);
    expect(branched.map(([step]) => step)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(branched[1]?.[1]).not.toBe((await lossesOf(original.id))[5]?.[1]);
    expect(changed.stages[0]?.output).toBe('forkable-fork2-sft');
    const error = await forkRun(workspace, original.id, { step: 3, overrides: {} }).catch((e: Error) => e);
    expect((error as Error).message).toContain('no checkpoint');
  });

  it('refuses to run a recipe whose output model name is taken, before training', async () => {
    const error = await startRun(workspace, recipe('forkable', {}), 'r.json').catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('a model named "forkable-sft" exists already');
  });

  it('refuses a recipe with an unknown setting, naming it, before anything trains', async () => {
    const error = await startRun(workspace, recipe('typo', { learning_rat: 0.1 }), 'r.json').catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('stages.sft.config: Unrecognized key: "learning_rat"');
    expect(readdirSync(path.join(workspace, 'runs')).some((id) => id.startsWith('typo'))).toBe(false);
  });
});
