/**
 * Constitutional AI through the runner: answer → critique under a seeded principle → revision for each prompt, the
 * whole trail kept, the revisions as an SFT dataset that the next stage trains on; the constitution file's layout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { loadDataset } from '../../main/engine/datasets/store';
import { prepareDemoWorkspace, shippedDemoBase } from '../../main/engine/demo/setup';
import { loadConstitution, type Trail } from '../../main/engine/methods/cai';
import { runFolder, startRun } from '../../main/engine/runs/runner';
import { BUILD_DIR, tempDir } from '../helpers/paths';

const CONSTITUTION = path.resolve(import.meta.dirname, '../../../shared/data/constitution/constitution_anthropic.json');
const workspace = path.join(tempDir('cai'), 'ws');

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
  await prepareDemoWorkspace(workspace, { baseFolder: shippedDemoBase(BUILD_DIR), quick: true });
}, 60_000);

describe('Constitutional AI', () => {
  it('reads the constitution layout of constitution_anthropic.json: critique/revision pairs', async () => {
    const constitution = await loadConstitution(CONSTITUTION);
    expect(constitution.constitutions).toHaveLength(16);
    expect(constitution.constitutions[0]?.critic).toMatch(/young children/);
  });

  it('critiques and revises each answer, keeps the trail, and SFT trains on the revisions', async () => {
    const recipe = {
      name: 'cai',
      base: 'demo-base',
      seed: 2,
      stages: [
        {
          name: 'cai',
          method: 'cai',
          dataset: 'demo-quick-eval-prompts',
          config: { constitution: CONSTITUTION, rounds: 2, max_prompts: 3, response_length: 24 },
        },
        {
          name: 'sft',
          method: 'sft',
          dataset: '@cai',
          config: { max_steps: 2, per_device_train_batch_size: 2, max_length: 160 },
        },
      ],
    };
    const record = await startRun(workspace, recipe, 'test');
    expect(record.status, record.message).toBe('completed');
    const trails = readFileSync(path.join(runFolder(workspace, record.id), 'cai', 'cai-trail.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Trail);
    expect(trails.map((trail) => trail.index)).toEqual([0, 1, 2]);
    for (const trail of trails) {
      expect(trail.rounds).toHaveLength(2);
      for (const round of trail.rounds) {
        expect(round.principle).toBeGreaterThanOrEqual(0);
        expect(round.principle).toBeLessThan(16);
        expect(typeof round.critique).toBe('string');
      }
    }
    const { rows } = await loadDataset(workspace, 'cai-cai');
    expect(rows.map((row) => (row as { completion: string }).completion)).toEqual(
      trails.map((trail) => ` ${(trail.rounds.at(-1)?.revision ?? '').trim()}\n`),
    );
    expect(record.stages[1]).toMatchObject({ status: 'completed', base: 'demo-base', output: 'cai-sft' });
  }, 120_000);
});
