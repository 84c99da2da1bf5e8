/**
 * The weights of the ONNX decoding step (step-graph.ts), widened from the engine's tensors (linear weights
 * [in, out]): q/k/v as one matrix whose query heads are [q_h / √hd, 0] and whose cache heads are [k_j, v_j], and an
 * output projection with hd zero rows before each head's rows. Everything else keeps the engine's values.
 */
import { headDim, type ModelConfig } from '../models/config';

export interface StepTensor {
  data: Float32Array;
  dims: number[];
}
export type StepWeights = Record<string, StepTensor>;

/** Width of one layer's cache row: kvH heads of [k_j, v_j]. */
export function stepRowWidth(config: ModelConfig): number {
  return config.numKvHeads * 2 * headDim(config);
}

/** Width of the widened q/k/v projection: H query heads [q_h, 0], then the cache row. */
export function stepQkvWidth(config: ModelConfig): number {
  return 2 * config.hiddenSize + stepRowWidth(config);
}

type Lookup = (name: string) => Float32Array;

/** The dims of every step weight; `stepWeights` fills them. */
export function stepWeightDims(config: ModelConfig): Record<string, number[]> {
  const { hiddenSize: d, vocabSize: vocab, intermediateSize: hidden } = config;
  const gpt2 = config.architecture === 'gpt2';
  const dims: Record<string, number[]> = {
    'embed.weight': [vocab, d],
    'lm_head.weight': [d, vocab],
    'norm.weight': [d],
  };
  if (gpt2) Object.assign(dims, { 'positions.weight': [config.maxPositions, d], 'norm.bias': [d] });
  for (let layer = 0; layer < config.numLayers; layer++) {
    const p = `layers.${layer}`;
    dims[`${p}.qkv.weight`] = [d, stepQkvWidth(config)];
    dims[`${p}.o.weight`] = [2 * d, d];
    if (gpt2 || config.attentionBias) dims[`${p}.qkv.bias`] = [stepQkvWidth(config)];
    const names = gpt2
      ? ['ln1.weight', 'ln1.bias', 'ln2.weight', 'ln2.bias', 'attn_out.bias', 'proj.bias', 'fc.bias']
      : ['input_norm.weight', 'post_norm.weight'];
    for (const name of names) dims[`${p}.${name}`] = [name === 'fc.bias' ? hidden : d];
    if (gpt2) Object.assign(dims, { [`${p}.fc.weight`]: [d, hidden], [`${p}.proj.weight`]: [hidden, d] });
    else {
      Object.assign(dims, {
        [`${p}.gate.weight`]: [d, hidden],
        [`${p}.up.weight`]: [d, hidden],
        [`${p}.down.weight`]: [hidden, d],
      });
    }
  }
  return dims;
}

/** The step weights from the engine's tensors. */
export function stepWeights(config: ModelConfig, tensors: Record<string, Float32Array>): StepWeights {
  const get: Lookup = (name) => {
    const data = tensors[name];
    if (!data) throw new Error(`no weight ${name} for the ONNX decoding step`);
    return data;
  };
  const d = config.hiddenSize;
  const derived: Record<string, Float32Array> = {
    'lm_head.weight': config.tieWordEmbeddings
      ? transposed(get('embed.weight'), config.vocabSize, d)
      : get('lm_head.weight'),
  };
  for (let layer = 0; layer < config.numLayers; layer++) {
    Object.assign(
      derived,
      config.architecture === 'gpt2' ? gpt2Layer(config, get, layer) : llamaLayer(config, get, layer),
    );
  }
  const out: StepWeights = {};
  for (const [name, dims] of Object.entries(stepWeightDims(config))) {
    out[name] = { data: derived[name] ?? get(name), dims };
  }
  return out;
}

function llamaLayer(config: ModelConfig, get: Lookup, layer: number): Record<string, Float32Array> {
  const p = `layers.${layer}`;
  const d = config.hiddenSize;
  const qkv = (suffix: string, rows: number) =>
    widenedQkv(config, [`${p}.q.${suffix}`, `${p}.k.${suffix}`, `${p}.v.${suffix}`].map(get), rows);
  const out: Record<string, Float32Array> = {
    [`${p}.qkv.weight`]: qkv('weight', d),
    [`${p}.o.weight`]: widenedOutput(config, get(`${p}.o.weight`)),
  };
  if (config.attentionBias) out[`${p}.qkv.bias`] = qkv('bias', 1);
  return out;
}

/** GPT-2 keeps q, k and v in one [D, 3D] matrix (and a [3D] bias): split it first. */
function gpt2Layer(config: ModelConfig, get: Lookup, layer: number): Record<string, Float32Array> {
  const p = `layers.${layer}`;
  const d = config.hiddenSize;
  const thirds = (data: Float32Array, rows: number) =>
    [0, 1, 2].map((part) => {
      const out = new Float32Array(rows * d);
      for (let r = 0; r < rows; r++) out.set(data.subarray(r * 3 * d + part * d, r * 3 * d + (part + 1) * d), r * d);
      return out;
    });
  return {
    [`${p}.qkv.weight`]: widenedQkv(config, thirds(get(`${p}.qkv.weight`), d), d),
    [`${p}.qkv.bias`]: widenedQkv(config, thirds(get(`${p}.qkv.bias`), 1), 1),
    [`${p}.o.weight`]: widenedOutput(config, get(`${p}.attn_out.weight`)),
  };
}

/**
 * [rows, 2·D + kvH·2·hd]: H query heads [q_h / √hd, 0], then kvH cache heads [k_j, v_j]. `rows` is D for a weight
 * and 1 for a bias. Attention's 1/√hd is folded into the query (RoPE is linear, so it commutes).
 */
function widenedQkv(config: ModelConfig, [q, k, v]: Float32Array[], rows: number): Float32Array {
  const size = headDim(config);
  const qWidth = config.numHeads * size;
  const kvWidth = config.numKvHeads * size;
  const width = stepQkvWidth(config);
  const queryScale = 1 / Math.sqrt(size);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < config.numHeads; h++) {
      const at = r * width + h * 2 * size;
      for (let i = 0; i < size; i++)
        out[at + i] = ((q as Float32Array)[r * qWidth + h * size + i] as number) * queryScale;
    }
    for (let j = 0; j < config.numKvHeads; j++) {
      const at = r * width + 2 * qWidth + j * 2 * size;
      out.set((k as Float32Array).subarray(r * kvWidth + j * size, r * kvWidth + (j + 1) * size), at);
      out.set((v as Float32Array).subarray(r * kvWidth + j * size, r * kvWidth + (j + 1) * size), at + size);
    }
  }
  return out;
}

/** [2·D, D]: for head h, hd zero rows (the attended keys) then head h's rows of o (the attended values). */
function widenedOutput(config: ModelConfig, o: Float32Array): Float32Array {
  const size = headDim(config);
  const d = config.hiddenSize;
  const out = new Float32Array(2 * d * d);
  for (let h = 0; h < config.numHeads; h++)
    out.set(o.subarray(h * size * d, (h + 1) * size * d), (2 * h + 1) * size * d);
  return out;
}

function transposed(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}
