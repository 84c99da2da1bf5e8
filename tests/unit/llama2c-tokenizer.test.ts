import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../main/engine/errors';
import { parseLlama2cTokenizer, readLlama2cTokenizer } from '../../main/engine/tokenizers/llama2c';
import { TextStreamer } from '../../main/engine/tokenizers/tokenizer';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const TOK512 = path.join(DATA, 'models/stories260K/tok512.bin');
const tok512Bytes = new Uint8Array(readFileSync(TOK512));
const sample = readFileSync(path.join(DATA, 'corpus/tinystories_sample.txt'), 'utf8');
const tokenizer = parseLlama2cTokenizer(tok512Bytes, TOK512, 512);

interface Vocab {
  pieces: string[];
  scores: number[];
  ids: Map<string, number>;
}

/** A separate, deliberately plain reader of tokenizer.bin (pieces as latin1, one char per byte). */
function plainVocab(bytes: Uint8Array): Vocab {
  const buffer = Buffer.from(bytes);
  const pieces: string[] = [];
  const scores: number[] = [];
  for (let offset = 4; offset < buffer.length; ) {
    scores.push(buffer.readFloatLE(offset));
    const length = buffer.readInt32LE(offset + 4);
    pieces.push(buffer.toString('latin1', offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  const ids = new Map<string, number>();
  for (const [id, piece] of pieces.entries()) ids.set(piece, ids.get(piece) ?? id);
  return { pieces, scores, ids };
}

/** The reference: llama2.c's algorithm as described, rescanning the whole sequence for every merge (quadratic). */
function plainEncode(vocab: Vocab, text: string): number[] {
  if (text === '') return []; // llama2.c adds the dummy prefix to non-empty text only
  const idOf = (piece: string) => vocab.ids.get(piece) ?? -1;
  const tokens = [idOf(' ')];
  for (const char of text) {
    const utf8 = Buffer.from(char, 'utf8');
    const id = idOf(utf8.toString('latin1'));
    if (id >= 0) tokens.push(id);
    else for (const byte of utf8) tokens.push(byte + 3);
  }
  for (;;) {
    let bestScore = -1e10;
    let bestAt = -1;
    let bestId = -1;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const id = idOf(`${vocab.pieces[tokens[i] as number]}${vocab.pieces[tokens[i + 1] as number]}`);
      // Strictly greater: on a tie the leftmost pair wins.
      if (id >= 0 && (vocab.scores[id] as number) > bestScore) {
        [bestScore, bestAt, bestId] = [vocab.scores[id] as number, i, id];
      }
    }
    if (bestAt < 0) return tokens;
    tokens.splice(bestAt, 2, bestId);
  }
}

/** A tokenizer.bin with llama2.c's specials and byte pieces, then `extra` pieces (UTF-8) with their scores. */
function buildTokenizerBin(extra: [string, number][]): Uint8Array {
  const specials: [string, number][] = [
    ['<unk>', 0],
    ['\n<s>\n', 0],
    ['\n</s>\n', 0],
  ];
  const bytePieces = Array.from({ length: 256 }, (_, b): [string, number] => [
    `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
    0,
  ]);
  const chunks = [Buffer.from(Int32Array.of(16).buffer)];
  for (const [piece, score] of [...specials, ...bytePieces, ...extra]) {
    const utf8 = Buffer.from(piece, 'utf8');
    const header = Buffer.alloc(8);
    header.writeFloatLE(score, 0);
    header.writeInt32LE(utf8.length, 4);
    chunks.push(header, utf8);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('llama2.c tokenizer.bin with tok512 (stories260K)', () => {
  test('vocab size and special ids', () => {
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.bosId).toBe(1);
    expect(tokenizer.stopIds).toEqual([2, 1]);
    expect(tokenizer.maxTokenLength).toBe(7);
    expect(tokenizer.piece(3)).toBe('<0x00>');
    expect(parseLlama2cTokenizer(tok512Bytes, TOK512).vocabSize).toBe(512);
  });

  test('hand-checked encodings', () => {
    const girl = tokenizer.encode('girl', { addBos: true, addEos: true });
    expect(girl.map((id) => tokenizer.piece(id))).toEqual(['\n<s>\n', ' g', 'ir', 'l', '\n</s>\n']);
    expect(girl).toEqual([1, 298, 315, 421, 2]);
    expect(tokenizer.encode('Once')).toEqual([403]); // ' Once': the dummy prefix merged in
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.encode('', { addBos: true })).toEqual([1]);
  });

  test('the reference sentence round-trips', () => {
    const sentence = 'Once upon a time, there was a little girl named Lily.';
    const ids = tokenizer.encode(sentence, { addBos: true });
    expect(ids).toEqual([1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426]);
    expect(tokenizer.decode(ids)).toBe(sentence);
  });

  test('characters without a piece fall back to bytes and round-trip', () => {
    expect(tokenizer.encode('é')).toEqual([410, 485]); // é happens to be a piece in tok512
    expect(tokenizer.encode('ß')).toEqual([410, 0xc3 + 3, 0x9f + 3]);
    for (const text of ['café ß', '日本', 'a 🙂 b', '\u{1F468}\u200D\u{1F469}', '\uFEFFbom']) {
      expect(tokenizer.decode(tokenizer.encode(text, { addBos: true }))).toBe(text);
    }
  });

  test('the whole sample: after BOS decode(encode(s)) is s; without BOS the dummy-prefix space stays', () => {
    const started = performance.now();
    const ids = tokenizer.encode(sample, { addBos: true });
    const seconds = (performance.now() - started) / 1000;
    console.log(`encoded ${sample.length} chars into ${ids.length} tokens in ${seconds.toFixed(3)} s`);
    expect(seconds).toBeLessThan(3);
    expect(tokenizer.decode(ids)).toBe(sample);
    expect(tokenizer.decode(ids.slice(1))).toBe(` ${sample}`);
    const [first, second] = [sample.slice(0, 500), sample.slice(500, 900)];
    const joined = [...tokenizer.encode(first, { addBos: true }), ...tokenizer.encode(second, { addBos: true })];
    expect(tokenizer.decode(joined)).toBe(first + second);
  });

  test('the heap merge gives exactly the plain rescanning algorithm', () => {
    const vocab = plainVocab(tok512Bytes);
    const lines = sample.split('\n').slice(0, 1000);
    for (const line of lines) expect(tokenizer.encode(line)).toEqual(plainEncode(vocab, line));
    for (const start of [2000, 150_000]) {
      const chunk = sample.slice(start, start + 1500); // spans lines: merges may cross '\n'
      expect(tokenizer.encode(chunk)).toEqual(plainEncode(vocab, chunk));
    }
  });

  test('TextStreamer emits a multi-byte character only once its last byte arrives', () => {
    const ids = tokenizer.encode('Hi 日🙂', { addBos: true });
    const streamer = new TextStreamer(tokenizer);
    const pushed = ids.map((id) => streamer.push(id));
    expect(pushed.join('')).toBe('Hi 日🙂');
    expect(ids.map((id) => tokenizer.piece(id)).slice(4, 7)).toEqual(['<0xE6>', '<0x97>', '<0xA5>']);
    expect(pushed).toEqual(['', 'H', 'i', ' ', '', '', '日', '', '', '', '🙂']);
    expect(pushed.some((text) => text.includes('\uFFFD'))).toBe(false);
    expect(streamer.flush()).toBe('');
    // After a prompt the next token's leading space is real text, not the dummy prefix.
    const story = tokenizer.encode('Once upon a time', { addBos: true });
    const continued = new TextStreamer(tokenizer, story.slice(0, 3));
    expect(story.slice(3).map((id) => continued.push(id))).toEqual([' a', ' time']);
  });
});

describe('merge order on a synthetic vocabulary', () => {
  const extra: [string, number][] = [
    [' ', -10],
    ['a', -10],
    ['b', -10],
    [' a', -1],
    ['ab', -1],
    ['ba', -1],
    ['bb', -2e10], // at or below llama2.c's -1e10 starting score: never merges
  ];
  const bytes = buildTokenizerBin(extra);
  const synthetic = parseLlama2cTokenizer(bytes, 'synthetic.bin');
  const id = (piece: string) => 259 + extra.findIndex(([p]) => p === piece);

  test('ties go to the leftmost pair; pieces scoring at or below -1e10 never merge', () => {
    expect(synthetic.encode('aba')).toEqual([id(' a'), id('ba')]);
    expect(synthetic.encode('bb')).toEqual([id(' '), id('b'), id('b')]);
  });

  test('agrees with the plain algorithm on random strings', () => {
    const vocab = plainVocab(bytes);
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 40) }, () => 'ab c'[Math.floor(random() * 4)]).join(
        '',
      );
      expect(synthetic.encode(text)).toEqual(plainEncode(vocab, text));
    }
  });
});

describe('bad files', () => {
  test('a file that ends inside a token is truncated', () => {
    for (const length of [2, 6, tok512Bytes.length - 3]) {
      const error = inputError(() => parseLlama2cTokenizer(tok512Bytes.subarray(0, length), 'cut.bin'));
      expect(error.message).toMatch(/truncated/);
      expect(error.file).toBe('cut.bin');
    }
  });

  test('a vocab_size the file does not match names both counts', () => {
    expect(inputError(() => parseLlama2cTokenizer(tok512Bytes, TOK512, 600)).message).toMatch(/512 tokens, fewer.*600/);
    expect(inputError(() => parseLlama2cTokenizer(tok512Bytes, TOK512, 500)).message).toMatch(/512 tokens, more.*500/);
  });

  test('a negative length, missing byte pieces, a missing file', async () => {
    const negative = buildTokenizerBin([[' ', 0]]);
    new DataView(negative.buffer).setInt32(4 + 4, -5, true);
    expect(inputError(() => parseLlama2cTokenizer(negative, 'neg.bin')).message).toMatch(/impossible length -5/);
    const noBytes = buildTokenizerBin([[' ', 0]]).subarray(0, 4 + 3 * 8 + 5 + 5 + 6);
    expect(inputError(() => parseLlama2cTokenizer(noBytes, 'short.bin')).message).toMatch(/3 tokens/);
    await expect(readLlama2cTokenizer(path.join(DATA, 'no-such-tokenizer.bin'))).rejects.toThrow(InputError);
  });
});
