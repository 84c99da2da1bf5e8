import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError } from '../../main/engine/errors';
import { gpt2TokenizerConfig, gpt2TokenizerJson } from '../../main/engine/tokenizers/gpt2-bpe';
import { createHfTokenizer, type HfTokenizer, readHfTokenizer } from '../../main/engine/tokenizers/hf';
import { TextStreamer } from '../../main/engine/tokenizers/tokenizer';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const GPT2_DIR = path.join(DATA, 'tokenizers/gpt2');
const FILE = '/models/test/tokenizer.json';
const EOT = 50256;

let gpt2Json: Record<string, unknown>;
let gpt2: HfTokenizer;

beforeAll(async () => {
  const encoder = JSON.parse(await readFile(path.join(GPT2_DIR, 'encoder.json'), 'utf8'));
  gpt2Json = gpt2TokenizerJson(encoder, await readFile(path.join(GPT2_DIR, 'vocab.bpe'), 'utf8')) as typeof gpt2Json;
  gpt2 = createHfTokenizer(gpt2Json, gpt2TokenizerConfig(), FILE);
});

/** GPT-2's vocabulary plus extra added tokens, as chat models extend a base vocabulary. */
function gpt2With(extra: string[], config: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const added = extra.map((content, i) => ({ id: EOT + 1 + i, content, special: true, normalized: false }));
  const json = { ...gpt2Json, added_tokens: [...(gpt2Json.added_tokens as object[]), ...added], ...overrides };
  return createHfTokenizer(json, config, FILE);
}

describe('GPT-2 from encoder.json + vocab.bpe', () => {
  test('encodes as GPT-2 does', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.encode('Hello world')).toEqual([15496, 995]);
    expect(gpt2.encode(' Hello')).toEqual([18435]);
    expect(gpt2.encode('a<|endoftext|>b')).toEqual([64, EOT, 65]);
    expect(gpt2.encode('<|endoftext|>')).toEqual([EOT]);
  });

  test('round-trips tinyshakespeare exactly', async () => {
    const text = await readFile(path.join(DATA, 'corpus/tinyshakespeare.txt'), 'utf8');
    const start = performance.now();
    const ids = gpt2.encode(text);
    const encoded = performance.now();
    const decoded = gpt2.decode(ids);
    const end = performance.now();
    console.log(
      `tinyshakespeare: ${text.length} chars → ${ids.length} tokens; ` +
        `encode ${(encoded - start).toFixed(0)} ms, decode ${(end - encoded).toFixed(0)} ms`,
    );
    expect(decoded === text).toBe(true);
    // nanoGPT's shakespeare prep reports 301,966 + 36,059 tokens for its two splits of this file.
    expect(ids.length).toBe(338_025);
  });

  test('streaming token by token gives the full decode, multi-byte characters whole', () => {
    const text = 'First Citizen: «Before we proceed» — 日本語 🙂 any further, hear me speak.\nAll: Speak, speak.';
    const ids = gpt2.encode(text);
    const streamer = new TextStreamer(gpt2, ids.slice(0, 3));
    const pieces = ids.slice(3).map((id) => streamer.push(id));
    expect(pieces.some((piece) => piece.includes('\uFFFD'))).toBe(false);
    expect(gpt2.decode(ids.slice(0, 3)) + pieces.join('') + streamer.flush()).toBe(text);
  });

  test('special tokens: BOS/EOS once each, skipped when decoding', () => {
    expect(gpt2.bosId).toBe(EOT);
    expect(gpt2.stopIds).toEqual([EOT]);
    expect(gpt2.encode('Hello', { addBos: true, addEos: true })).toEqual([EOT, 15496, EOT]);
    expect(gpt2.encode('<|endoftext|>Hello', { addBos: true })).toEqual([EOT, 15496]);
    expect(gpt2.encode('', { addBos: true, addEos: true })).toEqual([EOT, EOT]);
    expect(gpt2.decode([EOT, 15496, 995, EOT])).toBe('Hello world');
    expect(gpt2.decode([])).toBe('');
    // Past the vocabulary, as in GPT-2's embedding padded to 50304.
    expect(gpt2.decode([15496, 50300])).toBe('Hello');
    expect(gpt2.decode([15496, 764])).toBe('Hello .');
  });

  test('a post-processor that adds BOS does not add it twice', () => {
    const bosFirst = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<|endoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [],
      special_tokens: { '<|endoftext|>': { id: '<|endoftext|>', ids: [EOT], tokens: ['<|endoftext|>'] } },
    };
    const tokenizer = gpt2With([], gpt2TokenizerConfig(), { post_processor: bosFirst });
    expect(tokenizer.encode('Hello')).toEqual([15496]);
    expect(tokenizer.encode('Hello', { addBos: true })).toEqual([EOT, 15496]);
  });

  test('without tokenizer_config.json there is no BOS; EOS-like added tokens still stop', () => {
    const bare = createHfTokenizer(gpt2Json, undefined, FILE);
    expect(bare.bosId).toBeUndefined();
    expect(bare.stopIds).toEqual([EOT]);
    expect(bare.encode('Hello', { addBos: true })).toEqual([15496]);
    expect(bare.hasChatTemplate).toBe(false);
    expect(() => bare.applyChatTemplate([], { addGenerationPrompt: true })).toThrow(InputError);
  });

  test('readHfTokenizer converts a folder holding only encoder.json + vocab.bpe', async () => {
    const tokenizer = await readHfTokenizer(GPT2_DIR);
    expect(tokenizer.encode('Hello world', { addBos: true })).toEqual([EOT, 15496, 995]);
  });
});

