/** Pieces of the decoder graph that the architectures share. */
import { headDim, type ModelConfig } from '../models/config';
import { ropeTables } from '../models/layers';
import type { OnnxGraph, OnnxValue } from './graph';

/** What the architecture builders share: the graph, weights by engine name, and the inputs every layer uses. */
export interface GraphContext {
  g: OnnxGraph;
  config: ModelConfig;
  weight(name: string): OnnxValue;
  positionIds: OnnxValue;
  /** [B, 1, 1, T, S] for grouped heads (0 visible, -1e9 hidden); built once the first layer knows S. */
  mask(presentKey: OnnxValue): OnnxValue;
  past(layer: number): { key: OnnxValue; value: OnnxValue };
  present(layer: number, key: OnnxValue, value: OnnxValue): void;
}

/** RoPE cos and sin for the given positions, [B, T, 1, hd] to broadcast over heads. */
export function ropeForPositions({ g, config, positionIds }: GraphContext): [OnnxValue, OnnxValue] {
  const [cos, sin] = ropeTables(0, config.maxPositions, headDim(config), config.ropeTheta);
  const tables = [cos.dataSync() as Float32Array, sin.dataSync() as Float32Array];
  cos.dispose();
  sin.dispose();
  return tables.map((table, i) => {
    const constant = g.initializer(i === 0 ? 'rope.cos' : 'rope.sin', table, [config.maxPositions, headDim(config)]);
    return g.op('Unsqueeze', [g.op('Gather', [constant, positionIds], { axis: 0 }), g.int64s([2])]);
  }) as [OnnxValue, OnnxValue];
}

/** Attention over grouped heads. q: [B, T, H, hd]; k, v: [B, kvH, S, hd] (present). Returns [B, T, H·hd]. */
export function groupedAttention(context: GraphContext, q: OnnxValue, key: OnnxValue, value: OnnxValue): OnnxValue {
  const { g, config } = context;
  const size = headDim(config);
  const groups = config.numHeads / config.numKvHeads;
  const grouped = g.op('Transpose', [g.op('Reshape', [q, g.int64s([0, 0, config.numKvHeads, groups, size])])], {
    perm: [0, 2, 3, 1, 4],
  });
  const scaled = g.op('Mul', [grouped, g.scalar(1 / Math.sqrt(size))]); // [B, kvH, G, T, hd]
  const keysT = g.op('Unsqueeze', [g.op('Transpose', [key], { perm: [0, 1, 3, 2] }), g.int64s([2])]); // [B, kvH, 1, hd, S]
  const scores = g.op('Add', [g.op('MatMul', [scaled, keysT]), context.mask(key)]);
  const probabilities = g.op('Softmax', [scores], { axis: -1 });
  const out = g.op('MatMul', [probabilities, g.op('Unsqueeze', [value, g.int64s([2])])]); // [B, kvH, G, T, hd]
  const heads = g.op('Transpose', [out], { perm: [0, 3, 1, 2, 4] }); // [B, T, kvH, G, hd]
  return g.op('Reshape', [heads, g.int64s([0, 0, config.hiddenSize])]);
}

/** x·W (+ b) with W [in, out] from the weights. */
export function linearNode({ g, weight }: GraphContext, x: OnnxValue, name: string, hasBias: boolean): OnnxValue {
  const product = g.op('MatMul', [x, weight(`${name}.weight`)]);
  return hasBias ? g.op('Add', [product, weight(`${name}.bias`)]) : product;
}
