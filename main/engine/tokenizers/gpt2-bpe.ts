/**
 * GPT-2's original tokenizer files (encoder.json: token → id, vocab.bpe: merge rules) as the single `tokenizer.json`
 * that @huggingface/tokenizers loads, laid out as the Rust `tokenizers` library serialises GPT-2's tokenizer.
 */
import { InputError } from '../errors';

import { specialAddedToken } from './added-tokens';

export const GPT2_END_OF_TEXT = '<|endoftext|>';

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

export function gpt2TokenizerJson(encoder: Record<string, number>, vocabBpe: string): object {
  const endOfTextId = encoder[GPT2_END_OF_TEXT];
  if (typeof endOfTextId !== 'number') {
    throw new InputError(`encoder.json has no ${GPT2_END_OF_TEXT} token`, 'encoder.json');
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [specialAddedToken(endOfTextId, GPT2_END_OF_TEXT)],
    normalizer: null,
    // use_regex: true is GPT-2's own split pattern ('s|'t|… ?\p{L}+| ?\p{N}+|…), the one its encoder.py used.
    pre_tokenizer: BYTE_LEVEL,
    post_processor: { ...BYTE_LEVEL, trim_offsets: false },
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      // Byte-level BPE covers every byte, so it needs no unknown token and no word-boundary markers.
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: encoder,
      merges: parseMerges(vocabBpe),
    },
  };
}

/** Merge rules in priority order; the first line is a `#version: 0.2` header, and the file ends with a newline. */
function parseMerges(vocabBpe: string): [string, string][] {
  const merges: [string, string][] = [];
  const lines = vocabBpe.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, '');
    if (line === '' || (index === 0 && line.startsWith('#version'))) continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new InputError(`line ${index + 1} is not a merge rule "A B": ${JSON.stringify(line)}`, 'vocab.bpe');
    }
    merges.push([parts[0] as string, parts[1] as string]);
  }
  return merges;
}

/** What transformers' GPT2Tokenizer assumes when a folder has no tokenizer_config.json: one token for all roles. */
export function gpt2TokenizerConfig(): Record<string, unknown> {
  return {
    bos_token: GPT2_END_OF_TEXT,
    eos_token: GPT2_END_OF_TEXT,
    unk_token: GPT2_END_OF_TEXT,
    model_max_length: 1024,
  };
}
