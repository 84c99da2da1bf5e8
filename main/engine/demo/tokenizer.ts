/**
 * The demo's character-level tokenizer as Hugging Face files: a BPE model with no merges is one token per character,
 * which @huggingface/tokenizers (and Python `tokenizers`) load like any other tokenizer.json.
 */
import { specialAddedToken } from '../tokenizers/added-tokens';
import { createHfTokenizer, type HfTokenizer } from '../tokenizers/hf';

export const DEMO_SPECIAL_TOKENS = { pad: '<pad>', bos: '<s>', eos: '</s>', unk: '<unk>' } as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Everything the generator writes, plus capitals and common punctuation so that typed chat rarely hits <unk>. */
export const DEMO_ALPHABET: readonly string[] = [
  ...'\n !"\'(),-.:;?',
  ...'0123456789',
  ...LETTERS.toUpperCase(),
  ...LETTERS,
];

/** Ids 0–3 are the special tokens, in DEMO_SPECIAL_TOKENS order; the characters follow. */
export function demoVocabulary(): Record<string, number> {
  const tokens = [...Object.values(DEMO_SPECIAL_TOKENS), ...DEMO_ALPHABET];
  return Object.fromEntries(tokens.map((token, id) => [token, id]));
}

export function demoTokenizerJson(): Record<string, unknown> {
  const added_tokens = Object.values(DEMO_SPECIAL_TOKENS).map((content, id) => specialAddedToken(id, content));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens,
    normalizer: null,
    // No pre-tokenizer: spaces and newlines are characters like any other.
    pre_tokenizer: null,
    post_processor: null,
    // Without a decoder the library joins tokens with spaces; Fuse joins them as they are.
    decoder: { type: 'Fuse' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: DEMO_SPECIAL_TOKENS.unk,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: demoVocabulary(),
      merges: [],
    },
  };
}

/**
 * Renders the demo's chat format (see chat-format.ts). No BOS or EOS: the tokenizer's caller adds them, as with the
 * demo's standard-format rows, so both kinds of data give the same tokens.
 */
export const DEMO_CHAT_TEMPLATE = [
  '{%- for message in messages -%}',
  "{%- if message['role'] == 'user' -%}{{ 'User: ' + message['content'] + '\\n' }}",
  "{%- elif message['role'] == 'assistant' -%}{{ 'Bot: ' + message['content'] + '\\n' }}",
  "{%- else -%}{{ raise_exception('the demo chat has only user and assistant turns') }}",
  '{%- endif -%}',
  '{%- endfor -%}',
  "{%- if add_generation_prompt -%}{{ 'Bot:' }}{%- endif -%}",
].join('\n');

/** The longest conversation the demo's generator writes is well under this. */
export const DEMO_MODEL_MAX_LENGTH = 256;

export function demoTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: DEMO_SPECIAL_TOKENS.bos,
    eos_token: DEMO_SPECIAL_TOKENS.eos,
    unk_token: DEMO_SPECIAL_TOKENS.unk,
    pad_token: DEMO_SPECIAL_TOKENS.pad,
    model_max_length: DEMO_MODEL_MAX_LENGTH,
    clean_up_tokenization_spaces: false,
    chat_template: DEMO_CHAT_TEMPLATE,
  };
}

export function createDemoTokenizer(): HfTokenizer {
  return createHfTokenizer(demoTokenizerJson(), demoTokenizerConfig(), 'demo/tokenizer.json');
}
