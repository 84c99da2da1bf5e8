/** GPT-2 layers in ONNX: LayerNormalization, learned positions, fused q/k/v, GELU (tanh), a key/value cache. */
import { headDim } from '../models/config';
import { attr, type OnnxValue } from './graph';
import { type GraphContext, groupedAttention, linearNode } from './graph-blocks';

function layerNorm({ g, config, weight }: GraphContext, x: OnnxValue, name: string): OnnxValue {
  return g.op('LayerNormalization', [x, weight(`${name}.weight`), weight(`${name}.bias`)], {
    axis: -1,
    epsilon: attr.float(config.normEps),
  });
}

function geluTanh({ g }: GraphContext, x: OnnxValue): OnnxValue {
  const cubic = g.op('Mul', [g.op('Mul', [g.op('Mul', [x, x]), x]), g.scalar(0.044715)]);
  const inner = g.op('Mul', [g.op('Add', [x, cubic]), g.scalar(Math.sqrt(2 / Math.PI))]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.scalar(1)])]);
}

function attentionBlock(context: GraphContext, x: OnnxValue, layer: number): OnnxValue {
  const { g, config } = context;
  const p = `layers.${layer}`;
  const qkv = linearNode(context, layerNorm(context, x, `${p}.ln1`), `${p}.qkv`, true);
  const width = config.hiddenSize;
  const parts = g.ops('Split', [qkv, g.int64s([width, width, width])], 3, { axis: -1 }) as [
    OnnxValue,
    OnnxValue,
    OnnxValue,
  ];
  const [q, k, v] = parts.map((part) => g.op('Reshape', [part, g.int64s([0, 0, config.numHeads, headDim(config)])]));
  const toCacheLayout = (t: OnnxValue) => g.op('Transpose', [t], { perm: [0, 2, 1, 3] });
  const past = context.past(layer);
  const key = g.op('Concat', [past.key, toCacheLayout(k as OnnxValue)], { axis: 2 });
  const value = g.op('Concat', [past.value, toCacheLayout(v as OnnxValue)], { axis: 2 });
  context.present(layer, key, value);
  return g.op('Add', [
    x,
    linearNode(context, groupedAttention(context, q as OnnxValue, key, value), `${p}.attn_out`, true),
  ]);
}

function mlpBlock(context: GraphContext, x: OnnxValue, layer: number): OnnxValue {
  const p = `layers.${layer}`;
  const h = linearNode(context, layerNorm(context, x, `${p}.ln2`), `${p}.fc`, true);
  return context.g.op('Add', [x, linearNode(context, geluTanh(context, h), `${p}.proj`, true)]);
}

export function buildGpt2Layers(context: GraphContext, inputIds: OnnxValue): OnnxValue {
  const { g, config, weight } = context;
  const tokens = g.op('Gather', [weight('embed.weight'), inputIds], { axis: 0 });
  let x = g.op('Add', [tokens, g.op('Gather', [weight('positions.weight'), context.positionIds], { axis: 0 })]);
  for (let layer = 0; layer < config.numLayers; layer++) {
    x = g.scoped(`layer${layer}`, () => mlpBlock(context, attentionBlock(context, x, layer), layer));
  }
  return layerNorm(context, x, 'norm');
}
