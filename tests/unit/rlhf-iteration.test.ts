/**
 * The RLHF iteration loop through the contract: each rlhf.iterate queues one run (new pairs from a judge on the newest
 * policy → the reward model retrained on old + new pairs → PPO from the newest policy), and rlhf.history tracks each
 * iteration's reward-model accuracy and policy score.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareDemoWorkspace, shippedDemoBase } from '../../main/engine/demo/setup';
import { Engine, type EngineVerb } from '../../main/engine/engine';
import { parseResponse, type VerbResponse } from '../../preload/contract';
import { BUILD_DIR, tempDir } from '../helpers/paths';

const workspace = path.join(tempDir('rlhf-loop'), 'ws');
let engine: Engine;

async function call<V extends EngineVerb>(verb: V, payload: unknown): Promise<VerbResponse<V>> {
  return parseResponse(verb, await engine.handle(verb, payload));
}

const SMALL = { per_device_train_batch_size: 4, max_length: 160, logging_steps: 1, save_steps: 100 };

function iteration(name: string, policy: string, preferences: string[]) {
  return {
    name,
    policy,
    rewardBase: 'demo-base',
    prompts: 'demo-quick-eval-prompts',
    preferences,
    judge: { type: 'rule', rule: 'demo-oracle' },
    labelling: { max_prompts: 8, response_length: 24 },
    reward: { ...SMALL, max_steps: 3, eval_dataset: 'demo-quick-rm-heldout' },
    ppo: { ...SMALL, max_steps: 2, response_length: 16, num_ppo_epochs: 1 },
  };
}

beforeAll(async () => {
  engine = await Engine.start({ workspace, forcedBackend: 'wasm', demoBaseFolder: shippedDemoBase(BUILD_DIR) });
  await prepareDemoWorkspace(workspace, { baseFolder: shippedDemoBase(BUILD_DIR), quick: true });
}, 60_000);

describe('rlhf.iterate', () => {
  it('refuses an iteration without new pairs', async () => {
    const { judge: _judge, ...withoutPairs } = iteration('rlhf-0', 'demo-base', []);
    await expect(call('rlhf.iterate', { iteration: withoutPairs })).rejects.toThrow(/needs new pairs/);
  });

  it('runs two iterations, the second from the first one’s policy and on its pairs too, and tracks both', async () => {
    const first = await call('rlhf.iterate', {
      iteration: iteration('rlhf-1', 'demo-base', ['demo-quick-preference']),
    });
    expect(first.stages.map((stage) => stage.method)).toEqual(['rlaif', 'reward', 'ppo']);
    await engine.queue.idle();
    // The judged pairs stay inspectable, the ones under the threshold too.
    const labelled = await call('runs.dataStage', { runId: first.id, stage: 'label' });
    expect(labelled).toMatchObject({ method: 'rlaif', threshold: 0.7 });
    expect(labelled.labels).toHaveLength(8);
    expect(labelled.labels.filter((label) => label.kept).every((label) => label.confidence >= 0.7)).toBe(true);
    await expect(call('runs.dataStage', { runId: first.id, stage: 'ppo' })).rejects.toThrow(/no RLAIF or CAI stage/);
    const second = await call('rlhf.iterate', {
      iteration: iteration('rlhf-2', 'rlhf-1-ppo', ['demo-quick-preference', 'rlhf-1-label']),
    });
    await engine.queue.idle();
    const done = (await call('runs.show', { runId: second.id })).run;
    expect(done.status).toBe('completed');
    expect(done.stages.find((stage) => stage.name === 'ppo')).toMatchObject({
      base: 'rlhf-1-ppo',
      output: 'rlhf-2-ppo',
    });
    const { iterations } = await call('rlhf.history', {});
    expect(iterations.map((it) => [it.name, it.status, it.policy])).toEqual([
      ['rlhf-1', 'completed', 'rlhf-1-ppo'],
      ['rlhf-2', 'completed', 'rlhf-2-ppo'],
    ]);
    for (const it of iterations) {
      expect(it.rewardAccuracy).toBeGreaterThanOrEqual(0);
      expect(it.rewardAccuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(it.policyScore)).toBe(true);
    }
  }, 240_000);
});
