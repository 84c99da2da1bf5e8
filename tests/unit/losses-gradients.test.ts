/**
 * Gradients of the SFT, reward-model and DPO losses against central finite differences (see FD_STEP in
 * ./losses-helpers for the step and tolerance), the reference log-probs as constants, and the ±1e4 extremes; on cpu and
 * on wasm, whose gather gradient runs on the UnsortedSegmentSum kernel from wasm-kernels.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { DPO_DEFAULTS, DPO_LOSSES, type DpoConfig } from '../../main/engine/methods/dpo';
import { type LogProbReduction, sequenceLogProbs } from '../../main/engine/methods/logprobs';
import { rewardLoss } from '../../main/engine/methods/reward';
import { sftLoss } from '../../main/engine/methods/sft';
import { dpoLossOf, expectAllFinite, expectGradientsMatchFiniteDifferences, spread, values } from './losses-helpers';

const [BATCH, LENGTH, VOCAB] = [2, 3, 5];

const logitsFrom = (seed: number, scale = 2) =>
  tf.tensor3d(spread(BATCH * LENGTH * VOCAB, seed, scale), [BATCH, LENGTH, VOCAB]);
const labels = () =>
  tf.tensor2d(
    [
      [4, 0, 2],
      [1, 3, 3],
    ],
    undefined,
    'int32',
  );
// row 0: a prompt token, then the completion; row 1: the completion, then padding
const mask = () =>
  tf.tensor2d([
    [0, 1, 1],
    [1, 1, 0],
  ]);

// Pair log-probs: h = (π_c − ref_c) − (π_r − ref_r) = [1, 7, 12], so z = βh = [0.1, 0.7, 1.2] at β = 0.1: two pairs
// inside the hinge's active region and one past its kink at z = 1, all at least 0.2 (h: 2) from it.
const pairLogps = () => [
  tf.tensor1d([-8, -4, -6]), // policy chosen
  tf.tensor1d([-9, -10, -20]), // policy rejected
  tf.tensor1d([-8, -7, -6]), // reference chosen
  tf.tensor1d([-8, -6, -8]), // reference rejected
];

const DPO_CASES: Array<[string, DpoConfig]> = [
  ['sigmoid', DPO_DEFAULTS],
  ['sigmoid with label smoothing 0.2', { ...DPO_DEFAULTS, labelSmoothing: 0.2 }],
  ['ipo', { ...DPO_DEFAULTS, lossType: 'ipo' }],
  ['hinge', { ...DPO_DEFAULTS, lossType: 'hinge' }],
];

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ forced: backend });
  });

  it.each<LogProbReduction>(['sum', 'mean'])(
    'sequenceLogProbs (%s) has the finite-difference gradient',
    async (reduction) => {
      const weights = tf.tensor1d([0.7, -1.3]); // a generic linear function of the [B] output
      const f = (logits: tf.Tensor) =>
        tf.sum(tf.mul(weights, sequenceLogProbs(logits as tf.Tensor3D, labels(), mask(), reduction))) as tf.Scalar;
      await expectGradientsMatchFiniteDifferences(f, [logitsFrom(1)], [0]);
    },
  );

  it('sftLoss has the finite-difference gradient', async () => {
    const f = (logits: tf.Tensor) => sftLoss(logits as tf.Tensor3D, labels(), mask()).loss;
    await expectGradientsMatchFiniteDifferences(f, [logitsFrom(2)], [0]);
  });

  it.each([0, 0.1])('rewardLoss (centering %s) has the finite-difference gradient', async (coefficient) => {
    const f = (chosen: tf.Tensor, rejected: tf.Tensor) =>
      rewardLoss(chosen as tf.Tensor1D, rejected as tf.Tensor1D, { centerRewardsCoefficient: coefficient }).loss;
    const rewards = [tf.tensor1d(spread(4, 3)), tf.tensor1d(spread(4, 4))];
    await expectGradientsMatchFiniteDifferences(f, rewards, [0, 1]);
  });

  it.each(DPO_CASES)('dpoLoss %s has the finite-difference gradient in the policy log-probs', async (_, config) => {
    await expectGradientsMatchFiniteDifferences(dpoLossOf(config), pairLogps(), [0, 1]);
  });

  it.each(DPO_CASES)('dpoLoss %s gives the reference log-probs no gradient', async (_, config) => {
    const gradients = tf.grads(dpoLossOf(config))(pairLogps());
    expect(await values(gradients[2] as tf.Tensor)).toEqual([0, 0, 0]);
    expect(await values(gradients[3] as tf.Tensor)).toEqual([0, 0, 0]);
    expect((await values(gradients[0] as tf.Tensor)).some((g) => g !== 0)).toBe(true);
  });

  it.each(DPO_CASES)(
    'logits → sequence log-probs → dpoLoss %s has the finite-difference gradient',
    async (_, config) => {
      const reduction = DPO_LOSSES[config.lossType].logProbReduction;
      const reference = [tf.tensor1d([-6, -5]), tf.tensor1d([-5.5, -7])]; // precomputed: plain data
      const f = (chosenLogits: tf.Tensor, rejectedLogits: tf.Tensor) => {
        const chosen = sequenceLogProbs(chosenLogits as tf.Tensor3D, labels(), mask(), reduction);
        const rejected = sequenceLogProbs(rejectedLogits as tf.Tensor3D, labels(), mask(), reduction);
        return dpoLossOf({ ...config, beta: 0.5 })(chosen, rejected, ...reference);
      };
      await expectGradientsMatchFiniteDifferences(f, [logitsFrom(5), logitsFrom(6)], [0, 1]);
    },
  );

  it('keeps losses and gradients finite for logits, rewards and log-probs of ±1e4', async () => {
    // each position mixes ±1e4 with 0, and half the labels sit on a −1e4 logit: log p ≈ −2e4
    const logits = tf.tensor3d(
      spread(BATCH * LENGTH * VOCAB, 7).map((v) => Math.sign(Math.round(v)) * 1e4),
      [BATCH, LENGTH, VOCAB],
    );
    const sft = tf.valueAndGrad((x: tf.Tensor) => sftLoss(x as tf.Tensor3D, labels(), mask()).loss)(logits);
    await expectAllFinite([sft.value, sft.grad]);
    const huge = [tf.tensor1d([1e4, -1e4]), tf.tensor1d([-1e4, 1e4])];
    const reward = tf.valueAndGrads(
      (c: tf.Tensor, r: tf.Tensor) =>
        rewardLoss(c as tf.Tensor1D, r as tf.Tensor1D, { centerRewardsCoefficient: 0.01 }).loss,
    )(huge);
    await expectAllFinite([reward.value, ...reward.grads]);
    const farLogps = [tf.tensor1d([-1e4, -1]), tf.tensor1d([-1, -1e4]), tf.tensor1d([-1, -1]), tf.tensor1d([-1, -1])];
    for (const [, config] of DPO_CASES) {
      const dpo = tf.valueAndGrads(dpoLossOf(config))(farLogps);
      await expectAllFinite([dpo.value, ...dpo.grads]);
    }
  });
});
