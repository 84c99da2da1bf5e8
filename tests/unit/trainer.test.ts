import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { tinyConfig } from '../../main/engine/models/config';
import { CausalLM } from '../../main/engine/models/model';
import { AdamW } from '../../main/engine/training/adamw';
import { learningRateAt } from '../../main/engine/training/schedule';
import { NonFiniteError, TRAINER_DEFAULTS, Trainer } from '../../main/engine/training/trainer';

beforeAll(async () => {
  await selectBackend({ forced: 'wasm' });
});

describe('learning-rate schedule', () => {
  it('warms up linearly, then decays (linear, cosine) or stays (constant)', () => {
    const base = { learningRate: 1, warmupSteps: 4, totalSteps: 14 };
    expect([0, 1, 2, 3].map((s) => learningRateAt(s, { ...base, scheduler: 'linear' }))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateAt(9, { ...base, scheduler: 'linear' })).toBeCloseTo(0.5, 12); // halfway through the decay
    expect(learningRateAt(9, { ...base, scheduler: 'cosine' })).toBeCloseTo(0.5, 12); // cos(π/2) = 0
    expect(learningRateAt(6.5, { ...base, scheduler: 'cosine' })).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRateAt(14, { ...base, scheduler: 'linear' })).toBe(0);
    expect(learningRateAt(13, { ...base, scheduler: 'constant' })).toBe(1);
  });
});

describe('AdamW', () => {
  it('matches the hand-computed first step, with and without decoupled weight decay', async () => {
    for (const [weightDecay, expected] of [
      [0, 0.9], // m̂ = g, v̂ = g², so the update is g/|g| = 1: p = 1 − 0.1
      [0.1, 0.89], // p·(1 − lr·wd) − lr·1 = 0.99 − 0.1
    ] as const) {
      const p = tf.variable(tf.scalar(1));
      const optimizer = new AdamW({ p }, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay });
      optimizer.apply({ p: tf.scalar(0.5) }, 0.1);
      expect((await p.data())[0]).toBeCloseTo(expected, 6);
      const state = await optimizer.state();
      expect(state.step).toBe(1);
      expect(state.firstMoments.p?.[0]).toBeCloseTo(0.05, 7);
      expect(state.secondMoments.p?.[0]).toBeCloseTo(0.00025, 9);
      optimizer.dispose();
    }
  });
});

/** Next-token cross-entropy of a tiny model on a fixed batch. */
function lmLoss(model: CausalLM, batch: number[][]) {
  return () => {
    const tokens = tf.tensor2d(batch, [batch.length, (batch[0] as number[]).length], 'int32');
    const inputs = tokens.slice([0, 0], [-1, tokens.shape[1] - 1]);
    const targets = tokens.slice([0, 1], [-1, -1]);
    const logits = model.logits(model.forward({ tokens: inputs as tf.Tensor2D }).hidden);
    const loss = tf.losses.softmaxCrossEntropy(
      tf.oneHot(targets as tf.Tensor2D, model.config.vocabSize),
      logits,
    ) as tf.Scalar;
    return { loss, metrics: { tokens: tf.scalar(targets.size) } };
  };
}

const BATCH = [
  [1, 4, 5, 6, 7, 8, 2],
  [1, 9, 10, 11, 12, 13, 2],
  [1, 4, 5, 6, 12, 13, 2],
  [1, 9, 10, 11, 7, 8, 2],
];

function trainerFor(model: CausalLM, overrides = {}) {
  return new Trainer(model.params, { ...TRAINER_DEFAULTS, learningRate: 1e-2, totalSteps: 40, ...overrides });
}

describe('trainer', () => {
  it('lowers the loss, changes the parameters and leaks no tensors', async () => {
    const model = CausalLM.random(tinyConfig('llama'), 1);
    const before = await model.tensors();
    const trainer = trainerFor(model);
    const losses: number[] = [];
    let tensorsAfterFirst = 0;
    for (let step = 0; step < 30; step++) {
      losses.push((await trainer.trainStep([lmLoss(model, BATCH)])).loss);
      if (step === 0) tensorsAfterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    expect(losses.at(-1) as number).toBeLessThan((losses[0] as number) * 0.5);
    const after = await model.tensors();
    expect(Object.keys(before).filter((name) => after[name]?.some((v, i) => v !== before[name]?.[i]))).toEqual(
      Object.keys(before),
    );
    trainer.dispose();
    model.dispose();
  });

  it('is deterministic: the same seed gives the same losses', async () => {
    const run = async () => {
      const model = CausalLM.random(tinyConfig('gpt2'), 7);
      const trainer = trainerFor(model);
      const losses = [];
      for (let step = 0; step < 5; step++) losses.push((await trainer.trainStep([lmLoss(model, BATCH)])).loss);
      trainer.dispose();
      model.dispose();
      return losses;
    };
    expect(await run()).toEqual(await run());
  });

  it('accumulates micro-batches into the same step as one batch', async () => {
    const oneBatch = CausalLM.random(tinyConfig('llama'), 3);
    const twoHalves = CausalLM.random(tinyConfig('llama'), 3);
    const a = await trainerFor(oneBatch, { maxGradNorm: 0 }).trainStep([lmLoss(oneBatch, BATCH)]);
    const b = await trainerFor(twoHalves, { maxGradNorm: 0 }).trainStep([
      lmLoss(twoHalves, BATCH.slice(0, 2)),
      lmLoss(twoHalves, BATCH.slice(2)),
    ]);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    expect(b.gradNorm).toBeCloseTo(a.gradNorm, 4);
    const [x, y] = [await oneBatch.tensors(), await twoHalves.tensors()];
    const name = 'layers.0.q.weight';
    for (let i = 0; i < 8; i++) expect(y[name]?.[i]).toBeCloseTo(x[name]?.[i] as number, 5);
  });

  it('clips the global gradient norm and reports the norm before clipping', async () => {
    const p = tf.variable(tf.tensor1d([0, 0]));
    const trainer = new Trainer(
      { p },
      {
        ...TRAINER_DEFAULTS,
        learningRate: 1,
        totalSteps: 10,
        scheduler: 'constant',
        maxGradNorm: 1,
        optimizer: { beta1: 0, beta2: 0, epsilon: 0, weightDecay: 0 },
      },
    );
    // loss = 3·p0 + 4·p1 → gradient (3, 4), norm 5; with β = 0 AdamW's update is g/|g| per element.
    const result = await trainer.trainStep([
      () => ({ loss: tf.sum(tf.mul(p, tf.tensor1d([3, 4]))) as tf.Scalar, metrics: {} }),
    ]);
    expect(result.gradNorm).toBeCloseTo(5, 5);
    expect(Array.from(await p.data())).toEqual([-1, -1]);
  });

  it('stops on a NaN loss without touching the weights', async () => {
    const p = tf.variable(tf.scalar(2));
    const trainer = new Trainer({ p }, { ...TRAINER_DEFAULTS, totalSteps: 10 });
    const step = trainer.trainStep([() => ({ loss: tf.mul(p, Number.NaN) as tf.Scalar, metrics: {} })]);
    await expect(step).rejects.toThrow(NonFiniteError);
    await expect(trainer.trainStep([() => ({ loss: tf.log(tf.sub(p, 2)) as tf.Scalar, metrics: {} })])).rejects.toThrow(
      'loss is not finite',
    );
    expect((await p.data())[0]).toBe(2);
  });
});
