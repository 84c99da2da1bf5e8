/**
 * LoRA (Hu et al., 2021): a trainable low-rank update scale·A·B beside a frozen weight W [in, out], with A [in, r]
 * and B [r, out]. B starts at zero, so a fresh adapter leaves the model unchanged; disabling the adapters gives the base
 * model exactly, which is how DPO and PPO get their reference model without a second copy of the weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { Architecture } from './config';
import type { CausalLM } from './model';

export interface LoraConfig {
  rank: number;
  alpha: number;
  /** Projection names within a layer, e.g. q, k, v, o, gate, up, down (Llama) or qkv, attn_out, fc, proj (GPT-2). */
  targets: string[];
}

export const DEFAULT_LORA_TARGETS: Record<Architecture, string[]> = {
  llama: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
  gpt2: ['qkv', 'attn_out', 'fc', 'proj'],
};

export function defaultLoraConfig(architecture: Architecture): LoraConfig {
  return { rank: 8, alpha: 16, targets: DEFAULT_LORA_TARGETS[architecture] };
}

function targetNames(model: CausalLM, targets: string[]): string[] {
  const names = Object.keys(model.params)
    .filter((name) => /^layers\.\d+\.[^.]+\.weight$/.test(name))
    .map((name) => name.slice(0, -'.weight'.length))
    .filter((name) => targets.includes(name.split('.')[2] as string));
  if (names.length === 0) throw new Error(`no linear layer matches the LoRA targets ${targets.join(', ')}`);
  return names;
}

/** Adds adapters to the model (A ~ U(±1/√in), B = 0) and freezes every other parameter. */
export function addLora(model: CausalLM, config: LoraConfig, seed: number): void {
  const names = targetNames(model, config.targets);
  for (const variable of Object.values(model.params)) variable.trainable = false;
  names.forEach((name, index) => {
    const [inFeatures, outFeatures] = (model.params[`${name}.weight`] as tf.Variable).shape as [number, number];
    const bound = 1 / Math.sqrt(inFeatures);
    model.params[`${name}.lora_a`] = tf.variable(
      tf.randomUniform([inFeatures, config.rank], -bound, bound, 'float32', seed + index),
    );
    model.params[`${name}.lora_b`] = tf.variable(tf.zeros([config.rank, outFeatures]));
    model.params[`${name}.lora_scale`] = tf.variable(tf.scalar(config.alpha / config.rank), false);
  });
}

export function hasLora(model: CausalLM): boolean {
  return Object.keys(model.params).some((name) => name.endsWith('.lora_a'));
}

/** The names of the weights that have adapters ("layers.0.q", …). */
function adaptedNames(model: CausalLM): string[] {
  return Object.keys(model.params)
    .filter((name) => name.endsWith('.lora_a'))
    .map((name) => name.slice(0, -'.lora_a'.length));
}

/** W + scale·A·B for one adapted weight. */
function mergedWeight(model: CausalLM, base: string): tf.Tensor {
  return tf.tidy(() => {
    const [a, b, scale] = ['lora_a', 'lora_b', 'lora_scale'].map(
      (part) => model.params[`${base}.${part}`] as tf.Tensor,
    );
    return tf.add(
      model.params[`${base}.weight`] as tf.Tensor,
      tf.mul(tf.matMul(a as tf.Tensor, b as tf.Tensor), scale as tf.Tensor),
    );
  });
}

/** Folds every adapter into its weight (W + scale·A·B) and removes the adapters; the model then needs no LoRA. */
export function mergeLora(model: CausalLM): void {
  for (const base of adaptedNames(model)) {
    const weight = model.params[`${base}.weight`] as tf.Variable;
    const merged = mergedWeight(model, base);
    weight.assign(merged);
    merged.dispose();
    for (const part of ['lora_a', 'lora_b', 'lora_scale']) {
      model.params[`${base}.${part}`]?.dispose();
      delete model.params[`${base}.${part}`];
    }
  }
}

/** The model's tensors with every adapter folded into its weight, leaving the model (and its adapters) as they are. */
export async function mergedTensors(model: CausalLM): Promise<Record<string, Float32Array>> {
  const tensors = await model.tensors();
  for (const base of adaptedNames(model)) {
    const merged = mergedWeight(model, base);
    tensors[`${base}.weight`] = (await merged.data()) as Float32Array;
    merged.dispose();
  }
  return tensors;
}
