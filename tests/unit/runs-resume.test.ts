/**
 * A run killed with SIGKILL after a checkpoint and resumed with `awb runs resume` logs the same losses as the same run
 * left alone; the catalogue and the earlier checkpoints stay intact.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { awb } from '../helpers/cli';
import { AWB_BIN, ROOT, requireBuild, tempDir } from '../helpers/paths';
import { writeTinyHfFolder } from '../helpers/tiny-models';

const SENTENCES = ['the cat sat on the mat .', 'a dog ran on the mat .', 'the dog sat .', 'a cat ran .'];
const RECIPE = {
  name: 'tiny-sft',
  base: 'tiny',
  seed: 3,
  stages: [
    {
      method: 'sft',
      dataset: 'words',
      config: { max_steps: 40, save_steps: 10, per_device_train_batch_size: 2, learning_rate: 0.01 },
    },
  ],
};

async function prepareWorkspace(): Promise<{ workspace: string; recipe: string }> {
  const workspace = tempDir('resume-ws');
  const { folder } = await writeTinyHfFolder('llama', {}, 5);
  expect(awb(['--workspace', workspace, 'models', 'import', folder, '--name', 'tiny']).status).toBe(0);
  const data = path.join(tempDir('resume-data'), 'words.jsonl');
  writeFileSync(
    data,
    SENTENCES.map((s, i) =>
      JSON.stringify({ prompt: s.split(' ')[0], completion: ` ${s.split(' ').slice(1).join(' ')}`, id: i }),
    ).join('\n'),
  );
  expect(awb(['--workspace', workspace, 'datasets', 'import', data, '--kind', 'sft', '--name', 'words']).stderr).toBe(
    '',
  );
  const recipe = path.join(workspace, '..', `recipe-${path.basename(workspace)}.json`);
  writeFileSync(recipe, JSON.stringify(RECIPE));
  return { workspace, recipe };
}

function losses(workspace: string, runId: string): number[] {
  const text = readFileSync(path.join(workspace, 'runs', runId, 'metrics.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).loss as number);
}

/** Starts `awb run` and SIGKILLs it once a step past the first checkpoint has been reported. */
function runAndKill(workspace: string, recipe: string, afterStep: number): Promise<string> {
  const child = spawn(process.execPath, [AWB_BIN, '--workspace', workspace, '--json', 'run', recipe], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += String(chunk);
      for (const line of buffer.split('\n').slice(0, -1)) {
        const message = JSON.parse(line);
        if (message.event === 'run.progress' && message.payload.step >= afterStep) {
          child.kill('SIGKILL');
          resolve(message.payload.runId);
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.on(
      'exit',
      (code) => code !== null && reject(new Error(`awb run ended by itself (exit ${code}) before it was killed`)),
    );
  });
}

describe('resume after SIGKILL', () => {
  beforeAll(() => requireBuild());

  it('logs the same losses as the run left alone, with the catalogue and earlier checkpoints intact', async () => {
    const alone = await prepareWorkspace();
    const finished = JSON.parse(
      awb(['--workspace', alone.workspace, '--json', 'run', alone.recipe]).stdout.trim().split('\n').at(-1) as string,
    );
    expect(finished.status).toBe('completed');
    const reference = losses(alone.workspace, finished.id);
    expect(reference).toHaveLength(40);

    const killed = await prepareWorkspace();
    const runId = await runAndKill(killed.workspace, killed.recipe, 13);
    const listed = JSON.parse(awb(['--workspace', killed.workspace, '--json', 'runs', 'list']).stdout).runs;
    expect(listed).toMatchObject([{ id: runId, status: 'interrupted' }]);
    const checkpoints = path.join(killed.workspace, 'runs', runId, 'sft');
    expect(readdirSync(checkpoints).filter((name) => name.startsWith('checkpoint-'))).toContain('checkpoint-000010');

    const resumed = awb(['--workspace', killed.workspace, '--json', 'runs', 'resume', runId]);
    expect(resumed.status).toBe(0);
    const after = losses(killed.workspace, runId);
    expect(after).toHaveLength(40);
    const worst = Math.max(...after.map((loss, i) => Math.abs(loss - (reference[i] as number))));
    expect(worst).toBeLessThan(1e-6);
    expect(readdirSync(checkpoints).filter((name) => name.startsWith('checkpoint-'))).toEqual([
      'checkpoint-000010',
      'checkpoint-000020',
      'checkpoint-000030',
      'checkpoint-000040',
    ]);
    const catalogue = JSON.parse(readFileSync(path.join(killed.workspace, 'catalogue.json'), 'utf8'));
    expect(catalogue.models.map((m: { name: string }) => m.name)).toEqual(['tiny', 'tiny-sft-sft']);
    expect(existsSync(path.join(killed.workspace, 'models', 'tiny-sft-sft', 'model.safetensors'))).toBe(true);
  }, 120_000);
});
