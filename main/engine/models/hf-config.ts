/** Hugging Face `config.json` ⇄ ModelConfig. */
import { InputError } from '../errors';
import { type ModelConfig, validateConfig } from './config';

const LLAMA_FAMILY = new Set(['llama', 'mistral', 'qwen2']);
export const SUPPORTED_MODEL_TYPES = [...LLAMA_FAMILY, 'gpt2'];

type Json = Record<string, unknown>;

function int(json: Json, key: string, file: string, fallback?: number): number {
  const value = json[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InputError(`config.json field "${key}" must be an integer, got ${JSON.stringify(value)}`, file);
  }
  return value;
}

function ids(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];
}

function llamaFamily(json: Json, modelType: string, file: string): ModelConfig {
  const numHeads = int(json, 'num_attention_heads', file);
  return {
    architecture: 'llama',
    modelType,
    vocabSize: int(json, 'vocab_size', file),
    hiddenSize: int(json, 'hidden_size', file),
    numLayers: int(json, 'num_hidden_layers', file),
    numHeads,
    numKvHeads: int(json, 'num_key_value_heads', file, numHeads),
    intermediateSize: int(json, 'intermediate_size', file),
    maxPositions: int(json, 'max_position_embeddings', file, 2048),
    normEps: typeof json.rms_norm_eps === 'number' ? json.rms_norm_eps : 1e-6,
    ropeTheta: typeof json.rope_theta === 'number' ? json.rope_theta : 10000,
    tieWordEmbeddings: json.tie_word_embeddings === true,
    // Qwen2 always has q/k/v biases; Llama declares them with attention_bias.
    attentionBias: modelType === 'qwen2' || json.attention_bias === true,
    bosTokenId: typeof json.bos_token_id === 'number' ? json.bos_token_id : undefined,
    eosTokenIds: ids(json.eos_token_id),
  };
}

function gpt2(json: Json, file: string): ModelConfig {
  const hiddenSize = int(json, 'n_embd', file);
  const numHeads = int(json, 'n_head', file);
  return {
    architecture: 'gpt2',
    modelType: 'gpt2',
    vocabSize: int(json, 'vocab_size', file),
    hiddenSize,
    numLayers: int(json, 'n_layer', file),
    numHeads,
    numKvHeads: numHeads,
    intermediateSize: typeof json.n_inner === 'number' ? json.n_inner : 4 * hiddenSize,
    maxPositions: int(json, 'n_positions', file, 1024),
    normEps: typeof json.layer_norm_epsilon === 'number' ? json.layer_norm_epsilon : 1e-5,
    ropeTheta: 0,
    tieWordEmbeddings: json.tie_word_embeddings !== false,
    attentionBias: true,
    bosTokenId: typeof json.bos_token_id === 'number' ? json.bos_token_id : undefined,
    eosTokenIds: ids(json.eos_token_id),
  };
}

export function configFromHf(json: unknown, file: string): ModelConfig {
  if (typeof json !== 'object' || json === null) throw new InputError('config.json is not a JSON object', file);
  const fields = json as Json;
  const modelType = fields.model_type;
  if (typeof modelType !== 'string') throw new InputError('config.json has no "model_type"', file);
  if (modelType === 'gpt2') return validateConfig(gpt2(fields, file), file);
  if (LLAMA_FAMILY.has(modelType)) return validateConfig(llamaFamily(fields, modelType, file), file);
  throw new InputError(`unknown model_type "${modelType}"; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`, file);
}

const ARCHITECTURE_CLASSES: Record<string, string> = {
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  gpt2: 'GPT2LMHeadModel',
};

/** The config.json that `transformers` expects for this model. */
export function configToHf(config: ModelConfig): Json {
  const common = {
    architectures: [ARCHITECTURE_CLASSES[config.modelType] ?? 'LlamaForCausalLM'],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    bos_token_id: config.bosTokenId,
    eos_token_id: config.eosTokenIds.length === 1 ? config.eosTokenIds[0] : config.eosTokenIds,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: 'float32',
  };
  if (config.architecture === 'gpt2') {
    return {
      ...common,
      n_embd: config.hiddenSize,
      n_head: config.numHeads,
      n_layer: config.numLayers,
      n_inner: config.intermediateSize,
      n_positions: config.maxPositions,
      n_ctx: config.maxPositions,
      layer_norm_epsilon: config.normEps,
      activation_function: 'gelu_new',
    };
  }
  return {
    ...common,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    intermediate_size: config.intermediateSize,
    max_position_embeddings: config.maxPositions,
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeTheta,
    hidden_act: 'silu',
    attention_bias: config.modelType === 'llama' ? config.attentionBias : undefined,
  };
}