const CHATML = [
  '{% for message in messages %}',
  "{% if loop.first and message['role'] != 'system' %}",
  "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}",
  '{% endif %}',
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}",
  '{% endfor %}',
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
].join('');

const LLAMA2 = [
  "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System messages are not supported') }}{% endif %}",
  '{% for message in messages %}',
  "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}",
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}",
  '{% endif %}',
  "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}",
  "{% else %}{{ ' ' + message['content'].strip() + ' ' + eos_token }}{% endif %}",
  '{% endfor %}',
].join('');

describe('chat templates', () => {
  const chat = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'Bye' },
  ];

  test('ChatML (Qwen2 style) with and without the generation prompt', () => {
    const config = { chat_template: CHATML, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', bos_token: null };
    const tokenizer = gpt2With(['<|im_start|>', '<|im_end|>'], config);
    const turns =
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n' +
      '<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n';
    expect(tokenizer.hasChatTemplate).toBe(true);
    expect(tokenizer.applyChatTemplate(chat, { addGenerationPrompt: false })).toBe(turns);
    expect(tokenizer.applyChatTemplate(chat, { addGenerationPrompt: true })).toBe(`${turns}<|im_start|>assistant\n`);
    expect(tokenizer.applyChatTemplate(chat.slice(1, 2), { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
    expect(tokenizer.vocabSize).toBe(50259);
    expect(tokenizer.bosId).toBeUndefined();
    expect(tokenizer.stopIds).toEqual([50258, EOT]);
    expect(tokenizer.encode('<|im_start|>user\nHi<|im_end|>')).toEqual([50257, 7220, 198, 17250, 50258]);
  });

  test('Llama-2 style: bos_token as an object, template chosen from a named list', () => {
    const config = {
      bos_token: { content: '<s>', lstrip: false, normalized: false, rstrip: false, single_word: false },
      eos_token: '</s>',
      chat_template: [
        { name: 'tool_use', template: 'unused' },
        { name: 'default', template: LLAMA2 },
      ],
    };
    const tokenizer = gpt2With(['<s>', '</s>'], config);
    const rendered = tokenizer.applyChatTemplate(chat.slice(1), { addGenerationPrompt: true });
    expect(rendered).toBe('<s>[INST] Hi [/INST] Hello! </s><s>[INST] Bye [/INST]');
    expect(tokenizer.bosId).toBe(50257);
    expect(tokenizer.encode(rendered, { addBos: true }).filter((id) => id === 50257)).toHaveLength(2);
    expect(tokenizer.encode(rendered, { addBos: true }).slice(0, 2)).toEqual([50257, 58]);
  });

  test('raise_exception in a template becomes an InputError with its message', () => {
    const tokenizer = gpt2With(['<s>', '</s>'], { bos_token: '<s>', eos_token: '</s>', chat_template: LLAMA2 });
    const render = () => tokenizer.applyChatTemplate(chat, { addGenerationPrompt: false });
    expect(render).toThrow(InputError);
    expect(render).toThrow(/System messages are not supported/);
    expect(render).toThrow(/tokenizer_config\.json/);
  });

  test('a template that does not parse is an InputError', () => {
    const tokenizer = createHfTokenizer(gpt2Json, { chat_template: '{% if %}' }, FILE);
    expect(() => tokenizer.applyChatTemplate(chat, { addGenerationPrompt: true })).toThrow(/does not parse/);
  });
});

describe('bad files', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'awb-hf-tokenizer-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  test('tokenizer.json that is not JSON names the file', async () => {
    await writeFile(path.join(folder, 'tokenizer.json'), '{"model": ');
    const reading = readHfTokenizer(folder);
    await expect(reading).rejects.toThrow(InputError);
    await expect(reading).rejects.toThrow(`${path.join(folder, 'tokenizer.json')}: tokenizer.json is not JSON`);
  });

  test('tokenizer.json the library rejects says why', () => {
    const load = () => createHfTokenizer({ model: { type: 'Mystery' } }, undefined, FILE);
    expect(load).toThrow(InputError);
    expect(load).toThrow(`${FILE}: tokenizer.json cannot be loaded: Unknown TokenizerModel type: Mystery`);
    expect(() => createHfTokenizer([1, 2], undefined, FILE)).toThrow(/must hold a JSON object/);
  });

  test('a bos_token missing from the vocabulary is an InputError', () => {
    expect(() => createHfTokenizer(gpt2Json, { bos_token: '<s>' }, FILE)).toThrow(/bos_token "<s>" is not in/);
  });
});
