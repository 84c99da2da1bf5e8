/**
 * llama2.c checkpoints ("v0": a header of 7 int32, then float32 weights in llama2.c's order), read into HF tensor
 * names and layouts so that the rest of the engine sees one kind of model.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors';
import { type ModelConfig, validateConfig } from '../models/config';
import type { HfTensor } from '../models/hf-weights';

const HEADER_BYTES = 7 * 4;
const MAX_REASONABLE = 1 << 20;

interface Header {
  dim: number;
  hiddenDim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  sharedClassifier: boolean;
  seqLen: number;
}

function readHeader(bytes: Uint8Array, file: string): Header {
  if (bytes.byteLength < HEADER_BYTES)
    throw new InputError(`truncated: ${bytes.byteLength} bytes, the header alone needs 28`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const [dim, hiddenDim, layers, heads, kvHeads, signedVocab, seqLen] = Array.from({ length: 7 }, (_, i) =>
    view.getInt32(i * 4, true),
  ) as number[];
  const header = {
    dim,
    hiddenDim,
    layers,
    heads,
    kvHeads,
    vocab: Math.abs(signedVocab as number),
    sharedClassifier: (signedVocab as number) > 0,
    seqLen,
  } as Header;
  for (const [key, value] of Object.entries(header)) {
    if (typeof value === 'number' && (value <= 0 || value > MAX_REASONABLE)) {
      throw new InputError(
        `header field ${key} = ${value} is not a plausible size; is this a llama2.c v0 checkpoint?`,
        file,
      );
    }
  }
  return header;
}

/** Tensor sizes in file order (llama2.c's run.c layout, torch [out, in] matrices). */
function layout(h: Header): Array<[string, number[]]> {
  const headSize = h.dim / h.heads;
  const kvDim = h.kvHeads * headSize;
  const perLayer = (name: string, shape: number[]): [string, number[]] => [name, [h.layers, ...shape]];
  return [
    ['tok_embeddings', [h.vocab, h.dim]],
    perLayer('attention_norm', [h.dim]),
    perLayer('wq', [h.dim, h.dim]),
    perLayer('wk', [kvDim, h.dim]),
    perLayer('wv', [kvDim, h.dim]),
    perLayer('wo', [h.dim, h.dim]),
    perLayer('ffn_norm', [h.dim]),
    perLayer('w1', [h.hiddenDim, h.dim]),
    perLayer('w2', [h.dim, h.hiddenDim]),
    perLayer('w3', [h.hiddenDim, h.dim]),
    ['norm', [h.dim]],
    ['freq_cis', [h.seqLen, headSize]], // RoPE tables (real and imaginary halves); recomputed, not read
    ...(h.sharedClassifier ? [] : ([['output', [h.vocab, h.dim]]] as Array<[string, number[]]>)),
  ];
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * llama2.c rotates interleaved pairs (2j, 2j+1) of each head; HF rotates halves (j, j + hd/2). Reordering the rows
 * of wq and wk per head turns one convention into the other (the same permutation HF's conversion script applies).
 */
export function interleavedToHalves(rows: Float32Array, heads: number, headSize: number, cols: number): Float32Array {
  const out = new Float32Array(rows.length);
  const half = headSize / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (const c of [0, 1]) {
        const from = (h * headSize + 2 * j + c) * cols;
        out.set(rows.subarray(from, from + cols), (h * headSize + c * half + j) * cols);
      }
    }
  }
  return out;
}

function config(h: Header): ModelConfig {
  return {
    architecture: 'llama',
    modelType: 'llama',
    vocabSize: h.vocab,
    hiddenSize: h.dim,
    numLayers: h.layers,
    numHeads: h.heads,
    numKvHeads: h.kvHeads,
    intermediateSize: h.hiddenDim,
    maxPositions: h.seqLen,
    normEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: h.sharedClassifier,
    attentionBias: false,
    bosTokenId: 1,
    eosTokenIds: [2],
  };
}

function layerTensors(raw: Map<string, Float32Array>, h: Header, layer: number): Array<[string, HfTensor]> {
  const headSize = h.dim / h.heads;
  const kvDim = h.kvHeads * headSize;
  const slice = (name: string, shape: number[]) => {
    const size = count(shape);
    return { shape, data: (raw.get(name) as Float32Array).slice(layer * size, (layer + 1) * size) };
  };
  const p = `model.layers.${layer}`;
  const wq = slice('wq', [h.dim, h.dim]);
  const wk = slice('wk', [kvDim, h.dim]);
  return [
    [`${p}.input_layernorm.weight`, slice('attention_norm', [h.dim])],
    [`${p}.self_attn.q_proj.weight`, { shape: wq.shape, data: interleavedToHalves(wq.data, h.heads, headSize, h.dim) }],
    [
      `${p}.self_attn.k_proj.weight`,
      { shape: wk.shape, data: interleavedToHalves(wk.data, h.kvHeads, headSize, h.dim) },
    ],
    [`${p}.self_attn.v_proj.weight`, slice('wv', [kvDim, h.dim])],
    [`${p}.self_attn.o_proj.weight`, slice('wo', [h.dim, h.dim])],
    [`${p}.post_attention_layernorm.weight`, slice('ffn_norm', [h.dim])],
    [`${p}.mlp.gate_proj.weight`, slice('w1', [h.hiddenDim, h.dim])],
    [`${p}.mlp.down_proj.weight`, slice('w2', [h.dim, h.hiddenDim])],
    [`${p}.mlp.up_proj.weight`, slice('w3', [h.hiddenDim, h.dim])],
  ];
}

export function parseLlama2c(bytes: Uint8Array, file: string): { config: ModelConfig; tensors: Map<string, HfTensor> } {
  const header = readHeader(bytes, file);
  const entries = layout(header);
  const expected = HEADER_BYTES + 4 * entries.reduce((sum, [, shape]) => sum + count(shape), 0);
  if (bytes.byteLength !== expected) {
    throw new InputError(
      `the header (dim ${header.dim}, hidden ${header.hiddenDim}, ${header.layers} layers, ${header.heads} heads, ` +
        `${header.kvHeads} kv heads, vocab ${header.vocab}, seq ${header.seqLen}) needs ${expected} bytes but the file has ${bytes.byteLength}` +
        (bytes.byteLength < expected ? ' (truncated?)' : ''),
      file,
    );
  }
  const modelConfig = validateConfig(config(header), file);
  const floats = new Float32Array(bytes.slice(HEADER_BYTES).buffer);
  const raw = new Map<string, Float32Array>();
  let offset = 0;
  for (const [name, shape] of entries) {
    raw.set(name, floats.subarray(offset, offset + count(shape)));
    offset += count(shape);
  }
  const tensors = new Map<string, HfTensor>([
    [
      'model.embed_tokens.weight',
      { shape: [header.vocab, header.dim], data: raw.get('tok_embeddings') as Float32Array },
    ],
    ['model.norm.weight', { shape: [header.dim], data: raw.get('norm') as Float32Array }],
  ]);
  for (let layer = 0; layer < header.layers; layer++)
    for (const [name, t] of layerTensors(raw, header, layer)) tensors.set(name, t);
  if (!header.sharedClassifier)
    tensors.set('lm_head.weight', { shape: [header.vocab, header.dim], data: raw.get('output') as Float32Array });
  return { config: modelConfig, tensors };
}

export async function readLlama2c(path: string) {
  return parseLlama2c(new Uint8Array(await readFile(path)), path);
}
