/** Llama-family layers in ONNX: RMSNorm, RoPE (rotate-half), grouped-query attention with a cache, SwiGLU. */
import { headDim } from '../models/config';
import type { OnnxValue } from './graph';
import { type GraphContext, groupedAttention, linearNode, ropeForPositions } from './graph-blocks';

function rmsNorm({ g, config, weight }: GraphContext, x: OnnxValue, name: string): OnnxValue {
  const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
  const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(config.normEps)])])]);
  return g.op('Mul', [g.op('Mul', [x, inverse]), weight(name)]);
}

/** [B, T, heads, hd] rotated by RoPE. */
function rope({ g, config }: GraphContext, x: OnnxValue, cos: OnnxValue, sin: OnnxValue): OnnxValue {
  const half = headDim(config) / 2;
  const [first, second] = g.ops('Split', [x, g.int64s([half, half])], 2, { axis: -1 }) as [OnnxValue, OnnxValue];
  const rotated = g.op('Concat', [g.op('Neg', [second]), first], { axis: -1 });
  return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
}

function attentionBlock(context: GraphContext, x: OnnxValue, layer: number, cos: OnnxValue, sin: OnnxValue): OnnxValue {
  const { g, config } = context;
  const p = `layers.${layer}`;
  const size = headDim(config);
  const h = rmsNorm(context, x, `${p}.input_norm.weight`);
  const project = (name: string, heads: number) =>
    g.op('Reshape', [linearNode(context, h, `${p}.${name}`, config.attentionBias), g.int64s([0, 0, heads, size])]);
  const q = rope(context, project('q', config.numHeads), cos, sin);
  const toCacheLayout = (t: OnnxValue) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] }); // [B, kvH, T, hd]
  const k = toCacheLayout(rope(context, project('k', config.numKvHeads), cos, sin));
  const v = toCacheLayout(project('v', config.numKvHeads));
  const past = context.past(layer);
  const key = g.op('Concat', [past.key, k], { axis: 2 });
  const value = g.op('Concat', [past.value, v], { axis: 2 });
  context.present(layer, key, value);
  return g.op('Add', [x, linearNode(context, groupedAttention(context, q, key, value), `${p}.o`, false)]);
}

function mlpBlock(context: GraphContext, x: OnnxValue, layer: number): OnnxValue {
  const { g } = context;
  const p = `layers.${layer}`;
  const h = rmsNorm(context, x, `${p}.post_norm.weight`);
  const gate = linearNode(context, h, `${p}.gate`, false);
  const swish = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
  const product = g.op('Mul', [swish, linearNode(context, h, `${p}.up`, false)]);
  return g.op('Add', [x, linearNode(context, product, `${p}.down`, false)]);
}

/** input_ids → hidden states [B, T, D] after the final norm. */
export function buildLlamaLayers(context: GraphContext, inputIds: OnnxValue): OnnxValue {
  const { g, config } = context;
  const [cos, sin] = ropeForPositions(context);
  let x = g.op('Gather', [context.weight('embed.weight'), inputIds], { axis: 0 });
  for (let layer = 0; layer < config.numLayers; layer++) {
    x = g.scoped(`layer${layer}`, () => mlpBlock(context, attentionBlock(context, x, layer, cos, sin), layer));
  }
  return rmsNorm(context, x, 'norm.weight');
}
