/** Hand-computed values, masking, validation and tensor hygiene of the SFT, reward-model and DPO losses. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { DPO_DEFAULTS, DPO_LOSSES, DPO_METRICS, type DpoConfig, dpoLoss } from '../../main/engine/methods/dpo';
import { nextTokenBatch, sequenceLogProbs, tokenLogProbs } from '../../main/engine/methods/logprobs';
import { REWARD_METRICS, rewardLoss } from '../../main/engine/methods/reward';
import { SFT_METRICS, sftLoss } from '../../main/engine/methods/sft';
import { dpoLossOf, expectNoLeak, LN2, LN3, LN4, scalarOf, values } from './losses-helpers';

beforeAll(async () => {
  await selectBackend({ forced: 'cpu' });
});

// Two rows of two positions over a 2-token vocabulary. softmax([0, ln 3]) = [1/4, 3/4], softmax([ln 3, 0]) = [3/4, 1/4].
// The last position of row 1 is padding (mask 0).
const sftLogits = () =>
  tf.tensor3d([
    [
      [0, LN3],
      [LN3, 0],
    ],
    [
      [LN3, 0],
      [LN3, 0],
    ],
  ]);
const sftLabels = () =>
  tf.tensor2d(
    [
      [1, 1],
      [0, 0],
    ],
    undefined,
    'int32',
  );
const sftMask = () =>
  tf.tensor2d([
    [1, 1],
    [1, 0],
  ]);

// The same batch with absurd logits and another label at the padded position (row 1, position 1).
const paddedLogits = () =>
  tf.tensor3d([
    [
      [0, LN3],
      [LN3, 0],
    ],
    [
      [LN3, 0],
      [1e4, -1e4],
    ],
  ]);
const paddedLabels = () =>
  tf.tensor2d(
    [
      [1, 1],
      [0, 1],
    ],
    undefined,
    'int32',
  );

describe('log-probs', () => {
  it('gathers log-softmax at the labels: logits [0, ln 3] → log(1/4), log(3/4)', async () => {
    const logits = tf.tensor3d([[[0, LN3]]]);
    expect(await values(tokenLogProbs(logits, tf.tensor2d([[0]], undefined, 'int32')))).toEqual([
      expect.closeTo(Math.log(1 / 4), 6),
    ]);
    expect(await values(tokenLogProbs(logits, tf.tensor2d([[1]], undefined, 'int32')))).toEqual([
      expect.closeTo(Math.log(3 / 4), 6),
    ]);
  });

  it('sums (or averages) the masked tokens of each row', async () => {
    // row 0: log(3/4) + log(1/4) = log(3/16) over 2 tokens; row 1: log(3/4) alone (its second token is padding)
    const sums = await values(sequenceLogProbs(sftLogits(), sftLabels(), sftMask()));
    expect(sums).toEqual([expect.closeTo(Math.log(3 / 16), 6), expect.closeTo(Math.log(3 / 4), 6)]);
    const means = await values(sequenceLogProbs(sftLogits(), sftLabels(), sftMask(), 'mean'));
    expect(means).toEqual([expect.closeTo(Math.log(3 / 16) / 2, 6), expect.closeTo(Math.log(3 / 4), 6)]);
  });

  it('gives 0 for a row with no completion token, in both reductions', async () => {
    const noTokens = tf.zeros([2, 2]) as tf.Tensor2D;
    expect(await values(sequenceLogProbs(sftLogits(), sftLabels(), noTokens))).toEqual([0, 0]);
    expect(await values(sequenceLogProbs(sftLogits(), sftLabels(), noTokens, 'mean'))).toEqual([0, 0]);
  });

  it('shifts token ids so that logits at t are scored against the token at t + 1', async () => {
    const tokens = tf.tensor2d([[5, 6, 7, 8]], undefined, 'int32');
    const completion = tf.tensor2d([[0, 0, 1, 1]]); // prompt 5 6, completion 7 8
    const batch = nextTokenBatch(tokens, completion);
    expect(await values(batch.inputs)).toEqual([5, 6, 7]);
    expect(await values(batch.labels)).toEqual([6, 7, 8]);
    expect(await values(batch.mask)).toEqual([0, 1, 1]); // predicting 6 is prompt; 7 and 8 are completion
    expect(batch.labels.dtype).toBe('int32');
    expect(() => nextTokenBatch(tf.tensor2d([[5]], undefined, 'int32'), tf.tensor2d([[1]]))).toThrow(/at least 2/);
  });

  it('rejects float labels and mismatched shapes with the shapes in the message', () => {
    expect(() => tokenLogProbs(sftLogits(), tf.tensor2d([[1, 1]]))).toThrow(/int32/);
    expect(() => tokenLogProbs(sftLogits(), tf.tensor2d([[1, 1]], undefined, 'int32'))).toThrow(/\[2,2\]/);
    expect(() => sequenceLogProbs(sftLogits(), sftLabels(), tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/mask/);
  });
});

describe('sftLoss', () => {
  it('averages the NLL over all completion tokens of the batch, not over rows', async () => {
    const output = sftLoss(sftLogits(), sftLabels(), sftMask());
    // NLLs: −log(3/4) = ln(4/3), −log(1/4) = ln 4, ln(4/3); padding skipped. Mean over 3 tokens = ln(64/9)/3
    // (a mean of row means would be ((ln(4/3) + ln 4)/2 + ln(4/3))/2 instead).
    expect(await scalarOf(output.loss)).toBeCloseTo(Math.log(64 / 9) / 3, 6);
    // argmax: 1 ✓ (label 1), 0 ✗ (label 1), 0 ✓ (label 0)
    expect(await scalarOf(output.meanTokenAccuracy)).toBeCloseTo(2 / 3, 6);
    // every position is a permutation of (1/4, 3/4): H = −(1/4·ln(1/4) + 3/4·ln(3/4)) = ln 4 − (3/4)·ln 3
    expect(await scalarOf(output.entropy)).toBeCloseTo(LN4 - 0.75 * LN3, 6);
    expect(await scalarOf(output.numTokens)).toBe(3);
  });

  it('gives ln V for uniform logits and a loss of 0 when no token is masked in', async () => {
    const uniform = tf.zeros([1, 3, 4]) as tf.Tensor3D;
    const labels = tf.tensor2d([[0, 1, 3]], undefined, 'int32');
    const output = sftLoss(uniform, labels, tf.ones([1, 3]) as tf.Tensor2D);
    expect(await scalarOf(output.loss)).toBeCloseTo(LN4, 6);
    expect(await scalarOf(output.entropy)).toBeCloseTo(LN4, 6);
    expect(await scalarOf(sftLoss(uniform, labels, tf.zeros([1, 3]) as tf.Tensor2D).loss)).toBe(0);
  });

  it.each<[string, (logits: tf.Tensor3D, labels: tf.Tensor2D) => tf.Scalar]>([
    ['sftLoss', (logits, labels) => sftLoss(logits, labels, sftMask()).loss],
    ['Σ sequenceLogProbs (sum)', (logits, labels) => tf.sum(sequenceLogProbs(logits, labels, sftMask()))],
    ['Σ sequenceLogProbs (mean)', (logits, labels) => tf.sum(sequenceLogProbs(logits, labels, sftMask(), 'mean'))],
  ])(
    '%s ignores padded tokens: a masked-out logit or label changes neither its value nor its gradient',
    async (_, f) => {
      const valueAndGradient = (logits: tf.Tensor3D, labels: tf.Tensor2D) =>
        tf.valueAndGrad((x: tf.Tensor) => f(x as tf.Tensor3D, labels))(logits);
      const clean = valueAndGradient(sftLogits(), sftLabels());
      const noisy = valueAndGradient(paddedLogits(), paddedLabels());
      expect(await scalarOf(noisy.value)).toBe(await scalarOf(clean.value));
      expect(await values(noisy.grad)).toEqual(await values(clean.grad));
      expect((await values(clean.grad)).slice(6)).toEqual([0, 0]); // the padded position gets no gradient
    },
  );
});

describe('rewardLoss', () => {
  // margins ±ln 3: −log σ(ln 3) = −log(3/4) = ln(4/3), −log σ(−ln 3) = −log(1/4) = ln 4
  const chosen = () => tf.tensor1d([LN3, 0]);
  const rejected = () => tf.tensor1d([0, LN3]);

  it('is the mean Bradley–Terry loss, with accuracy, margin and mean reward', async () => {
    const output = rewardLoss(chosen(), rejected());
    expect(await scalarOf(output.loss)).toBeCloseTo((Math.log(4 / 3) + LN4) / 2, 6);
    expect(await scalarOf(output.accuracy)).toBe(0.5);
    expect(await scalarOf(output.margin)).toBeCloseTo(0, 6);
    expect(await scalarOf(output.meanReward)).toBeCloseTo(LN3 / 2, 6); // (ln 3 + 0 + 0 + ln 3) / 4
  });

  it('adds coefficient · mean((r_c + r_r)²) when centering', async () => {
    const output = rewardLoss(chosen(), rejected(), { centerRewardsCoefficient: 0.1 });
    // r_c + r_r = ln 3 in both pairs
    expect(await scalarOf(output.loss)).toBeCloseTo((Math.log(4 / 3) + LN4) / 2 + 0.1 * LN3 * LN3, 6);
  });

  it('scores a tie as ln 2 and as wrong', async () => {
    const output = rewardLoss(tf.tensor1d([1]), tf.tensor1d([1]));
    expect(await scalarOf(output.loss)).toBeCloseTo(LN2, 6);
    expect(await scalarOf(output.accuracy)).toBe(0);
  });

  it('rejects a negative coefficient and mismatched batches', () => {
    expect(() => rewardLoss(chosen(), rejected(), { centerRewardsCoefficient: -1 })).toThrow(RangeError);
    expect(() => rewardLoss(chosen(), tf.tensor1d([1, 2, 3]))).toThrow(/rejectedRewards/);
  });
});

describe('dpoLoss', () => {
  // Reference log-probs −5 everywhere; the policy raises pair 0's chosen and pair 1's rejected answer by ln 3, so the
  // log-ratio difference h = (π_c − ref_c) − (π_r − ref_r) is +ln 3 for pair 0 and −ln 3 for pair 1.
  const run = (config: Partial<DpoConfig>) =>
    dpoLoss(tf.tensor1d([-5 + LN3, -5]), tf.tensor1d([-5, -5 + LN3]), tf.tensor1d([-5, -5]), tf.tensor1d([-5, -5]), {
      ...DPO_DEFAULTS,
      ...config,
    });

  it('sigmoid with β = 1: z = ±ln 3, loss (ln(4/3) + ln 4)/2, and TRL’s reward metrics', async () => {
    const output = run({ beta: 1 });
    expect(await scalarOf(output.loss)).toBeCloseTo((Math.log(4 / 3) + LN4) / 2, 6);
    expect(await scalarOf(output.chosenRewards)).toBeCloseTo(LN3 / 2, 6); // β(π_c − ref_c) = [ln 3, 0]
    expect(await scalarOf(output.rejectedRewards)).toBeCloseTo(LN3 / 2, 6); // [0, ln 3]
    expect(await scalarOf(output.rewardMargins)).toBeCloseTo(0, 6); // [ln 3, −ln 3]
    expect(await scalarOf(output.rewardAccuracies)).toBe(0.5);
    expect(await scalarOf(output.chosenLogps)).toBeCloseTo(-5 + LN3 / 2, 5);
    expect(await scalarOf(output.rejectedLogps)).toBeCloseTo(-5 + LN3 / 2, 5);
  });

  it('scales the rewards by β: with β = 0.1 and policy = reference everything is ln 2 or 0', async () => {
    const same = tf.tensor1d([-3, -4]);
    const output = dpoLoss(same, same, same, same);
    expect(await scalarOf(output.loss)).toBeCloseTo(LN2, 6);
    expect(await scalarOf(output.rewardAccuracies)).toBe(0);
    expect(await scalarOf(run({}).chosenRewards)).toBeCloseTo((0.1 * LN3) / 2, 6);
  });

  it('label smoothing ε = 0.25 mixes in the flipped label: 0.75·ln(4/3) + 0.25·ln 4 at z = ln 3', async () => {
    const z = tf.tensor1d([LN3, -LN3]);
    const losses = DPO_LOSSES.sigmoid.pairLosses(z, { ...DPO_DEFAULTS, labelSmoothing: 0.25 });
    // −0.75·log σ(z) − 0.25·log σ(−z); σ(ln 3) = 3/4, σ(−ln 3) = 1/4
    expect(await values(losses)).toEqual([
      expect.closeTo(0.75 * Math.log(4 / 3) + 0.25 * LN4, 6),
      expect.closeTo(0.75 * LN4 + 0.25 * Math.log(4 / 3), 6),
    ]);
  });

  it('ipo with β = 0.5: z/β = h = ±ln 3 and 1/(2β) = 1, so the loss is ((ln 3 − 1)² + (ln 3 + 1)²)/2 = ln²3 + 1', async () => {
    expect(await scalarOf(run({ beta: 0.5, lossType: 'ipo' }).loss)).toBeCloseTo(LN3 * LN3 + 1, 5);
    expect(DPO_LOSSES.ipo.logProbReduction).toBe('mean');
  });

  it('hinge with β = 1: relu(1 − ln 3) = 0 and relu(1 + ln 3), mean (1 + ln 3)/2', async () => {
    expect(await scalarOf(run({ beta: 1, lossType: 'hinge' }).loss)).toBeCloseTo((1 + LN3) / 2, 6);
  });

  it('has TRL’s defaults, one registry entry per loss type and settings checked', () => {
    expect(DPO_DEFAULTS).toEqual({ beta: 0.1, lossType: 'sigmoid', labelSmoothing: 0 });
    expect(Object.keys(DPO_LOSSES).sort()).toEqual(['hinge', 'ipo', 'sigmoid']);
    expect(DPO_LOSSES.sigmoid.logProbReduction).toBe('sum');
    expect(() => run({ beta: 0 })).toThrow(/beta/);
    expect(() => run({ labelSmoothing: 0.7 })).toThrow(/labelSmoothing/);
    expect(() => run({ lossType: 'kto' as DpoConfig['lossType'] })).toThrow(/sigmoid, ipo, hinge/);
    const one = tf.tensor1d([1]);
    expect(() => dpoLoss(one, one, tf.tensor1d([1, 2]), one)).toThrow(/referenceChosenLogps/);
  });
});

describe('metric names', () => {
  it('are TRL’s, each with a one-line explanation', () => {
    const names = (table: Record<string, { name: string; explanation: string }>) => {
      for (const { explanation } of Object.values(table)) expect(explanation).toMatch(/^[^\n]{20,}$/);
      return Object.values(table).map((metric) => metric.name);
    };
    expect(names(SFT_METRICS)).toEqual(['loss', 'mean_token_accuracy', 'entropy', 'num_tokens']);
    expect(names(REWARD_METRICS)).toEqual(['loss', 'accuracy', 'margin', 'mean_reward']);
    expect(names(DPO_METRICS)).toEqual([
      'loss',
      'rewards/chosen',
      'rewards/rejected',
      'rewards/margins',
      'rewards/accuracies',
      'logps/chosen',
      'logps/rejected',
    ]);
    expect(DPO_METRICS.chosenRewards.explanation).toMatch(/margins/);
  });
});

describe('tensor hygiene', () => {
  it('leaves no tensor behind but its outputs, for each loss and its gradient', () => {
    const logits = sftLogits();
    const labels = sftLabels();
    const mask = sftMask();
    const rewards = [tf.tensor1d([1, -2]), tf.tensor1d([0.5, 3])] as const;
    const logps = [tf.tensor1d([-3, -4]), tf.tensor1d([-5, -2]), tf.tensor1d([-3.5, -4]), tf.tensor1d([-4, -2.5])];
    const [pc, pr, rc, rr] = logps as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    expectNoLeak(() => ({ ...sftLoss(logits, labels, mask) }));
    expectNoLeak(() => [sequenceLogProbs(logits, labels, mask, 'mean')]);
    expectNoLeak(() => ({ ...rewardLoss(...rewards, { centerRewardsCoefficient: 0.01 }) }));
    for (const lossType of Object.keys(DPO_LOSSES) as DpoConfig['lossType'][]) {
      expectNoLeak(() => ({ ...dpoLoss(pc, pr, rc, rr, { ...DPO_DEFAULTS, lossType, labelSmoothing: 0.1 }) }));
      expectNoLeak(() => tf.grads(dpoLossOf({ ...DPO_DEFAULTS, lossType }))(logps));
    }
    expectNoLeak(() => [tf.grad((x: tf.Tensor) => sftLoss(x as tf.Tensor3D, labels, mask).loss)(logits)]);
    expectNoLeak(() =>
      tf.grads((c: tf.Tensor, r: tf.Tensor) => rewardLoss(c as tf.Tensor1D, r as tf.Tensor1D).loss)([...rewards]),
    );
  });
});
