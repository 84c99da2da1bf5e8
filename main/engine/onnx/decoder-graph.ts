/**
 * The decoder as an ONNX graph for onnxruntime: input_ids and position_ids [B, T] and the past keys and values in,
 * logits [B, T, V] and the extended keys and values out. Weights are either baked in (initializers) or graph inputs
 * named `weight.<engine name>`, so a checkpoint that changes (the policy during PPO) needs no re-export.
 *
 * The cache travels as one tensor, `past_key_values` → `present`, [2·layers·B, kvHeads, S, headDim] (layer 0 keys,
 * layer 0 values, layer 1 keys, …): each tensor crossing onnxruntime-node's boundary costs about 10 µs a step, more
 * than a whole layer's arithmetic on a small model.
 */
import { headDim, type ModelConfig } from '../models/config';
import { paramShapes } from '../models/model';
import { buildGpt2Layers } from './gpt2-graph';
import { OnnxGraph, type OnnxValue } from './graph';
import type { GraphContext } from './graph-blocks';
import { buildLlamaLayers } from './llama-graph';

export const WEIGHT_INPUT_PREFIX = 'weight.';

function weightSource(g: OnnxGraph, config: ModelConfig, tensors: Record<string, Float32Array> | undefined) {
  const shapes = paramShapes(config);
  const cache = new Map<string, OnnxValue>();
  return (name: string): OnnxValue => {
    const known = cache.get(name);
    if (known) return known;
    const shape = shapes[name];
    if (!shape) throw new Error(`the graph asked for an unknown weight ${name}`);
    const value = tensors
      ? g.initializer(name, tensors[name] as Float32Array, shape)
      : g.input(`${WEIGHT_INPUT_PREFIX}${name}`, 'float32', shape);
    cache.set(name, value);
    return value;
  };
}

/** Causal mask over the present keys: query at position p sees keys 0..p. */
function maskBuilder(g: OnnxGraph, positionIds: OnnxValue) {
  let mask: OnnxValue | undefined;
  return (presentKey: OnnxValue): OnnxValue => {
    if (mask) return mask;
    const length = g.op('Gather', [g.op('Shape', [presentKey]), g.scalar(2, 'int64')], { axis: 0 });
    const keyIndex = g.op('Range', [g.scalar(0, 'int64'), length, g.scalar(1, 'int64')]); // [S]
    const hidden = g.op('Greater', [keyIndex, g.op('Unsqueeze', [positionIds, g.int64s([2])])]); // [B, T, S]
    const additive = g.op('Where', [hidden, g.scalar(-1e9), g.scalar(0)]);
    mask = g.op('Unsqueeze', [additive, g.int64s([1, 2])]);
    return mask;
  };
}

export const PAST_INPUT = 'past_key_values';
export const PRESENT_OUTPUT = 'present';

/** Splits the packed past into per-layer [B, kvH, P, hd] tensors, and packs the presents back. */
function packedCache(g: OnnxGraph, config: ModelConfig, inputIds: OnnxValue) {
  const dims = ['cache_rows', config.numKvHeads, 'past_sequence', headDim(config)];
  const packed = g.input(PAST_INPUT, 'float32', dims);
  const batch = g.op('Gather', [g.op('Shape', [inputIds]), g.int64s([0])], { axis: 0 });
  const sizes = g.op('Expand', [batch, g.int64s([2 * config.numLayers])]);
  const pieces = g.ops('Split', [packed, sizes], 2 * config.numLayers, { axis: 0 });
  const presents: OnnxValue[] = [];
  return {
    past: (layer: number) => ({ key: pieces[2 * layer] as OnnxValue, value: pieces[2 * layer + 1] as OnnxValue }),
    present: (layer: number, key: OnnxValue, value: OnnxValue) => {
      presents[2 * layer] = key;
      presents[2 * layer + 1] = value;
    },
    finish: () =>
      g.output(g.op('Concat', presents, { axis: 0 }), PRESENT_OUTPUT, 'float32', [
        ...dims.slice(0, 2),
        'total_sequence',
        headDim(config),
      ]),
  };
}

export function buildDecoderGraph(config: ModelConfig, tensors: Record<string, Float32Array> | undefined): Uint8Array {
  const g = new OnnxGraph(`${config.modelType}-decoder`);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const positionIds = g.input('position_ids', 'int64', ['batch', 'sequence']);
  const cache = packedCache(g, config, inputIds);
  const context: GraphContext = {
    g,
    config,
    weight: weightSource(g, config, tensors),
    positionIds,
    mask: maskBuilder(g, positionIds),
    past: cache.past,
    present: cache.present,
  };
  const hidden =
    config.architecture === 'llama' ? buildLlamaLayers(context, inputIds) : buildGpt2Layers(context, inputIds);
  g.output(logitsOf(context, hidden), 'logits', 'float32', ['batch', 'sequence', config.vocabSize]);
  cache.finish();
  return g.toModel({ producer: 'alignment-workbench' });
}

function logitsOf({ g, config, weight }: GraphContext, hidden: OnnxValue): OnnxValue {
  if (!config.tieWordEmbeddings) return g.op('MatMul', [hidden, weight('lm_head.weight')]);
  return g.op('MatMul', [hidden, g.op('Transpose', [weight('embed.weight')], { perm: [1, 0] })]);
}
