/**
 * Llama-family layers in ONNX, fused with onnxruntime's contrib ops so that a decoding step runs few nodes:
 * RotaryEmbedding, SkipSimplifiedLayerNormalization (residual + RMSNorm), QuickGelu with alpha 1 (SiLU), and q/k/v
 * and gate/up each in one MatMul. (GroupQueryAttention would fuse more, but it needs head sizes that are multiples
 * of 16; llama2.c's small models have 8.)
 */
import { headDim } from '../models/config';
import { attr, type OnnxValue } from './graph';
import { type GraphContext, groupedAttention, linearNode } from './graph-blocks';

const MS = { domain: 'com.microsoft' };

/** cos and sin of RoPE angles, [maxPositions, hd/2], as GroupQueryAttention takes them. */
function rotaryCaches({ g, config }: GraphContext): [OnnxValue, OnnxValue] {
  const half = headDim(config) / 2;
  const cos = new Float32Array(config.maxPositions * half);
  const sin = new Float32Array(config.maxPositions * half);
  for (let position = 0; position < config.maxPositions; position++) {
    for (let i = 0; i < half; i++) {
      const angle = position * config.ropeTheta ** (-(2 * i) / headDim(config));
      cos[position * half + i] = Math.cos(angle);
      sin[position * half + i] = Math.sin(angle);
    }
  }
  return [
    g.initializer('rope.cos', cos, [config.maxPositions, half]),
    g.initializer('rope.sin', sin, [config.maxPositions, half]),
  ];
}

/** Concatenates weights along their output axis (folded into one constant when they are initializers). */
function fusedWeight({ g, weight }: GraphContext, names: string[]): OnnxValue {
  return g.op('Concat', names.map(weight), { axis: -1 });
}

function attention(context: GraphContext, h: OnnxValue, layer: number, rotary: [OnnxValue, OnnxValue]): OnnxValue {
  const { g, config } = context;
  const p = `layers.${layer}`;
  const size = headDim(config);
  let qkv = g.op('MatMul', [h, fusedWeight(context, [`${p}.q.weight`, `${p}.k.weight`, `${p}.v.weight`])]);
  if (config.attentionBias)
    qkv = g.op('Add', [qkv, fusedWeight(context, [`${p}.q.bias`, `${p}.k.bias`, `${p}.v.bias`])]);
  const kvWidth = config.numKvHeads * size;
  const [q, k, v] = g.ops('Split', [qkv, g.int64s([config.hiddenSize, kvWidth, kvWidth])], 3, { axis: -1 }) as [
    OnnxValue,
    OnnxValue,
    OnnxValue,
  ];
  const rotate = (x: OnnxValue, heads: number) =>
    g.op('RotaryEmbedding', [x, context.positionIds, ...rotary], { interleaved: 0, num_heads: heads }, MS);
  const toCacheLayout = (x: OnnxValue, heads: number) =>
    g.op('Transpose', [g.op('Reshape', [x, g.int64s([0, 0, heads, size])])], { perm: [0, 2, 1, 3] });
  const past = context.past(layer);
  const key = g.op('Concat', [past.key, toCacheLayout(rotate(k, config.numKvHeads), config.numKvHeads)], { axis: 2 });
  const value = g.op('Concat', [past.value, toCacheLayout(v, config.numKvHeads)], { axis: 2 });
  context.present(layer, key, value);
  const queries = g.op('Reshape', [rotate(q, config.numHeads), g.int64s([0, 0, config.numHeads, size])]);
  return linearNode(context, groupedAttention(context, queries, key, value), `${p}.o`, false);
}

function mlp(context: GraphContext, h: OnnxValue, layer: number): OnnxValue {
  const { g, config } = context;
  const p = `layers.${layer}`;
  const gateUp = g.op('MatMul', [h, fusedWeight(context, [`${p}.gate.weight`, `${p}.up.weight`])]);
  const size = config.intermediateSize;
  const [gate, up] = g.ops('Split', [gateUp, g.int64s([size, size])], 2, { axis: -1 }) as [OnnxValue, OnnxValue];
  const swish = g.op('QuickGelu', [gate], { alpha: attr.float(1) }, MS);
  return linearNode(context, g.op('Mul', [swish, up]), `${p}.down`, false);
}

/** Adds `update` to the residual stream and normalises: [normalised, new residual]. */
function addAndNorm(
  { g, config, weight }: GraphContext,
  update: OnnxValue,
  residual: OnnxValue,
  norm: string,
): [OnnxValue, OnnxValue] {
  const outputs = g.ops(
    'SkipSimplifiedLayerNormalization',
    [update, residual, weight(norm)],
    4,
    { epsilon: attr.float(config.normEps) },
    MS,
  );
  return [outputs[0] as OnnxValue, outputs[3] as OnnxValue];
}

/** input_ids → hidden states [B, T, D] after the final norm. */
export function buildLlamaLayers(context: GraphContext, inputIds: OnnxValue): OnnxValue {
  const { g, config, weight } = context;
  const rotary = rotaryCaches(context);
  let residual = g.op('Gather', [weight('embed.weight'), inputIds], { axis: 0 });
  let h = g.op('SimplifiedLayerNormalization', [residual, weight('layers.0.input_norm.weight')], {
    epsilon: attr.float(config.normEps),
    axis: -1,
  });
  for (let layer = 0; layer < config.numLayers; layer++) {
    g.scoped(`layer${layer}`, () => {
      [h, residual] = addAndNorm(
        context,
        attention(context, h, layer, rotary),
        residual,
        `layers.${layer}.post_norm.weight`,
      );
      const next = layer + 1 < config.numLayers ? `layers.${layer + 1}.input_norm.weight` : 'norm.weight';
      [h, residual] = addAndNorm(context, mlp(context, h, layer), residual, next);
    });
  }
  return h;
}
