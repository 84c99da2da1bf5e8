/** HF folders: config mapping, import → export → import gives identical tensors, and precise errors on bad input. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { InputError } from '../../main/engine/errors';
import { configFromHf } from '../../main/engine/models/hf-config';
import { readHfModel } from '../../main/engine/models/hf-folder';
import { exportHfFolder, importModel, loadModel } from '../../main/engine/models/store';
import { tempDir } from '../helpers/paths';
import { writeTinyHfFolder } from '../helpers/tiny-models';

beforeAll(async () => {
  await selectBackend({ forced: 'cpu' });
});

describe('Hugging Face config.json', () => {
  it('maps Llama, Qwen2 (q/k/v biases) and GPT-2 fields', () => {
    const llama = configFromHf(
      {
        model_type: 'llama',
        vocab_size: 32000,
        hidden_size: 2048,
        num_hidden_layers: 22,
        num_attention_heads: 32,
        num_key_value_heads: 4,
        intermediate_size: 5632,
        max_position_embeddings: 2048,
        rms_norm_eps: 1e-5,
        rope_theta: 10000,
        bos_token_id: 1,
        eos_token_id: 2,
      },
      'c.json',
    );
    expect(llama).toMatchObject({
      architecture: 'llama',
      numKvHeads: 4,
      attentionBias: false,
      tieWordEmbeddings: false,
      eosTokenIds: [2],
    });
    const qwen = configFromHf(
      {
        model_type: 'qwen2',
        vocab_size: 151936,
        hidden_size: 896,
        num_hidden_layers: 24,
        num_attention_heads: 14,
        num_key_value_heads: 2,
        intermediate_size: 4864,
        tie_word_embeddings: true,
        rope_theta: 1000000,
        eos_token_id: 151645,
      },
      'c.json',
    );
    expect(qwen).toMatchObject({ attentionBias: true, tieWordEmbeddings: true, ropeTheta: 1000000 });
    const gpt2 = configFromHf(
      {
        model_type: 'gpt2',
        vocab_size: 50257,
        n_embd: 768,
        n_head: 12,
        n_layer: 12,
        n_positions: 1024,
        bos_token_id: 50256,
        eos_token_id: 50256,
      },
      'c.json',
    );
    expect(gpt2).toMatchObject({
      architecture: 'gpt2',
      intermediateSize: 3072,
      tieWordEmbeddings: true,
      numKvHeads: 12,
    });
  });

  it('rejects an unknown model_type, naming the supported ones', () => {
    expect(() => configFromHf({ model_type: 'bert' }, 'x/config.json')).toThrow(InputError);
    expect(() => configFromHf({ model_type: 'bert' }, 'x/config.json')).toThrow(
      'x/config.json: unknown model_type "bert"; supported: llama, mistral, qwen2, gpt2',
    );
  });
});

describe.each([
  ['llama', {}],
  ['llama', { modelType: 'qwen2', attentionBias: true, tieWordEmbeddings: true }],
  ['gpt2', {}],
] as const)('%s %j folder', (architecture, overrides) => {
  it('round-trips import → export → import with identical tensors, keeping the original out of it', async () => {
    const { folder, model } = await writeTinyHfFolder(architecture, overrides);
    const workspace = tempDir('ws');
    const record = await importModel(workspace, folder, { name: 'tiny' });
    expect(record.folder).toBe(path.join('models', 'tiny'));
    const exported = path.join(tempDir('export'), 'out');
    await exportHfFolder(workspace, 'tiny', exported);
    const original = await readHfModel(folder);
    const roundTripped = await readHfModel(exported);
    expect([...roundTripped.tensors.keys()].sort()).toEqual([...original.tensors.keys()].sort());
    for (const [name, tensor] of original.tensors) {
      expect(roundTripped.tensors.get(name)?.shape, name).toEqual(tensor.shape);
      expect(
        Buffer.from((roundTripped.tensors.get(name) as { data: Float32Array }).data.buffer).equals(
          Buffer.from(tensor.data.buffer),
        ),
        name,
      ).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(exported, 'config.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8')),
    );
    expect(existsSync(path.join(exported, 'tokenizer.json'))).toBe(true);

    const loaded = await loadModel(workspace, 'tiny');
    const tokens = tf.tensor2d([[1, 4, 5, 6]], [1, 4], 'int32');
    const expected = await model.logits(model.forward({ tokens }).hidden).data();
    const actual = await loaded.model.logits(loaded.model.forward({ tokens }).hidden).data();
    expect(Array.from(actual)).toEqual(Array.from(expected));
    expect(loaded.tokenizer.encode('the cat sat')).toEqual([4, 5, 6]);
  });
});

describe('bad input writes nothing to the workspace', () => {
  async function expectRejected(source: string, message: string | RegExp, tokenizer?: string) {
    const workspace = path.join(tempDir('ws-bad'), 'workspace');
    const error = await importModel(workspace, source, { name: 'bad', tokenizer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(existsSync(workspace)).toBe(false);
  }

  it('an unknown model_type', async () => {
    const { folder } = await writeTinyHfFolder('llama');
    const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8'));
    writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, model_type: 'mamba' }));
    await expectRejected(folder, 'unknown model_type "mamba"');
  });

  it('a safetensors header whose length overruns the file', async () => {
    const { folder } = await writeTinyHfFolder('gpt2');
    const file = path.join(folder, 'model.safetensors');
    const bytes = readFileSync(file);
    bytes.writeBigUInt64LE(BigInt(bytes.length * 2), 0);
    writeFileSync(file, bytes);
    await expectRejected(folder, /model\.safetensors: .*header/i);
  });

  it('a tensor missing from the weights, or of the wrong shape', async () => {
    const { folder } = await writeTinyHfFolder('llama');
    const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8'));
    writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ ...config, intermediate_size: 30 }));
    await expectRejected(folder, /mlp\.gate_proj\.weight has shape \[24,16\] but the config needs \[30,16\]/);
  });

  it('a tokenizer with more tokens than the model has embeddings', async () => {
    const { folder } = await writeTinyHfFolder('llama', { vocabSize: 8 });
    await expectRejected(folder, "the tokenizer has 13 tokens but the model's vocabulary has only 8");
  });

  it('a folder that is not a model', async () => {
    await expectRejected(tempDir('empty'), 'no config.json');
    expect(readdirSync(tempDir('x'))).toEqual([]);
  });
});
