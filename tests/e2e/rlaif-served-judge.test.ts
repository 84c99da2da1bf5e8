/**
 * RLAIF whose judge is another checkpoint, served by `awb serve` over the OpenAI-compatible endpoint on loopback: a
 * small judge is fine-tuned to answer with a letter, the server serves it, and an RLAIF stage in this process asks it
 * about every pair (both orders) and builds the preference dataset from its verdicts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { importDataset, loadDataset } from '../../main/engine/datasets/store';
import { questionOf } from '../../main/engine/demo/chat-format';
import { prepareDemoWorkspace, shippedDemoBase } from '../../main/engine/demo/setup';
import { judgePrompt } from '../../main/engine/judges/prompted-judge';
import type { Label } from '../../main/engine/methods/rlaif';
import { runFolder, startRun } from '../../main/engine/runs/runner';
import { type ServeProcess, startServe } from '../helpers/cli';
import { BUILD_DIR, requireBuild, tempDir } from '../helpers/paths';

const root = tempDir('served-judge');
const workspace = path.join(root, 'ws');
let server: ServeProcess;

/** Judge rows in the chat format the server renders: the judge prompt, then the letter of the oracle's choice. */
async function judgeDataset(): Promise<void> {
  const { rows } = await loadDataset(workspace, 'demo-quick-preference');
  const lines = (rows as Array<{ prompt: string; chosen: string; rejected: string }>).flatMap((row, i) => {
    const question = questionOf(row.prompt);
    const [first, second, letter] = i % 2 === 0 ? [row.chosen, row.rejected, 'A'] : [row.rejected, row.chosen, 'B'];
    return [{ prompt: `User: ${judgePrompt(question, first, second)}\nBot:`, completion: ` ${letter}\n` }];
  });
  const file = path.join(root, 'judge.jsonl');
  writeFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  await importDataset(workspace, file, { name: 'judge-sft', kind: 'sft' });
}

beforeAll(async () => {
  requireBuild();
  await selectBackend({ forced: 'wasm' });
  await prepareDemoWorkspace(workspace, { baseFolder: shippedDemoBase(BUILD_DIR), quick: true });
  await judgeDataset();
  const config = {
    max_steps: 40,
    learning_rate: 1e-3,
    per_device_train_batch_size: 8,
    max_length: 224,
    save_steps: 40,
  };
  const judge = await startRun(
    workspace,
    {
      name: 'judge',
      base: 'demo-base',
      seed: 5,
      stages: [{ name: 'sft', method: 'sft', dataset: 'judge-sft', config }],
    },
    'test',
  );
  expect(judge.status).toBe('completed');
  server = await startServe(['--workspace', workspace]);
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

describe('an RLAIF stage judged by a served checkpoint', () => {
  it('asks judge-sft at /v1/chat/completions about each pair and keeps the verdicts at or above the threshold', async () => {
    const recipe = {
      name: 'served-rlaif',
      base: 'demo-base',
      seed: 6,
      stages: [
        {
          name: 'rlaif',
          method: 'rlaif',
          dataset: 'demo-quick-eval-prompts',
          config: {
            judge: { type: 'openai', url: server.url, model: 'judge-sft', retries: 2, backoff_ms: 50 },
            threshold: 0.5,
            max_prompts: 6,
            response_length: 32,
          },
        },
      ],
    };
    const record = await startRun(workspace, recipe, 'test');
    expect(record.status, record.message).toBe('completed');
    const labels = readFileSync(path.join(runFolder(workspace, record.id), 'rlaif', 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Label);
    expect(labels).toHaveLength(6);
    for (const label of labels) {
      // The verdicts came from the served judge: both orders' replies are in the rationale, each with a letter.
      expect(label.rationale).toMatch(/^A→B: .*[AB].* \| B→A: .*[AB]/s);
      expect([0.5, 1]).toContain(label.confidence);
    }
    const kept = labels.filter((label) => label.kept).length;
    expect((await loadDataset(workspace, 'served-rlaif-rlaif')).rows).toHaveLength(kept);
  }, 180_000);
});
