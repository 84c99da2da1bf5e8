/** PPO's arithmetic against hand-computed values, and its losses' gradients against finite differences. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { ppoPolicyLoss, ppoValueLoss } from '../../main/engine/methods/ppo-losses';
import {
  AdaptiveKlController,
  generalizedAdvantages,
  KL_ESTIMATORS,
  tokenRewards,
  whiten,
} from '../../main/engine/methods/ppo-math';
import { expectGradientsMatchFiniteDifferences, expectNoLeak, scalarOf } from './losses-helpers';

function close(actual: number[][], expected: number[][]): void {
  expect(actual.map((row) => row.length)).toEqual(expected.map((row) => row.length));
  for (const [i, row] of actual.entries()) {
    for (const [t, x] of row.entries()) expect(x).toBeCloseTo(expected[i]?.[t] as number, 5);
  }
}

describe('rollout arithmetic', () => {
  it('GAE and returns, by hand: γ = 1, λ = 0.95 over a full response', () => {
    // t=2: δ = 1 − 0.4 = 0.6; t=1: δ = 0.4 − 0.2 = 0.2, A = 0.2 + 0.95·0.6 = 0.77;
    // t=0: δ = 0.2 − 0.5 = −0.3, A = −0.3 + 0.95·0.77 = 0.4315. Returns = A + V.
    const { advantages, returns } = generalizedAdvantages([[0, 0, 1]], [[0.5, 0.2, 0.4]], [[1, 1, 1]], 1, 0.95);
    close(advantages, [[0.4315, 0.77, 0.6]]);
    close(returns, [[0.9315, 0.97, 1.0]]);
  });

  it('GAE stops at the response end: padding neither adds reward nor bootstraps a value', () => {
    // t=1 is the last token: δ = 2 + 0.9·0 − 0.5 = 1.5; t=0: δ = 0.5 + 0.9·0.5 − 1 = −0.05, A = −0.05 + 0.45·1.5.
    const { advantages, returns } = generalizedAdvantages([[0.5, 2, 7]], [[1, 0.5, 9]], [[1, 1, 0]], 0.9, 0.5);
    close(advantages, [[0.625, 1.5, 0]]);
    close(returns, [[1.625, 2.0, 0]]);
  });

  it('per-token rewards: −kl_coef·KL on each token, the score added on the last one', () => {
    const { rewards, kl, nonScore } = tokenRewards(
      [
        [-1, -2, -0.5],
        [-1, -1, -3],
      ],
      [
        [-1.5, -1, -0.5],
        [-2, -1, -1],
      ],
      [
        [1, 1, 1],
        [1, 1, 0],
      ],
      [2, -1],
      0.1,
    );
    close(kl, [
      [0.5, -1, 0],
      [1, 0, 0],
    ]);
    close(nonScore, [
      [-0.05, 0.1, 0],
      [-0.1, 0, 0],
    ]);
    close(rewards, [
      [-0.05, 0.1, 2],
      [-0.1, -1, 0],
    ]);
  });

  it('the KL estimators: k1 = log π − log ref, k2 = ½(·)², k3 = (r − 1) − log r with r = ref/π', () => {
    expect(KL_ESTIMATORS.k1(-1, -2)).toBeCloseTo(1, 10);
    expect(KL_ESTIMATORS.k2(-1, -2)).toBeCloseTo(0.5, 10);
    expect(KL_ESTIMATORS.k3(-1, -2)).toBeCloseTo(Math.exp(-1), 10); // log r = −1: (e⁻¹ − 1) + 1
    expect(KL_ESTIMATORS.k3(-2, -1)).toBeCloseTo(Math.E - 2, 10); // log r = 1: (e − 1) − 1
    expect(KL_ESTIMATORS.k3(-1.3, -1.3)).toBe(0);
  });

  it('whitens over the masked entries only, with the unbiased variance', () => {
    // Masked values 1, 2, 3, 4: mean 2.5, unbiased variance 5/3.
    const whitened = whiten(
      [
        [1, 2, 3],
        [4, 100, -100],
      ],
      [
        [1, 1, 1],
        [1, 0, 0],
      ],
    );
    const std = Math.sqrt(5 / 3 + 1e-8);
    close(whitened, [
      [-1.5 / std, -0.5 / std, 0.5 / std],
      [1.5 / std, 0, 0],
    ]);
  });

  it('the adaptive KL controller moves the coefficient toward the target by at most 20% of the error', () => {
    const controller = new AdaptiveKlController(0.1, 6, 10_000);
    // KL 12 is twice the target: the error is clipped to +0.2, times 512 samples / 10,000.
    expect(controller.update(12, 512)).toBeCloseTo(0.1 * (1 + (0.2 * 512) / 10_000), 12);
    const before = controller.value;
    // KL 5.4 is 10% under the target: −0.1 · 512 / 10,000.
    expect(controller.update(5.4, 512)).toBeCloseTo(before * (1 - (0.1 * 512) / 10_000), 12);
  });
});

describe('the clipped losses', () => {
  beforeAll(async () => {
    await selectBackend({ forced: 'cpu' });
  });

  it('policy loss by hand: clipped when the ratio leaves [1 − ε, 1 + ε] in the advantage’s favour', async () => {
    // Token 1: ρ = e^0.5, A = 1 → max(−1.6487, −1.2) = −1.2 (clipped). Token 2: ρ = e^−0.5, A = −2 →
    // max(1.2131, 1.6) = 1.6 (clipped). Token 3: ρ = e^−0.5, A = 1 → max(−0.6065, −0.8) = −0.6065 (not clipped).
    // Token 4 is padding.
    const t = (row: number[]) => tf.tensor2d([row]);
    const output = ppoPolicyLoss(t([-1, -1, -2, 50]), t([-1.5, -0.5, -1.5, 0]), t([1, -2, 1, 9]), t([1, 1, 1, 0]), 0.2);
    expect(await scalarOf(output.loss)).toBeCloseTo((-1.2 + 1.6 - Math.exp(-0.5)) / 3, 5);
    expect(await scalarOf(output.clipfrac)).toBeCloseTo(2 / 3, 6);
    expect(await scalarOf(output.approxKl)).toBeCloseTo(0.125, 6);
    expect(await scalarOf(output.ratio)).toBeCloseTo((Math.exp(0.5) + 2 * Math.exp(-0.5)) / 3, 5);
  });

  it('value loss by hand: the clipped error counts when it is the larger', async () => {
    // Token 1: V moves 0.5 from 0.5, clipped to 0.7: max((1−2)², (0.7−2)²) = 1.69 (clipped).
    // Token 2: V moves −0.1, inside the range: both errors are 1.
    const t = (row: number[]) => tf.tensor2d([row]);
    const output = ppoValueLoss(t([1, 0]), t([0.5, 0.1]), t([2, -1]), t([1, 1]), 0.2);
    expect(await scalarOf(output.loss)).toBeCloseTo(0.5 * ((1.69 + 1) / 2), 6);
    expect(await scalarOf(output.clipfrac)).toBeCloseTo(0.5, 6);
  });

  it('gradients match finite differences (inputs away from the clip boundaries)', async () => {
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const old = tf.tensor2d([[-1.2, -0.7, -2.0, -1.0]]);
    const advantages = tf.tensor2d([[0.8, -1.3, 0.5, 2.0]]);
    // Ratios e^{0.05}, e^{−0.4}, e^{0.3}: one inside the range, one clipped each way.
    const logProbs = tf.tensor2d([[-1.15, -1.1, -1.7, -0.5]]);
    await expectGradientsMatchFiniteDifferences(
      (lp) => ppoPolicyLoss(lp as tf.Tensor2D, old, advantages, mask, 0.2).loss,
      [logProbs],
      [0],
    );
    const oldValues = tf.tensor2d([[0.3, -0.2, 1.0, 0]]);
    const returns = tf.tensor2d([[1.5, -0.4, 0.2, 3]]);
    const values = tf.tensor2d([[0.4, -0.9, 1.5, 7]]); // moves 0.1 (inside), −0.7 and 0.5 (clipped)
    await expectGradientsMatchFiniteDifferences(
      (v) => ppoValueLoss(v as tf.Tensor2D, oldValues, returns, mask, 0.2).loss,
      [values],
      [0],
    );
  });

  it('keeps no tensors beyond its outputs', () => {
    const t = (row: number[]) => tf.tensor2d([row]);
    const inputs = [t([-1, -2]), t([-1.1, -1.9]), t([1, -1]), t([1, 1])] as const;
    expectNoLeak(() => ({ ...ppoPolicyLoss(...inputs, 0.2) }));
    expectNoLeak(() => ({ ...ppoValueLoss(...inputs, 0.2) }));
  });
});
