/**
 * Model benchmarks at the reference shapes of SPEC §8, on random weights (speed does not depend on the values):
 * forward tokens/s at batch 4 × 64 tokens, and generation tokens/s on the tfjs and ONNX paths.
 */
import * as tf from '@tensorflow/tfjs';
import { generateAll } from '../generation/generate';
import { TfjsDecoder } from '../generation/tfjs-decoder';
import { type ModelConfig, tinyConfig } from '../models/config';
import { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import { timeMedian } from './timing';

export const REFERENCE_SHAPES: Record<string, ModelConfig> = {
  /** llama2.c's stories260K: dim 64, 5 layers, 8 heads (4 kv), hidden 172, vocab 512. */
  stories260K: tinyConfig('llama', {
    vocabSize: 512,
    hiddenSize: 64,
    numLayers: 5,
    numHeads: 8,
    numKvHeads: 4,
    intermediateSize: 172,
    maxPositions: 512,
  }),
  /** llm.c's small GPT-2 comparison shape: 4 layers × 4 heads × 256 channels, vocab 256. */
  'gpt2-4x256': tinyConfig('gpt2', {
    vocabSize: 256,
    hiddenSize: 256,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 4,
    intermediateSize: 1024,
    maxPositions: 256,
  }),
};

export interface ForwardResult {
  shape: string;
  batch: number;
  tokens: number;
  medianMs: number;
  tokensPerSecond: number;
}

export async function benchForward(budgetMs: number, batch = 4, length = 64): Promise<ForwardResult[]> {
  const results: ForwardResult[] = [];
  for (const [shape, config] of Object.entries(REFERENCE_SHAPES)) {
    const model = CausalLM.random(config, 1);
    const tokens = tf.randomUniformInt([batch, length], 0, config.vocabSize, 1) as tf.Tensor2D;
    const timing = await timeMedian(
      async () => {
        const logits = tf.tidy(() => model.logits(model.forward({ tokens }).hidden));
        await logits.data();
        logits.dispose();
      },
      { budgetMs },
    );
    tokens.dispose();
    model.dispose();
    results.push({
      shape,
      batch,
      tokens: length,
      medianMs: timing.medianMs,
      tokensPerSecond: (batch * length) / (timing.medianMs / 1000),
    });
  }
  return results;
}

export interface GenerationResult {
  shape: string;
  path: 'tfjs' | 'onnx';
  tokens: number;
  tokensPerSecond: number;
}

/** Greedy generation of `tokens` tokens from one BOS, no stop token, on each path. */
export async function benchGeneration(tokens: number, repeats: number): Promise<GenerationResult[]> {
  const config = REFERENCE_SHAPES.stories260K as ModelConfig;
  const model = CausalLM.random(config, 2);
  const results: GenerationResult[] = [];
  const decoders = [new TfjsDecoder(model), await OnnxDecoder.create(model)];
  for (const decoder of decoders) {
    let best = 0;
    for (let i = 0; i < repeats; i++) {
      decoder.reset();
      const started = performance.now();
      await generateAll(decoder, [1], { temperature: 0, maxNewTokens: tokens, stopIds: [] });
      best = Math.max(best, tokens / ((performance.now() - started) / 1000));
    }
    decoder.dispose();
    results.push({ shape: 'stories260K', path: decoder.path, tokens, tokensPerSecond: best });
  }
  model.dispose();
  return results;
}
