/**
 * Training throughput at the reference shapes (SPEC §8): one optimizer step of SFT, the reward model and DPO (reference
 * log-probs precomputed, as `precompute_ref_log_probs`) on random weights and tokens, batch 4 × 64 tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { dpoLoss } from '../methods/dpo';
import { nextTokenBatch, sequenceLogProbs } from '../methods/logprobs';
import { rewardLoss } from '../methods/reward';
import { sftLoss } from '../methods/sft';
import { addScalarHead, scoreLastToken } from '../models/heads';
import { CausalLM, paramShapes } from '../models/model';
import { type LossOutput, TRAINER_DEFAULTS, Trainer } from '../training/trainer';
import { REFERENCE_SHAPES } from './models';
import { timeMedian } from './timing';

export interface TrainingResult {
  shape: string;
  method: 'sft' | 'reward' | 'dpo';
  /** Sequences per step (pairs count twice). */
  sequences: number;
  tokens: number;
  medianMs: number;
  tokensPerSecond: number;
  /** ≈ 6 · parameters · tokens per step (forward + backward), over the step time. */
  gflops: number;
}

type LossBuilder = (model: CausalLM, tokens: tf.Tensor2D, mask: tf.Tensor2D) => LossOutput;

const LOSSES: Record<TrainingResult['method'], LossBuilder> = {
  sft: (model, tokens, mask) => {
    const { inputs, labels, mask: targetMask } = nextTokenBatch(tokens, mask);
    const output = sftLoss(model.logits(model.forward({ tokens: inputs }).hidden), labels, targetMask);
    return { loss: output.loss, metrics: {} };
  },
  reward: (model, tokens) => {
    const lengths = tf.fill([tokens.shape[0]], tokens.shape[1], 'int32') as tf.Tensor1D;
    const [chosen, rejected] = tf.split(scoreLastToken(model, model.forward({ tokens }).hidden, lengths), 2) as [
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    return { loss: rewardLoss(chosen, rejected, {}).loss, metrics: {} };
  },
  dpo: (model, tokens, mask) => {
    const { inputs, labels, mask: targetMask } = nextTokenBatch(tokens, mask);
    const logps = sequenceLogProbs(model.logits(model.forward({ tokens: inputs }).hidden), labels, targetMask);
    const [chosen, rejected] = tf.split(logps, 2) as [tf.Tensor1D, tf.Tensor1D];
    const reference = tf.zeros([chosen.shape[0]]) as tf.Tensor1D; // precomputed: constants
    return { loss: dpoLoss(chosen, rejected, reference, reference).loss, metrics: {} };
  },
};

/** Pairs are batch sequences of chosen and batch of rejected, so a DPO or RM step sees 2 × batch sequences. */
export async function benchTrainingStep(
  shape: string,
  method: TrainingResult['method'],
  budgetMs: number,
  batch: number,
  length: number,
): Promise<TrainingResult> {
  const config = REFERENCE_SHAPES[shape] as CausalLM['config'];
  const model = CausalLM.random(config, 3);
  if (method === 'reward') addScalarHead(model, 'score', 4);
  const sequences = method === 'sft' ? batch : 2 * batch;
  const tokens = tf.randomUniformInt([sequences, length], 0, config.vocabSize, 5) as tf.Tensor2D;
  const mask = tf.ones([sequences, length]) as tf.Tensor2D;
  const trainer = new Trainer(model.params, { ...TRAINER_DEFAULTS, totalSteps: 1000 });
  const timing = await timeMedian(
    async () => void (await trainer.trainStep([() => LOSSES[method](model, tokens, mask)])),
    { budgetMs, warmup: 1 },
  );
  trainer.dispose();
  tf.dispose([tokens, mask]);
  model.dispose();
  const parameters = Object.values(paramShapes(config)).reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
  const stepTokens = sequences * length;
  const seconds = timing.medianMs / 1000;
  return {
    shape,
    method,
    sequences,
    tokens: stepTokens,
    medianMs: timing.medianMs,
    tokensPerSecond: stepTokens / seconds,
    gflops: (6 * parameters * stepTokens) / seconds / 1e9,
  };
}

export async function benchTraining(budgetMs: number, batch = 4, length = 64): Promise<TrainingResult[]> {
  const results: TrainingResult[] = [];
  for (const shape of Object.keys(REFERENCE_SHAPES)) {
    for (const method of ['sft', 'reward', 'dpo'] as const)
      results.push(await benchTrainingStep(shape, method, budgetMs, batch, length));
  }
  return results;
}
