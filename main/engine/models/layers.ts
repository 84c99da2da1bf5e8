/** The building blocks shared by the architectures. Shapes: B batch, T new tokens, S attended tokens, D width. */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../ops/matmul';

export type Params = Record<string, tf.Variable>;

/** Low-rank adapters on linear layers (y += scale · (x·A)·B) apply whenever a model has them, unless disabled. */
export interface LoraOptions {
  /** False computes the base model exactly (the reference model of DPO and PPO). */
  enabled: boolean;
}

/** x·W (+ b) (+ LoRA), with W stored [in, out]. x: [..., in] → [..., out]. */
export function linear(x: tf.Tensor, params: Params, name: string, lora?: LoraOptions): tf.Tensor {
  const weight = params[`${name}.weight`] as tf.Variable;
  const [inFeatures, outFeatures] = weight.shape as [number, number];
  const leading = x.shape.slice(0, -1);
  const flat = x.reshape([-1, inFeatures]);
  let y = matMul(flat, weight);
  const bias = params[`${name}.bias`];
  if (bias) y = tf.add(y, bias);
  const loraA = params[`${name}.lora_a`];
  if (loraA && lora?.enabled !== false) {
    const loraB = params[`${name}.lora_b`] as tf.Variable;
    const scale = params[`${name}.lora_scale`] as tf.Variable;
    y = tf.add(y, tf.mul(matMul(matMul(flat, loraA), loraB), scale));
  }
  return y.reshape([...leading, outFeatures]);
}

export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
}

export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

/** GPT-2's tanh approximation of GELU ("gelu_new"): 0.5·x·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³). */
export function geluNew(x: tf.Tensor): tf.Tensor {
  // Computed as x·σ(2u), the same function (0.5·(1 + tanh(u)) = σ(2u)): tfjs-wasm's Tanh is a scalar loop, 15× slower
  // than its Sigmoid. x·x·x, not tf.pow(x, 3): pow's gradient also differentiates the exponent and is slow on wasm.
  const twiceInner = tf.mul(2 * Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
  return tf.mul(x, tf.sigmoid(twiceInner));
}

/** cos and sin of RoPE angles for positions [offset, offset + length): each [length, headDim], halves repeated. */
export function ropeTables(offset: number, length: number, headDim: number, theta: number): [tf.Tensor2D, tf.Tensor2D] {
  const half = headDim / 2;
  const inverseFrequencies = Array.from({ length: half }, (_, i) => theta ** (-(2 * i) / headDim));
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * (inverseFrequencies[i] as number);
      for (const j of [i, i + half]) {
        cos[t * headDim + j] = Math.cos(angle);
        sin[t * headDim + j] = Math.sin(angle);
      }
    }
  }
  return [tf.tensor2d(cos, [length, headDim]), tf.tensor2d(sin, [length, headDim])];
}

/** Rotates [B, H, T, hd] by the tables (HF's rotate-half convention). */
export function applyRope(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  const half = (x.shape[3] as number) / 2;
  const [first, second] = tf.split(x, [half, half], 3) as [tf.Tensor, tf.Tensor];
  const rotated = tf.concat([tf.neg(second), first], 3);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}
