/**
 * Models in the workspace: import (validated in full before anything is written), load, export. Each model is an HF
 * folder under models/NAME, with its tokenizer files copied in, so deleting the original loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Catalogue, type ModelRecord } from '../catalogue/catalogue';
import { InputError } from '../errors';
import { readLlama2c } from '../io/llama2c';
import { readSafetensorsFile, serializeSafetensors } from '../io/safetensors';
import { readHfTokenizer } from '../tokenizers/hf';
import { parseLlama2cTokenizer, readLlama2cTokenizer } from '../tokenizers/llama2c';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { ModelConfig } from './config';
import { readHfModel, writeHfModel } from './hf-folder';
import { fromHfTensors, type HfTensor, toHfTensors } from './hf-weights';
import { hasLora, mergeLora } from './lora';
import { CausalLM, paramShapes } from './model';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LLAMA2C_TOKENIZER = 'tokenizer.bin';
const HF_TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
];

interface Source {
  config: ModelConfig;
  engineTensors: Record<string, Float32Array>;
  tokenizer: Tokenizer;
  tokenizerKind: ModelRecord['tokenizer'];
  /** Files to copy into the model folder: [source path, name in the folder]. */
  tokenizerFiles: Array<[string, string]>;
}

function checkVocabulary(tokenizer: Tokenizer, config: ModelConfig, file: string): void {
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new InputError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has only ${config.vocabSize}`,
      file,
    );
  }
}

async function readLlama2cSource(file: string, tokenizerFile: string | undefined): Promise<Source> {
  if (!tokenizerFile)
    throw new InputError('a llama2.c checkpoint needs its tokenizer: pass --tokenizer tokenizer.bin', file);
  const { config, tensors } = await readLlama2c(file);
  const tokenizer = await readLlama2cTokenizer(tokenizerFile, config.vocabSize);
  return {
    config,
    engineTensors: fromHfTensors(config, tensors, file),
    tokenizer,
    tokenizerKind: 'llama2c',
    tokenizerFiles: [[tokenizerFile, LLAMA2C_TOKENIZER]],
  };
}

async function readHfSource(folder: string): Promise<Source> {
  const { config, tensors } = await readHfModel(folder);
  const engineTensors = fromHfTensors(config, tensors, folder);
  const tokenizer = await readHfTokenizer(folder);
  checkVocabulary(tokenizer, config, path.join(folder, 'tokenizer.json'));
  const present = HF_TOKENIZER_FILES.filter((name) => existsSync(path.join(folder, name)));
  return {
    config,
    engineTensors,
    tokenizer,
    tokenizerKind: 'hf',
    tokenizerFiles: present.map((name) => [path.join(folder, name), name]),
  };
}

/** Reads and validates a model (HF folder or llama2.c .bin) without writing anything. */
export async function readModelSource(source: string, tokenizerFile?: string): Promise<Source> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new InputError('no such file or folder', source);
  return info.isDirectory() ? readHfSource(source) : readLlama2cSource(source, tokenizerFile);
}

export function defaultModelName(source: string): string {
  return path
    .basename(source)
    .replace(/\.(bin|safetensors)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Writes the model's folder under models/, staged and renamed into place so a crash leaves no half-written model. */
async function writeModelFolder(workspace: string, name: string, source: Omit<Source, 'tokenizer'>): Promise<string> {
  const modelsDir = path.join(workspace, 'models');
  const staging = path.join(modelsDir, `.staging-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeHfModel(staging, source.config, toHfTensors(source.config, source.engineTensors));
    for (const [from, to] of source.tokenizerFiles) await copyFile(from, path.join(staging, to));
    await rename(staging, path.join(modelsDir, name));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return path.join('models', name);
}

function checkName(name: string, existing: ModelRecord[]): void {
  if (!NAME_PATTERN.test(name))
    throw new InputError(`model name "${name}" must be letters, digits, '.', '_' or '-' (at most 64)`);
  if (existing.some((model) => model.name === name))
    throw new InputError(`a model named "${name}" already exists; pass --name`);
}

/** Writes the model's folder and records it in the catalogue. */
async function addModel(
  workspace: string,
  name: string,
  read: Omit<Source, 'tokenizer'>,
  provenance: { source: string; parent?: string },
): Promise<ModelRecord> {
  const catalogue = await Catalogue.open(workspace);
  const record: ModelRecord = {
    name,
    architecture: read.config.architecture,
    modelType: read.config.modelType,
    parameters: Object.values(paramShapes(read.config)).reduce(
      (sum, shape) => sum + shape.reduce((a, b) => a * b, 1),
      0,
    ),
    tokenizer: read.tokenizerKind,
    source: provenance.source,
    parent: provenance.parent,
    folder: await writeModelFolder(workspace, name, read),
    createdAt: new Date().toISOString(),
  };
  await catalogue.addModel(record);
  return record;
}

