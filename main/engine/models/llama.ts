/** The Llama family (Llama, Mistral, Qwen2, llama2.c): RMSNorm, RoPE, SwiGLU, grouped-query attention. */
import * as tf from '@tensorflow/tfjs';
import { causalAttention, extendCache, type LayerCache, mergeHeads, splitHeads } from './attention';
import { headDim, type ModelConfig } from './config';
import { applyRope, linear, type Params, rmsNorm, ropeTables } from './layers';
import type { ForwardInput, ForwardOutput, ParamShapes } from './types';

/** Parameter shapes, weights stored [in, out]. */
export function llamaParamShapes(config: ModelConfig): ParamShapes {
  const { hiddenSize: d, vocabSize: vocab, intermediateSize: hidden } = config;
  const kvWidth = config.numKvHeads * headDim(config);
  const shapes: ParamShapes = { 'embed.weight': [vocab, d], 'norm.weight': [d] };
  for (let i = 0; i < config.numLayers; i++) {
    const p = `layers.${i}`;
    Object.assign(shapes, {
      [`${p}.input_norm.weight`]: [d],
      [`${p}.q.weight`]: [d, d],
      [`${p}.k.weight`]: [d, kvWidth],
      [`${p}.v.weight`]: [d, kvWidth],
      [`${p}.o.weight`]: [d, d],
      [`${p}.post_norm.weight`]: [d],
      [`${p}.gate.weight`]: [d, hidden],
      [`${p}.up.weight`]: [d, hidden],
      [`${p}.down.weight`]: [hidden, d],
    });
    if (config.attentionBias) {
      Object.assign(shapes, { [`${p}.q.bias`]: [d], [`${p}.k.bias`]: [kvWidth], [`${p}.v.bias`]: [kvWidth] });
    }
  }
  if (!config.tieWordEmbeddings) shapes['lm_head.weight'] = [d, vocab];
  return shapes;
}

function attentionBlock(
  x: tf.Tensor,
  params: Params,
  config: ModelConfig,
  layer: number,
  input: ForwardInput,
  rope: [tf.Tensor, tf.Tensor],
) {
  const p = `layers.${layer}`;
  const h = rmsNorm(x, params[`${p}.input_norm.weight`] as tf.Tensor, config.normEps);
  const q = applyRope(splitHeads(linear(h, params, `${p}.q`, input.lora), config.numHeads), ...rope) as tf.Tensor4D;
  const k = applyRope(splitHeads(linear(h, params, `${p}.k`, input.lora), config.numKvHeads), ...rope) as tf.Tensor4D;
  const v = splitHeads(linear(h, params, `${p}.v`, input.lora), config.numKvHeads);
  const cache = extendCache(input.cache?.[layer], k, v);
  const attended = mergeHeads(causalAttention(q, cache.k, cache.v, input.attentionMask));
  return { out: tf.add(x, linear(attended, params, `${p}.o`, input.lora)), cache };
}

function mlpBlock(x: tf.Tensor, params: Params, config: ModelConfig, layer: number, input: ForwardInput): tf.Tensor {
  const p = `layers.${layer}`;
  const h = rmsNorm(x, params[`${p}.post_norm.weight`] as tf.Tensor, config.normEps);
  const gate = linear(h, params, `${p}.gate`, input.lora);
  const swish = tf.mul(gate, tf.sigmoid(gate)); // SiLU
  return tf.add(x, linear(tf.mul(swish, linear(h, params, `${p}.up`, input.lora)), params, `${p}.down`, input.lora));
}

/** tokens [B, T] → hidden states [B, T, D] after the final norm, and the extended cache. */
export function llamaForward(params: Params, config: ModelConfig, input: ForwardInput): ForwardOutput {
  const offset = input.cache?.[0]?.k.shape[2] ?? 0;
  const length = input.tokens.shape[1];
  const rope = ropeTables(offset, length, headDim(config), config.ropeTheta);
  let x: tf.Tensor = tf.gather(params['embed.weight'] as tf.Tensor, input.tokens);
  const cache: LayerCache[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    const attention = attentionBlock(x, params, config, layer, input, rope);
    cache.push(attention.cache);
    x = mlpBlock(attention.out, params, config, layer, input);
  }
  return { hidden: rmsNorm(x, params['norm.weight'] as tf.Tensor, config.normEps) as tf.Tensor3D, cache };
}
