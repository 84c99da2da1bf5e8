/**
 * One decoding step (one token, batch 1) as an ONNX graph for onnxruntime, laid out for the fewest nodes and no cache
 * traffic: on a small model the per-node and per-byte costs of onnxruntime-node, not the arithmetic, set the speed.
 *
 * - The key/value cache never leaves JS. Each layer's cache is a graph input [1, S, row] that is a prefix view of a
 *   JS buffer (onnxruntime-node wraps input arrays without copying), and the step outputs only the new token's rows,
 *   which the caller appends. A cache as a graph output costs a copy of all of it on every step (measured on
 *   onnxruntime-node 1.30: about 60 µs per 64 KB of output), more than the whole model's arithmetic.
 * - One tensor serves as keys and values: a query head is [q_h, 0] and a cache row holds, per key/value head,
 *   [k_j, v_j]. The zeros make q·[k, v] = q·k; the attention output is then [Σp·k, Σp·v], whose first half the widened
 *   output projection drops with zero rows (step-weights.ts). The G query heads of key/value head j are multiplied
 *   with its rows in one batched MatMul ([kvH, G, 2hd]), so grouped-query models need no expanded cache.
 * - Llama's RoPE is one RotaryEmbedding node over [q' | row] (H + kvH heads of 2·hd) with rotary_embedding_dim hd:
 *   it rotates q_h and k_j and leaves the zeros and v_j as they are.
 *
 * Inputs: input_ids and position_ids [1, 1], `cache.<layer>` [1, S, row]; weights as initializers, or as inputs
 * named `weight.<name>` (see step-weights.ts) so a changing policy needs no re-export. Outputs: logits [1, 1, V] and
 * `new_cache_rows` [layers, 1, row].
 */
import { headDim, type ModelConfig } from '../models/config';
import { attr, OnnxGraph, type OnnxValue } from './graph';
import { type StepWeights, stepRowWidth, stepWeightDims } from './step-weights';

export const STEP_WEIGHT_PREFIX = 'weight.';
export const STEP_CACHE_PREFIX = 'cache.';
export const STEP_NEW_ROWS = 'new_cache_rows';

const MS = { domain: 'com.microsoft' };

interface StepContext {
  g: OnnxGraph;
  config: ModelConfig;
  weight(name: string): OnnxValue;
  positionIds: OnnxValue;
  /** Llama: RoPE cos and sin tables [maxPositions, hd/2]. */
  rotary?: [OnnxValue, OnnxValue];
}

/** cos and sin of RoPE angles, [maxPositions, hd/2]. */
function rotaryTables({ g, config }: StepContext): [OnnxValue, OnnxValue] {
  const size = headDim(config);
  const half = size / 2;
  const cos = new Float32Array(config.maxPositions * half);
  const sin = new Float32Array(config.maxPositions * half);
  for (let position = 0; position < config.maxPositions; position++) {
    for (let i = 0; i < half; i++) {
      const angle = position * config.ropeTheta ** (-(2 * i) / size);
      cos[position * half + i] = Math.cos(angle);
      sin[position * half + i] = Math.sin(angle);
    }
  }
  return [
    g.initializer('rope.cos', cos, [config.maxPositions, half]),
    g.initializer('rope.sin', sin, [config.maxPositions, half]),
  ];
}

/** One layer's attention: the output before its projection's bias [1, 1, D], and the new cache row [1, 1, row]. */
function attention(context: StepContext, h: OnnxValue, layer: number): [OnnxValue, OnnxValue] {
  const { g, config, weight } = context;
  const p = `layers.${layer}`;
  const size = headDim(config);
  const d = config.hiddenSize;
  const row = stepRowWidth(config);
  let qkv = g.op('MatMul', [h, weight(`${p}.qkv.weight`)]); // [1, 1, 2D + row]
  if (config.architecture === 'gpt2' || config.attentionBias) qkv = g.op('Add', [qkv, weight(`${p}.qkv.bias`)]);
  if (context.rotary) {
    const heads = config.numHeads + config.numKvHeads;
    const options = { interleaved: 0, num_heads: heads, rotary_embedding_dim: size };
    qkv = g.op('RotaryEmbedding', [qkv, context.positionIds, ...context.rotary], options, MS);
  }
  const [query, newRow] = g.ops('Split', [qkv, g.int64s([2 * d, row])], 2, { axis: -1 }) as [OnnxValue, OnnxValue];
  const past = g.input(`${STEP_CACHE_PREFIX}${layer}`, 'float32', [1, 'past_sequence', row]);
  const kvHeads = config.numKvHeads;
  const cache = g.op('Reshape', [g.op('Concat', [past, newRow], { axis: 1 }), g.int64s([-1, kvHeads, 2 * size])]);
  const queries = g.op('Reshape', [query, g.int64s([kvHeads, config.numHeads / kvHeads, 2 * size])]); // [kvH, G, 2hd]
  // One transposed copy of the cache serves both products: the scores read it as Bᵀ (4,946 against 4,749 tokens/s
  // with a second Transpose for the keys, medians of 25 interleaved runs).
  const values = g.op('Transpose', [cache], { perm: [1, 0, 2] }); // [kvH, S + 1, 2hd]
  const scores = g.op('FusedMatMul', [queries, values], { transB: 1 }, MS); // [kvH, G, S + 1]
  const probabilities = g.op('Softmax', [scores], { axis: -1 });
  const mixed = g.op('MatMul', [probabilities, values]); // [kvH, G, 2hd]: head j·G + g, as the weights order them
  const attended = g.op('Reshape', [mixed, g.int64s([1, 1, 2 * d])]);
  return [g.op('MatMul', [attended, weight(`${p}.o.weight`)]), newRow];
}

