/**
 * PPO steps on a tiny model with the demo's tokenizer: seeded runs are reproducible, the policy's parameters and
 * value head change, no tensor leaks across steps, the first step's KL is exactly 0, LoRA shares the base as the
 * reference, and the KL monitor warns over the recipe's bound.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { createDemoTokenizer } from '../../main/engine/demo/tokenizer';
import type { PreparedMethod } from '../../main/engine/methods/method';
import { preparePpo } from '../../main/engine/methods/ppo';
import { policyOutputs } from '../../main/engine/methods/ppo-rollout';
import { tinyConfig } from '../../main/engine/models/config';
import { addScalarHead } from '../../main/engine/models/heads';
import { CausalLM } from '../../main/engine/models/model';
import { parseTrainingArgs, trainerConfig } from '../../main/engine/runs/training-args';
import { type StepResult, Trainer } from '../../main/engine/training/trainer';

const tokenizer = createDemoTokenizer();
const config = tinyConfig('llama', { vocabSize: tokenizer.vocabSize, maxPositions: 96, hiddenSize: 32, numHeads: 4 });
const ROWS = ['hi!', 'what is 2 plus 2?', 'tell me a joke.', 'good morning.'].map((q) => ({
  prompt: `User: ${q}\nBot:`,
}));

async function setup(options: Record<string, unknown> = {}, lora = false) {
  const policy = CausalLM.random(config, 1);
  const rewardModel = CausalLM.random(config, 2);
  addScalarHead(rewardModel, 'score', 3);
  const args = parseTrainingArgs(
    {
      max_steps: 3,
      learning_rate: 1e-3,
      per_device_train_batch_size: 4,
      max_length: 64,
      ...(lora ? { lora: { r: 4 } } : {}),
    },
    'test',
  );
  const prepared = await preparePpo({
    model: policy,
    tokenizer,
    rows: ROWS,
    args,
    options: { reward_model: 'rm', response_length: 16, num_ppo_epochs: 2, num_mini_batches: 2, ...options },
    seed: 7,
    loadModel: async () => ({ model: rewardModel, tokenizer }),
  });
  return { policy, prepared, trainer: new Trainer(prepared.trainable, trainerConfig(args)) };
}

async function steps(prepared: PreparedMethod, trainer: Trainer, count: number): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (let i = 0; i < count; i++)
    results.push(await (prepared.step as NonNullable<PreparedMethod['step']>)(trainer, [0, 1, 2, 3]));
  return results;
}

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
});

describe('PPO steps', () => {
  it('are reproducible with the same seed, change the policy and the value head, and leak no tensors', async () => {
    const first = await setup();
    const before = await first.policy.tensors();
    const [one] = await steps(first.prepared, first.trainer, 1);
    const tensorsAfterOne = tf.memory().numTensors;
    const [two, three] = await steps(first.prepared, first.trainer, 2);
    expect(tf.memory().numTensors).toBe(tensorsAfterOne);
    expect(first.trainer.step).toBe(3);
    const after = await first.policy.tensors();
    expect(after['layers.0.q.weight']).not.toEqual(before['layers.0.q.weight']);
    expect(after['value.weight']).not.toEqual(before['value.weight']);
    expect(one?.metrics['objective/kl']).toBe(0); // the policy is the reference before any update
    for (const key of ['objective/scores', 'policy/clipfrac_avg', 'loss/value_avg', 'val/ratio', 'objective/entropy'])
      expect(Number.isFinite(three?.metrics[key])).toBe(true);

    const again = await setup();
    const repeated = await steps(again.prepared, again.trainer, 3);
    expect(repeated.map((r) => r.loss)).toEqual([one, two, three].map((r) => r?.loss));
    expect(repeated.map((r) => r.metrics['objective/scores'])).toEqual(
      [one, two, three].map((r) => r?.metrics['objective/scores']),
    );
    first.prepared.dispose();
    again.prepared.dispose();
  }, 120_000);

  it('with LoRA, trains only the adapters and the value head; the reference is the base with adapters off', async () => {
    const { prepared, trainer, policy } = await setup({}, true);
    expect(Object.keys(prepared.trainable).every((name) => /lora_[ab]$|^value\./.test(name))).toBe(true);
    const base = await policy.tensors();
    const [first, second] = await steps(prepared, trainer, 2);
    expect(first?.metrics['objective/kl']).toBe(0);
    expect(second?.metrics['objective/kl']).not.toBe(0);
    expect((await policy.tensors())['layers.0.q.weight']).toEqual(base['layers.0.q.weight']);
    prepared.dispose();
  }, 120_000);

  it("starts the value head from the reward model's score head, and the value loss does not reach the trunk", async () => {
    const { prepared, policy } = await setup();
    const scoreHead = CausalLM.random(config, 2);
    addScalarHead(scoreHead, 'score', 3);
    expect(Array.from((await policy.params['value.weight']?.data()) ?? [])).toEqual(
      Array.from((await scoreHead.params['score.weight']?.data()) ?? []),
    );
    const tokens = tf.tensor2d([[1, 5, 9, 12, 2]], [1, 5], 'int32');
    const trunk = policy.params['layers.0.q.weight'] as tf.Variable;
    const valueHead = policy.params['value.weight'] as tf.Variable;
    const { grads } = tf.variableGrads(() => {
      const { values } = policyOutputs(policy, tokens, { values: true });
      return tf.sum(tf.square(values as tf.Tensor)) as tf.Scalar;
    }, [trunk, valueHead]);
    expect(tf.max(tf.abs(grads[trunk.name] as tf.Tensor)).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(grads[valueHead.name] as tf.Tensor)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([tokens, ...Object.values(grads)]);
    scoreHead.dispose();
    prepared.dispose();
  }, 60_000);

  it('warns when objective/kl goes over max_kl', async () => {
    const { prepared, trainer } = await setup({ max_kl: 1e-9 });
    const results = await steps(prepared, trainer, 2);
    // A random policy rarely ends with EOS: that monitor fires on every step; the KL one only once the policy moved.
    expect(results[0]?.warnings?.some((w) => w.includes('over max_kl'))).toBe(false);
    expect(results[0]?.warnings?.some((w) => w.includes('without EOS'))).toBe(true);
    expect(results[1]?.warnings?.some((w) => w.includes('over max_kl'))).toBe(true);
    prepared.dispose();
  }, 120_000);
});
