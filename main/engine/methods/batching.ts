/** Turning tokenized examples into padded tensors, and the pieces every method's step shares. */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../models/layers';
import { addLora, DEFAULT_LORA_TARGETS } from '../models/lora';
import type { CausalLM } from '../models/model';
import type { TrainingArgs } from '../runs/training-args';
import type { MetricInfo } from './logprobs';

export interface Sequence {
  ids: number[];
  /** 1 on tokens the loss counts. */
  mask: number[];
}

/**
 * Right-pads sequences into tokens [B, T] int32 and mask [B, T] float32 (padding: id `padId`, mask 0), plus each
 * row's real length.
 */
export function padBatch(
  sequences: Sequence[],
  padId: number,
): { tokens: tf.Tensor2D; mask: tf.Tensor2D; lengths: tf.Tensor1D } {
  const width = Math.max(2, ...sequences.map((s) => s.ids.length));
  const tokens = sequences.flatMap((s) => [...s.ids, ...new Array(width - s.ids.length).fill(padId)]);
  const mask = sequences.flatMap((s) => [...s.mask, ...new Array(width - s.mask.length).fill(0)]);
  return {
    tokens: tf.tensor2d(tokens, [sequences.length, width], 'int32'),
    mask: tf.tensor2d(mask, [sequences.length, width], 'float32'),
    lengths: tf.tensor1d(
      sequences.map((s) => s.ids.length),
      'int32',
    ),
  };
}

/** A loss output's scalars under TRL's metric names (the loss itself is reported separately). */
export function namedMetrics<K extends string>(
  output: Record<K, tf.Scalar>,
  table: Record<K, MetricInfo>,
): Record<string, tf.Scalar> {
  return Object.fromEntries(
    (Object.keys(table) as K[])
      .filter((key) => table[key].name !== 'loss')
      .map((key) => [table[key].name, output[key]]),
  );
}

/** Adds LoRA adapters when the args ask for them; returns the parameters to train. */
export function trainableParams(model: CausalLM, args: TrainingArgs, seed: number): Params {
  if (args.lora) {
    const targets = args.lora.target_modules ?? DEFAULT_LORA_TARGETS[model.config.architecture];
    addLora(model, { rank: args.lora.r, alpha: args.lora.lora_alpha, targets }, seed);
  }
  return Object.fromEntries(Object.entries(model.params).filter(([, variable]) => variable.trainable));
}

/** The id that pads batches: the tokenizer's EOS (any valid id works, the mask hides it), else 0. */
export function padIdOf(stopIds: number[]): number {
  return stopIds[0] ?? 0;
}
