/** Hugging Face model folders: config.json, model.safetensors (or shards + index), tokenizer files. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors';
import { readSafetensorsFile, readShardedSafetensors, SHARD_INDEX_FILE, writeSafetensorsFile } from '../io/safetensors';
import type { ModelConfig } from './config';
import { configFromHf, configToHf } from './hf-config';
import type { HfTensor } from './hf-weights';

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${(error as Error).message}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, file);
  }
}

/** Reads config.json and every tensor of an HF folder (float tensors upcast to float32). */
export async function readHfModel(folder: string): Promise<{ config: ModelConfig; tensors: Map<string, HfTensor> }> {
  const configFile = path.join(folder, 'config.json');
  if (!existsSync(configFile)) throw new InputError('no config.json: not a Hugging Face model folder', folder);
  const config = configFromHf(await readJsonFile(configFile), configFile);
  const single = path.join(folder, 'model.safetensors');
  let contents: { tensors: Array<{ name: string; shape: number[]; data: Float32Array | Int32Array }> };
  if (existsSync(single)) contents = await readSafetensorsFile(single);
  else if (existsSync(path.join(folder, SHARD_INDEX_FILE))) contents = await readShardedSafetensors(folder);
  else throw new InputError(`no model.safetensors or ${SHARD_INDEX_FILE} (only safetensors weights are read)`, folder);
  const tensors = new Map<string, HfTensor>();
  for (const tensor of contents.tensors) {
    if (tensor.data instanceof Float32Array) tensors.set(tensor.name, { shape: tensor.shape, data: tensor.data });
  }
  return { config, tensors };
}

/** Writes config.json, generation_config.json and model.safetensors as transformers expects them. */
export async function writeHfModel(folder: string, config: ModelConfig, tensors: Array<{ name: string } & HfTensor>) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path.join(folder, 'config.json'), `${JSON.stringify(configToHf(config), null, 2)}\n`);
  const generation = { bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenIds, _from_model_config: true };
  await writeFile(path.join(folder, 'generation_config.json'), `${JSON.stringify(generation, null, 2)}\n`);
  await writeSafetensorsFile(path.join(folder, 'model.safetensors'), tensors, { format: 'pt' });
}
