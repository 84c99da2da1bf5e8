/**
 * One config type for every architecture the engine runs, mapped from Hugging Face `config.json` fields.
 */
import { InputError } from '../errors';

export type Architecture = 'llama' | 'gpt2';

export interface ModelConfig {
  architecture: Architecture;
  /** HF model_type it came from (llama, mistral, qwen2, gpt2), kept for export. */
  modelType: string;
  vocabSize: number;
  /** Width of the residual stream (d_model). */
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Key/value heads; fewer than numHeads is grouped-query attention. */
  numKvHeads: number;
  /** Width of the MLP's hidden layer. */
  intermediateSize: number;
  maxPositions: number;
  normEps: number;
  /** RoPE base (Llama family). */
  ropeTheta: number;
  /** The LM head reuses the token embedding. */
  tieWordEmbeddings: boolean;
  /** q/k/v projections have biases (Qwen2). */
  attentionBias: boolean;
  bosTokenId?: number;
  eosTokenIds: number[];
}

export function headDim(config: ModelConfig): number {
  return config.hiddenSize / config.numHeads;
}

/** A model small enough for unit tests: 2 layers, 4 heads (2 kv), width 16, vocab 32. */
export function tinyConfig(architecture: Architecture = 'llama', overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    architecture,
    modelType: architecture,
    vocabSize: 32,
    hiddenSize: 16,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: architecture === 'llama' ? 2 : 4,
    intermediateSize: architecture === 'llama' ? 24 : 64,
    maxPositions: 64,
    normEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: architecture === 'gpt2',
    attentionBias: false,
    bosTokenId: 1,
    eosTokenIds: [2],
    ...overrides,
  };
}

/** Checks the sizes fit together; throws InputError naming the field. */
export function validateConfig(config: ModelConfig, file?: string): ModelConfig {
  const positive: Array<keyof ModelConfig> = [
    'vocabSize',
    'hiddenSize',
    'numLayers',
    'numHeads',
    'numKvHeads',
    'intermediateSize',
    'maxPositions',
  ];
  for (const key of positive) {
    const value = config[key];
    if (!Number.isInteger(value) || (value as number) <= 0)
      throw new InputError(`${key} must be a positive integer, got ${value}`, file);
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new InputError(`hidden size ${config.hiddenSize} is not a multiple of ${config.numHeads} heads`, file);
  }
  if (config.numHeads % config.numKvHeads !== 0) {
    throw new InputError(`${config.numHeads} heads are not a multiple of ${config.numKvHeads} key/value heads`, file);
  }
  if (config.architecture === 'llama' && headDim(config) % 2 !== 0) {
    throw new InputError(`RoPE needs an even head size, got ${headDim(config)}`, file);
  }
  return config;
}