export async function importModel(
  workspace: string,
  source: string,
  options: { name?: string; tokenizer?: string; onPhase?: (phase: string) => void },
): Promise<ModelRecord> {
  const name = options.name ?? defaultModelName(source);
  checkName(name, (await Catalogue.peek(workspace)).models);
  options.onPhase?.('reading');
  const read = await readModelSource(source, options.tokenizer);
  options.onPhase?.('writing');
  return addModel(workspace, name, read, { source: path.resolve(source) });
}

/**
 * Saves a trained model (LoRA merged) as a new workspace model whose parent is `base`, with the base's tokenizer
 * files: the lineage base → SFT → DPO. Scalar heads (a reward model's score, PPO's value) go to heads.safetensors
 * beside the HF weights, which stay as transformers reads them.
 */
export async function saveTrainedModel(
  workspace: string,
  name: string,
  model: CausalLM,
  base: ModelRecord,
  source: string,
): Promise<ModelRecord> {
  checkName(name, (await Catalogue.peek(workspace)).models);
  const baseFolder = path.join(workspace, base.folder);
  const tokenizerFiles = (await readdir(baseFolder))
    .filter((file) => file === LLAMA2C_TOKENIZER || HF_TOKENIZER_FILES.includes(file))
    .map((file): [string, string] => [path.join(baseFolder, file), file]);
  if (hasLora(model)) mergeLora(model);
  const read = {
    config: model.config,
    engineTensors: await model.tensors(),
    tokenizerKind: base.tokenizer,
    tokenizerFiles,
  };
  const record = await addModel(workspace, name, read, { source, parent: base.name });
  const heads = Object.entries(read.engineTensors)
    .filter(([tensor]) => HEAD_PATTERN.test(tensor))
    .map(([tensor, data]) => ({ name: tensor, shape: model.params[tensor]?.shape ?? [data.length], data }));
  if (heads.length > 0) await writeFile(path.join(workspace, record.folder, HEADS_FILE), serializeSafetensors(heads));
  return record;
}

const HEADS_FILE = 'heads.safetensors';
const HEAD_PATTERN = /^(score|value)\.(weight|bias)$/;

/** The model's scalar heads, when it was saved with some. */
async function loadHeads(folder: string, model: CausalLM): Promise<void> {
  const file = path.join(folder, HEADS_FILE);
  if (!existsSync(file)) return;
  for (const tensor of (await readSafetensorsFile(file)).tensors) {
    if (HEAD_PATTERN.test(tensor.name))
      model.params[tensor.name] = tf.variable(tf.tensor(tensor.data, tensor.shape), true);
  }
}

export interface LoadedModel {
  record: ModelRecord;
  model: CausalLM;
  tokenizer: Tokenizer;
}

export async function findModel(workspace: string, name: string): Promise<ModelRecord> {
  const record = (await Catalogue.peek(workspace)).models.find((model) => model.name === name);
  if (!record) throw new InputError(`no model named "${name}" in the workspace (awb models list shows them)`);
  return record;
}

export async function loadTokenizer(folder: string, record: ModelRecord, vocabSize: number): Promise<Tokenizer> {
  if (record.tokenizer === 'hf') return readHfTokenizer(folder);
  const file = path.join(folder, LLAMA2C_TOKENIZER);
  return parseLlama2cTokenizer(new Uint8Array(await readFile(file)), file, vocabSize);
}

export async function loadModel(workspace: string, name: string): Promise<LoadedModel> {
  const record = await findModel(workspace, name);
  const folder = path.join(workspace, record.folder);
  const { config, tensors } = await readHfModel(folder);
  const model = CausalLM.fromTensors(config, fromHfTensors(config, tensors as Map<string, HfTensor>, folder));
  await loadHeads(folder, model);
  return { record, model, tokenizer: await loadTokenizer(folder, record, config.vocabSize) };
}

/** Copies the model's HF folder to `out` (which must not exist yet, or be empty). */
export async function exportHfFolder(workspace: string, name: string, out: string): Promise<void> {
  const record = await findModel(workspace, name);
  await cp(path.join(workspace, record.folder), out, { recursive: true, errorOnExist: true, force: false });
}
