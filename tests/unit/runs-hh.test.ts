/** Reward-model and DPO runs on real preference data (200 hh-rlhf pairs) with the real stories260K model. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { Catalogue } from '../../main/engine/catalogue/catalogue';
import { importDataset } from '../../main/engine/datasets/store';
import { importModel } from '../../main/engine/models/store';
import { MetricsLog } from '../../main/engine/runs/metrics-log';
import { runFolder, startRun } from '../../main/engine/runs/runner';
import { SHARED_DATA, STORIES260K, STORIES260K_TOKENIZER } from '../helpers/data';
import { tempDir } from '../helpers/paths';

const workspace = tempDir('runs-hh');
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
  await importModel(workspace, STORIES260K, { tokenizer: STORIES260K_TOKENIZER });
  const file = path.join(SHARED_DATA, 'preference', 'hh-rlhf', 'helpful-base-test-200.jsonl');
  const { record } = await importDataset(workspace, file, { kind: 'preference', name: 'hh200' });
  expect(record?.rows).toBe(200);
}, 60_000);

async function trainAndReadLosses(method: 'reward' | 'dpo', config: Record<string, number>) {
  const recipe = {
    name: `hh-${method}`,
    base: 'stories260K',
    seed: 1,
    stages: [{ method, dataset: 'hh200', config: { max_steps: 20, max_length: 128, save_steps: 10, ...config } }],
  };
  const record = await startRun(workspace, recipe, 'recipe.json');
  const lines = await new MetricsLog(path.join(runFolder(workspace, record.id), 'metrics.jsonl')).read();
  return { record, losses: lines.map((line) => line.loss as number) };
}

describe('20 steps on 200 hh-rlhf pairs with stories260K', () => {
  it('trains a reward model with a falling loss', async () => {
    const { record, losses } = await trainAndReadLosses('reward', {
      per_device_train_batch_size: 8,
      learning_rate: 1e-3,
    });
    expect(record.status).toBe('completed');
    expect(losses).toHaveLength(20);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.1);
  }, 180_000);

  it('trains DPO with a falling loss, from ln 2 at the first step, and records the lineage', async () => {
    const { record, losses } = await trainAndReadLosses('dpo', { per_device_train_batch_size: 4, learning_rate: 1e-4 });
    expect(losses[0]).toBeCloseTo(Math.log(2), 5); // policy = reference at step 1
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    const output = (await Catalogue.peek(workspace)).models.find((model) => model.name === record.stages[0]?.output);
    expect(output).toMatchObject({ parent: 'stories260K', source: `run:${record.id}/dpo` });
  }, 180_000);
});
