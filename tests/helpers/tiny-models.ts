/** Tiny Hugging Face model folders made on the fly: random weights, a word-level tokenizer, for import/export tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Architecture, type ModelConfig, tinyConfig } from '../../main/engine/models/config';
import { writeHfModel } from '../../main/engine/models/hf-folder';
import { toHfTensors } from '../../main/engine/models/hf-weights';
import { CausalLM } from '../../main/engine/models/model';
import { specialAddedToken } from '../../main/engine/tokenizers/added-tokens';
import { tempDir } from './paths';

export const TINY_WORDS = ['<pad>', '<s>', '</s>', '<unk>', 'the', 'cat', 'sat', 'on', 'mat', 'a', 'dog', 'ran', '.'];

/** A tokenizer.json with one token per word (the library's WordLevel model). */
export function wordLevelTokenizerJson(words = TINY_WORDS): object {
  return {
    version: '1.0',
    added_tokens: words.slice(0, 4).map((content, id) => specialAddedToken(id, content)),
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: Object.fromEntries(words.map((w, i) => [w, i])), unk_token: '<unk>' },
  };
}

export async function writeTinyHfFolder(
  architecture: Architecture,
  overrides: Partial<ModelConfig> = {},
  seed = 1,
): Promise<{ folder: string; model: CausalLM }> {
  const config = tinyConfig(architecture, overrides);
  const model = CausalLM.random(config, seed);
  const folder = path.join(tempDir(`hf-${architecture}`), 'model');
  mkdirSync(folder);
  await writeHfModel(folder, config, toHfTensors(config, await model.tensors()));
  writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(wordLevelTokenizerJson()));
  writeFileSync(
    path.join(folder, 'tokenizer_config.json'),
    JSON.stringify({ bos_token: '<s>', eos_token: '</s>', pad_token: '<pad>' }),
  );
  return { folder, model };
}
