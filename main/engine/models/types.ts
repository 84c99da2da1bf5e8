import type * as tf from '@tensorflow/tfjs';
import type { LayerCache } from './attention';
import type { LoraOptions } from './layers';

export type ParamShapes = Record<string, number[]>;

export interface ForwardInput {
  /** Token ids [B, T], int32. */
  tokens: tf.Tensor2D;
  /** Keys and values of earlier positions, one entry per layer. */
  cache?: LayerCache[];
  /** [B, S] over cached + new positions: 1 attends, 0 is padding. */
  attentionMask?: tf.Tensor2D;
  lora?: LoraOptions;
}

export interface ForwardOutput {
  /** [B, T, D] after the final norm. */
  hidden: tf.Tensor3D;
  cache: LayerCache[];
}
