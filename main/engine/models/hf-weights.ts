/**
 * Hugging Face tensor names and layouts ⇄ the engine's. transformers stores nn.Linear weights [out, in]; the engine
 * stores [in, out] so that its matmuls need no transposed operand. GPT-2's Conv1D weights are [in, out] already.
 */
import { InputError } from '../errors';
import type { ModelConfig } from './config';
import { paramShapes } from './model';

interface NameRule {
  /** Engine name → HF name, per layer index (ignored for global tensors). */
  hf: string;
  transpose: boolean;
}

const LLAMA_LAYER: Record<string, NameRule> = {
  'input_norm.weight': { hf: 'input_layernorm.weight', transpose: false },
  'post_norm.weight': { hf: 'post_attention_layernorm.weight', transpose: false },
  ...Object.fromEntries(
    ['q', 'k', 'v', 'o'].flatMap((p) => [
      [`${p}.weight`, { hf: `self_attn.${p}_proj.weight`, transpose: true }],
      [`${p}.bias`, { hf: `self_attn.${p}_proj.bias`, transpose: false }],
    ]),
  ),
  ...Object.fromEntries(
    ['gate', 'up', 'down'].map((p) => [`${p}.weight`, { hf: `mlp.${p}_proj.weight`, transpose: true }]),
  ),
};

const GPT2_LAYER: Record<string, NameRule> = Object.fromEntries(
  [
    ['ln1', 'ln_1'],
    ['ln2', 'ln_2'],
    ['qkv', 'attn.c_attn'],
    ['attn_out', 'attn.c_proj'],
    ['fc', 'mlp.c_fc'],
    ['proj', 'mlp.c_proj'],
  ].flatMap(([engine, hf]) => [
    [`${engine}.weight`, { hf: `${hf}.weight`, transpose: false }],
    [`${engine}.bias`, { hf: `${hf}.bias`, transpose: false }],
  ]),
);

const GLOBALS: Record<string, Record<string, NameRule>> = {
  llama: {
    'embed.weight': { hf: 'model.embed_tokens.weight', transpose: false },
    'norm.weight': { hf: 'model.norm.weight', transpose: false },
    'lm_head.weight': { hf: 'lm_head.weight', transpose: true },
  },
  gpt2: {
    'embed.weight': { hf: 'wte.weight', transpose: false },
    'positions.weight': { hf: 'wpe.weight', transpose: false },
    'norm.weight': { hf: 'ln_f.weight', transpose: false },
    'norm.bias': { hf: 'ln_f.bias', transpose: false },
    'lm_head.weight': { hf: 'lm_head.weight', transpose: true },
  },
};

/** The HF name and layout of an engine parameter. */
export function hfNameOf(config: ModelConfig, engineName: string): NameRule {
  const global = GLOBALS[config.architecture]?.[engineName];
  if (global) return global;
  const match = /^layers\.(\d+)\.(.+)$/.exec(engineName);
  const rule = match && (config.architecture === 'llama' ? LLAMA_LAYER : GPT2_LAYER)[match[2] as string];
  if (!match || !rule) throw new Error(`no Hugging Face name for ${engineName}`);
  const prefix = config.architecture === 'llama' ? `model.layers.${match[1]}` : `h.${match[1]}`;
  return { hf: `${prefix}.${rule.hf}`, transpose: rule.transpose };
}

/** [rows, cols] → [cols, rows] */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

export interface HfTensor {
  shape: number[];
  data: Float32Array;
}

/** HF tensors → the engine's, checking every expected tensor is there with the expected shape. */
export function fromHfTensors(
  config: ModelConfig,
  hf: Map<string, HfTensor>,
  file: string,
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    const rule = hfNameOf(config, name);
    const tensor = hf.get(rule.hf) ?? hf.get(`transformer.${rule.hf}`);
    if (!tensor) throw new InputError(`tensor ${rule.hf} is missing`, file);
    const expected = rule.transpose ? [...shape].reverse() : shape;
    if (tensor.shape.join('×') !== expected.join('×')) {
      throw new InputError(`tensor ${rule.hf} has shape [${tensor.shape}] but the config needs [${expected}]`, file);
    }
    out[name] = rule.transpose ? transpose2d(tensor.data, expected[0] as number, expected[1] as number) : tensor.data;
  }
  return out;
}

/** The engine's tensors → HF names and layouts, in the order paramShapes gives. */
export function toHfTensors(
  config: ModelConfig,
  tensors: Record<string, Float32Array>,
): Array<{ name: string } & HfTensor> {
  return Object.entries(paramShapes(config)).map(([name, shape]) => {
    const rule = hfNameOf(config, name);
    const data = tensors[name] as Float32Array;
    if (!rule.transpose) return { name: rule.hf, shape, data };
    return {
      name: rule.hf,
      shape: [shape[1] as number, shape[0] as number],
      data: transpose2d(data, shape[0] as number, shape[1] as number),
    };
  });
}
