/** The Llama architecture against llama2.c's reference output on the real stories260K model. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../main/engine/backends/select';
import { generateAll } from '../../main/engine/generation/generate';
import { TfjsDecoder } from '../../main/engine/generation/tfjs-decoder';
import { readLlama2c } from '../../main/engine/io/llama2c';
import { fromHfTensors } from '../../main/engine/models/hf-weights';
import { CausalLM } from '../../main/engine/models/model';
import { readLlama2cTokenizer } from '../../main/engine/tokenizers/llama2c';
import { STORIES260K, STORIES260K_REFERENCE, STORIES260K_TOKENIZER } from '../helpers/data';

describe.each(['wasm', 'cpu'] as const)('stories260K on %s', (backend) => {
  let model: CausalLM;
  beforeAll(async () => {
    await selectBackend({ forced: backend });
    const { config, tensors } = await readLlama2c(STORIES260K);
    model = CausalLM.fromTensors(config, fromHfTensors(config, tensors, STORIES260K));
  });

  it('reproduces the reference greedy output token for token', async () => {
    const tokenizer = await readLlama2cTokenizer(STORIES260K_TOKENIZER, model.config.vocabSize);
    const decoder = new TfjsDecoder(model);
    const ids = await generateAll(decoder, [1], { temperature: 0, maxNewTokens: 60, stopIds: tokenizer.stopIds });
    decoder.dispose();
    const referenceIds = tokenizer.encode(STORIES260K_REFERENCE);
    expect(tokenizer.decode([1, ...ids])).toMatch(new RegExp(`^${STORIES260K_REFERENCE.slice(0, 60)}`));
    expect(ids.slice(0, referenceIds.length)).toEqual(referenceIds);
  });

  it('gives the same tokens with and without the key/value cache, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const cached = new TfjsDecoder(model);
    const uncached = new TfjsDecoder(model, { useCache: false });
    const options = { temperature: 0.8, topK: 40, seed: 3, maxNewTokens: 24, stopIds: [] };
    const a = await generateAll(cached, [1, 403, 407], options);
    const b = await generateAll(uncached, [1, 403, 407], options);
    cached.dispose();
    uncached.dispose();
    expect(a).toEqual(b);
    expect(tf.memory().numTensors).toBe(before);
  });
});
