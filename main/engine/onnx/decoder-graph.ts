/**
 * The decoder as an ONNX graph for onnxruntime: input_ids and position_ids [B, T] plus each layer's past keys and
 * values in, logits [B, T, V] and the extended keys and values out. Weights are either baked in (initializers) or graph
 * inputs named `weight.<engine name>`, so a checkpoint that changes (the policy during PPO) needs no re-export.
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

export function buildDecoderGraph(config: ModelConfig, tensors: Record<string, Float32Array> | undefined): Uint8Array {
  const g = new OnnxGraph(`${config.modelType}-decoder`);
  const inputIds = g.input('input_ids', 'int64', ['batch', 'sequence']);
  const positionIds = g.input('position_ids', 'int64', ['batch', 'sequence']);
  const size = headDim(config);
  const kvShape = ['batch', config.numKvHeads, 'past_sequence', size];
  const context: GraphContext = {
    g,
    config,
    weight: weightSource(g, config, tensors),
    positionIds,
    mask: maskBuilder(g, positionIds),
    past: (layer) => ({
      key: g.input(`past_key_values.${layer}.key`, 'float32', kvShape),
      value: g.input(`past_key_values.${layer}.value`, 'float32', kvShape),
    }),
    present: (layer, key, value) => {
      const shape = ['batch', config.numKvHeads, 'total_sequence', size];
      g.output(key, `present.${layer}.key`, 'float32', shape);
      g.output(value, `present.${layer}.value`, 'float32', shape);
    },
  };
  const hidden =
    config.architecture === 'llama' ? buildLlamaLayers(context, inputIds) : buildGpt2Layers(context, inputIds);
  g.output(logitsOf(context, hidden), 'logits', 'float32', ['batch', 'sequence', config.vocabSize]);
  return g.toModel({ producer: 'alignment-workbench' });
}

function logitsOf({ g, config, weight }: GraphContext, hidden: OnnxValue): OnnxValue {
  if (!config.tieWordEmbeddings) return g.op('MatMul', [hidden, weight('lm_head.weight')]);
  return g.op('MatMul', [hidden, g.op('Transpose', [weight('embed.weight')], { perm: [1, 0] })]);
}
