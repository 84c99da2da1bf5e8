/** GPT-2: LayerNorm, learned positions, GELU, fused q/k/v (HF's Conv1D layout is already [in, out]). */
import * as tf from '@tensorflow/tfjs';
import { causalAttention, extendCache, type LayerCache, mergeHeads, splitHeads } from './attention';
import type { ModelConfig } from './config';
import { geluNew, layerNorm, linear, type Params } from './layers';
import type { ForwardInput, ForwardOutput, ParamShapes } from './types';

export function gpt2ParamShapes(config: ModelConfig): ParamShapes {
  const { hiddenSize: d, vocabSize: vocab, intermediateSize: hidden } = config;
  const shapes: ParamShapes = {
    'embed.weight': [vocab, d],
    'positions.weight': [config.maxPositions, d],
    'norm.weight': [d],
    'norm.bias': [d],
  };
  for (let i = 0; i < config.numLayers; i++) {
    const p = `layers.${i}`;
    Object.assign(shapes, {
      [`${p}.ln1.weight`]: [d],
      [`${p}.ln1.bias`]: [d],
      [`${p}.qkv.weight`]: [d, 3 * d],
      [`${p}.qkv.bias`]: [3 * d],
      [`${p}.attn_out.weight`]: [d, d],
      [`${p}.attn_out.bias`]: [d],
      [`${p}.ln2.weight`]: [d],
      [`${p}.ln2.bias`]: [d],
      [`${p}.fc.weight`]: [d, hidden],
      [`${p}.fc.bias`]: [hidden],
      [`${p}.proj.weight`]: [hidden, d],
      [`${p}.proj.bias`]: [d],
    });
  }
  if (!config.tieWordEmbeddings) shapes['lm_head.weight'] = [d, vocab];
  return shapes;
}

function norm(x: tf.Tensor, params: Params, name: string, eps: number): tf.Tensor {
  return layerNorm(x, params[`${name}.weight`] as tf.Tensor, params[`${name}.bias`] as tf.Tensor, eps);
}

function attentionBlock(x: tf.Tensor, params: Params, config: ModelConfig, layer: number, input: ForwardInput) {
  const p = `layers.${layer}`;
  const qkv = linear(norm(x, params, `${p}.ln1`, config.normEps), params, `${p}.qkv`, input.lora);
  const [q, k, v] = tf.split(qkv, 3, 2).map((part) => splitHeads(part, config.numHeads)) as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
  ];
  const cache = extendCache(input.cache?.[layer], k, v);
  const attended = mergeHeads(causalAttention(q, cache.k, cache.v, input.attentionMask));
  return { out: tf.add(x, linear(attended, params, `${p}.attn_out`, input.lora)), cache };
}

function mlpBlock(x: tf.Tensor, params: Params, config: ModelConfig, layer: number, input: ForwardInput): tf.Tensor {
  const p = `layers.${layer}`;
  const h = linear(norm(x, params, `${p}.ln2`, config.normEps), params, `${p}.fc`, input.lora);
  return tf.add(x, linear(geluNew(h), params, `${p}.proj`, input.lora));
}

export function gpt2Forward(params: Params, config: ModelConfig, input: ForwardInput): ForwardOutput {
  const offset = input.cache?.[0]?.k.shape[2] ?? 0;
  const length = input.tokens.shape[1];
  const positions = tf.range(offset, offset + length, 1, 'int32');
  let x: tf.Tensor = tf.add(
    tf.gather(params['embed.weight'] as tf.Tensor, input.tokens),
    tf.gather(params['positions.weight'] as tf.Tensor, positions),
  );
  const cache: LayerCache[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const attention = attentionBlock(x, params, config, layer, input);
    cache.push(attention.cache);
    x = mlpBlock(attention.out, params, config, layer, input);
  }
  return { hidden: norm(x, params, 'norm', config.normEps) as tf.Tensor3D, cache };
}
