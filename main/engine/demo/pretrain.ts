/**
 * Pretrains the demo's base model with the engine's own trainer: a small Llama over the demo's character tokenizer,
 * next-token loss on every token of the mixed-quality corpus, so that it learns the chat format and the corpus's mix of
 * good and bad replies but none of the preferences. `awb demo pretrain-base` runs this and writes the HF folder that
 * ships in resources/demo-base.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prepareSft } from '../methods/sft';
import type { ModelConfig } from '../models/config';
import { writeHfModel } from '../models/hf-folder';
import { toHfTensors } from '../models/hf-weights';
import { CausalLM } from '../models/model';
import { BatchSampler } from '../runs/sampler';
import { parseTrainingArgs, trainerConfig } from '../runs/training-args';
import { type StepResult, Trainer } from '../training/trainer';
import { pretrainingCorpus } from './datasets';
import { type Random, randomFromSeed, shuffled } from './random';
import {
  createDemoTokenizer,
  DEMO_MODEL_MAX_LENGTH,
  DEMO_SPECIAL_TOKENS,
  demoTokenizerConfig,
  demoTokenizerJson,
  demoVocabulary,
} from './tokenizer';

export interface DemoModelShape {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  intermediateSize: number;
}

export interface PretrainSettings {
  seed: number;
  /** Conversations generated for the corpus; more than the steps see, so that few are seen twice. */
  corpusSize: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  shape: DemoModelShape;
}

/** The shipped base model's recipe, chosen by measurement (see docs/DEMO.md). */
export const DEMO_PRETRAIN: PretrainSettings = {
  seed: 20_250_601,
  corpusSize: 40_000,
  steps: 650,
  batchSize: 16,
  learningRate: 3e-3,
  warmupSteps: 100,
  weightDecay: 0.01,
  shape: { hiddenSize: 128, numLayers: 4, numHeads: 4, numKvHeads: 4, intermediateSize: 352 },
};

export function demoModelConfig(shape: DemoModelShape): ModelConfig {
  const vocabulary = demoVocabulary();
  return {
    architecture: 'llama',
    modelType: 'llama',
    vocabSize: Object.keys(vocabulary).length,
    ...shape,
    maxPositions: DEMO_MODEL_MAX_LENGTH,
    normEps: 1e-5,
    ropeTheta: 10000,
    // Tied embeddings: with 79 tokens the head would be tiny anyway, and one matrix learns from both ends.
    tieWordEmbeddings: true,
    attentionBias: false,
    bosTokenId: vocabulary[DEMO_SPECIAL_TOKENS.bos],
    eosTokenIds: [vocabulary[DEMO_SPECIAL_TOKENS.eos] as number],
  };
}

/**
 * Batches of similar length: the seeded sampler's next POOL batches, sorted by length and cut again. A batch is padded
 * to its longest row and attention costs the square of that: the corpus's rows are 30–115 characters, and this took
 * 1.42 s a step against 1.74 s with random batches (batch 16, the shipped shape, this project's 2-core machine).
 */
class LengthBatches {
  static readonly POOL = 16;
  private ready: number[][] = [];

  constructor(
    private readonly sampler: BatchSampler,
    private readonly lengths: number[],
    private readonly batchSize: number,
    private readonly random: Random,
  ) {}

  next(): number[] {
    if (this.ready.length === 0) {
      const pool = this.sampler.next(this.batchSize * LengthBatches.POOL);
      pool.sort((a, b) => (this.lengths[a] as number) - (this.lengths[b] as number) || a - b);
      const batches: number[][] = [];
      for (let start = 0; start < pool.length; start += this.batchSize) {
        batches.push(pool.slice(start, start + this.batchSize));
      }
      // Shuffled, so that the steps do not cycle from short rows to long ones.
      this.ready = shuffled(this.random, batches);
    }
    return this.ready.shift() as number[];
  }
}

export interface PretrainProgress {
  step: number;
  steps: number;
  result: StepResult;
  seconds: number;
}

function pretrainArgs(settings: PretrainSettings) {
  const args = {
    learning_rate: settings.learningRate,
    max_steps: settings.steps,
    per_device_train_batch_size: settings.batchSize,
    warmup_steps: settings.warmupSteps,
    lr_scheduler_type: 'cosine',
    weight_decay: settings.weightDecay,
    max_length: DEMO_MODEL_MAX_LENGTH,
  };
  return parseTrainingArgs(args, 'pretrain');
}

/** Trains a fresh model on the corpus; the same settings on the same backend give the same weights. */
export async function pretrainDemoBase(
  settings: PretrainSettings,
  onStep?: (progress: PretrainProgress, model: CausalLM) => Promise<void> | void,
): Promise<{ model: CausalLM; seconds: number; loss: number }> {
  const tokenizer = createDemoTokenizer();
  const model = CausalLM.random(demoModelConfig(settings.shape), settings.seed);
  const args = pretrainArgs(settings);
  const rows = pretrainingCorpus(settings.seed, settings.corpusSize);
  const prepared = await prepareSft({ model, tokenizer, rows, args, options: {}, seed: settings.seed });
  const trainer = new Trainer(prepared.trainable, trainerConfig(args));
  const sampler = new LengthBatches(
    new BatchSampler(prepared.size, { seed: settings.seed, epoch: 0, position: 0 }),
    rows.map((row) => row.text.length),
    settings.batchSize,
    randomFromSeed(settings.seed),
  );
  const started = performance.now();
  let loss = Number.NaN;
  try {
    while (trainer.step < settings.steps) {
      const indices = sampler.next();
      const result = await trainer.trainStep([() => prepared.loss(indices)]);
      loss = result.loss;
      const seconds = (performance.now() - started) / 1000;
      await onStep?.({ step: result.step, steps: settings.steps, result, seconds }, model);
    }
  } finally {
    trainer.dispose();
    prepared.dispose();
  }
  return { model, seconds: (performance.now() - started) / 1000, loss };
}

/** Writes the model as a Hugging Face folder with the demo tokenizer: what `awb models import` reads. */
export async function writeDemoModelFolder(folder: string, model: CausalLM): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeHfModel(folder, model.config, toHfTensors(model.config, await model.tensors()));
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(path.join(folder, 'tokenizer.json'), json(demoTokenizerJson()));
  await writeFile(path.join(folder, 'tokenizer_config.json'), json(demoTokenizerConfig()));
}