function mlp({ g, config, weight }: StepContext, h: OnnxValue, layer: number): OnnxValue {
  const p = `layers.${layer}`;
  if (config.architecture === 'gpt2') {
    const gelu = g.op('FastGelu', [g.op('MatMul', [h, weight(`${p}.fc.weight`)]), weight(`${p}.fc.bias`)], {}, MS);
    return g.op('MatMul', [gelu, weight(`${p}.proj.weight`)]);
  }
  // Two MatMuls rather than one and a Split: 6,666 against 6,180 tokens/s (stories260K, medians of 25 interleaved runs).
  const gate = g.op('MatMul', [h, weight(`${p}.gate.weight`)]);
  const up = g.op('MatMul', [h, weight(`${p}.up.weight`)]);
  const swish = g.op('QuickGelu', [gate], { alpha: attr.float(1) }, MS);
  return g.op('MatMul', [g.op('Mul', [swish, up]), weight(`${p}.down.weight`)]);
}

/** The norms by architecture: [weight, bias] names before layer l's attention (l = layers: the final norm) and MLP. */
function norms(config: ModelConfig) {
  const gpt2 = config.architecture === 'gpt2';
  const beforeAttention = (layer: number) => {
    if (layer === config.numLayers) return gpt2 ? ['norm.weight', 'norm.bias'] : ['norm.weight'];
    return gpt2 ? [`layers.${layer}.ln1.weight`, `layers.${layer}.ln1.bias`] : [`layers.${layer}.input_norm.weight`];
  };
  const beforeMlp = (layer: number) =>
    gpt2 ? [`layers.${layer}.ln2.weight`, `layers.${layer}.ln2.bias`] : [`layers.${layer}.post_norm.weight`];
  return { beforeAttention, beforeMlp };
}

/** residual + update (+ bias), normalised: [normalised, new residual]. */
function addAndNorm(context: StepContext, update: OnnxValue, residual: OnnxValue, norm: string[], bias?: string) {
  const { g, config, weight } = context;
  const [gamma, beta] = norm.map(weight) as [OnnxValue, OnnxValue | undefined];
  const epsilon = attr.float(config.normEps);
  const outputs = beta
    ? g.ops('SkipLayerNormalization', [update, residual, gamma, beta, bias ? weight(bias) : null], 4, { epsilon }, MS)
    : g.ops('SkipSimplifiedLayerNormalization', [update, residual, gamma], 4, { epsilon }, MS);
  return [outputs[0], outputs[3]] as [OnnxValue, OnnxValue];
}

/** The embedded token (plus its learned position for GPT-2), and its first normalisation. */
function embed(context: StepContext, inputIds: OnnxValue): [OnnxValue, OnnxValue] {
  const { g, config, weight } = context;
  let residual = g.op('Gather', [weight('embed.weight'), inputIds], { axis: 0 });
  const [gamma, beta] = norms(config).beforeAttention(0).map(weight) as [OnnxValue, OnnxValue | undefined];
  const epsilon = attr.float(config.normEps);
  if (!beta) return [g.op('SimplifiedLayerNormalization', [residual, gamma], { epsilon, axis: -1 }), residual];
  residual = g.op('Add', [residual, g.op('Gather', [weight('positions.weight'), context.positionIds], { axis: 0 })]);
  return [g.op('LayerNormalization', [residual, gamma, beta], { epsilon, axis: -1 }), residual];
}

function weightSource(g: OnnxGraph, config: ModelConfig, weights: StepWeights | undefined) {
  const dims = stepWeightDims(config);
  const values = new Map<string, OnnxValue>();
  return (name: string): OnnxValue => {
    const known = values.get(name);
    if (known) return known;
    const shape = dims[name];
    if (!shape) throw new Error(`the step graph asked for an unknown weight ${name}`);
    const value = weights
      ? g.initializer(name, (weights[name] as StepWeights[string]).data, shape)
      : g.input(`${STEP_WEIGHT_PREFIX}${name}`, 'float32', shape);
    values.set(name, value);
    return value;
  };
}

/** The decoding step of a Llama-family or GPT-2 model; `weights` given: baked in, omitted: graph inputs. */
export function buildStepGraph(config: ModelConfig, weights?: StepWeights): Uint8Array {
  const g = new OnnxGraph(`${config.modelType}-step`);
  const inputIds = g.input('input_ids', 'int64', [1, 1]);
  const positionIds = g.input('position_ids', 'int64', [1, 1]);
  const context: StepContext = { g, config, weight: weightSource(g, config, weights), positionIds };
  if (config.architecture === 'llama') context.rotary = rotaryTables(context);
  const { beforeAttention, beforeMlp } = norms(config);
  const gpt2 = config.architecture === 'gpt2';
  let [h, residual] = embed(context, inputIds);
  const rows: OnnxValue[] = [];
  for (let layer = 0; layer < config.numLayers; layer++) {
    g.scoped(`layer${layer}`, () => {
      const [attended, row] = attention(context, h, layer);
      rows.push(row);
      const p = `layers.${layer}`;
      [h, residual] = addAndNorm(
        context,
        attended,
        residual,
        beforeMlp(layer),
        gpt2 ? `${p}.attn_out.bias` : undefined,
      );
      const next = beforeAttention(layer + 1);
      [h, residual] = addAndNorm(context, mlp(context, h, layer), residual, next, gpt2 ? `${p}.proj.bias` : undefined);
    });
  }
  g.output(g.op('MatMul', [h, context.weight('lm_head.weight')]), 'logits', 'float32', [1, 1, config.vocabSize]);
  g.output(g.op('Concat', rows, { axis: 0 }), STEP_NEW_ROWS, 'float32', [config.numLayers, 1, stepRowWidth(config)]);
  return g.toModel({ producer: 'alignment-workbench' });
}
