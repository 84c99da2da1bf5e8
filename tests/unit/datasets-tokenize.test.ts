/** Tokenization for training (ids, completion masks, truncation, chat templates) and token-length checks. */
import { describe, expect, it } from 'vitest';
import { plainChat } from '../../main/engine/datasets/chat';
import { lengthHistogram } from '../../main/engine/datasets/lengths';
import type { RecordsRead } from '../../main/engine/datasets/records';
import { tokenizePreference, tokenizePrompt, tokenizeSequence } from '../../main/engine/datasets/tokenize';
import { validateRecords } from '../../main/engine/datasets/validate';
import { createHfTokenizer } from '../../main/engine/tokenizers/hf';
import { TINY_WORDS, wordLevelTokenizerJson } from '../helpers/tiny-models';

const WORDS = [...TINY_WORDS, 'User:', 'Assistant:', '<|user|>', '<|assistant|>', '<|end|>'];
const id = (word: string) => WORDS.indexOf(word);
const ids = (text: string) => text.split(' ').map(id);
const [BOS, EOS] = [id('<s>'), id('</s>')];
const SPECIALS = { bos_token: '<s>', eos_token: '</s>' };
const TEMPLATE =
  '{% for m in messages %}<|{{ m.role }}|> {{ m.content }} <|end|> {% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

const plain = createHfTokenizer(wordLevelTokenizerJson(WORDS), SPECIALS, '/tiny/tokenizer.json');
const templated = createHfTokenizer(wordLevelTokenizerJson(WORDS), { ...SPECIALS, chat_template: TEMPLATE }, '/t.json');
const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

describe('sequences with a completion mask', () => {
  it('standard prompt-completion: BOS + prompt masked out, completion + EOS counted', () => {
    const example = tokenizeSequence(plain, { prompt: 'the cat', completion: 'sat on a mat' });
    expect(example).toEqual({
      inputIds: [BOS, ...ids('the cat sat on a mat'), EOS],
      completionMask: [0, 0, 0, 1, 1, 1, 1, 1],
      truncated: false,
    });
  });

  it('language modeling: every token counted', () => {
    expect(tokenizeSequence(plain, { text: 'a dog ran .' })).toEqual({
      inputIds: [BOS, ...ids('a dog ran .'), EOS],
      completionMask: [1, 1, 1, 1, 1, 1],
      truncated: false,
    });
  });

  it('conversational rows go through the chat template; its end marker ends the turn, no EOS is added', () => {
    const row = { prompt: [user('the cat')], completion: [assistant('sat on a mat')] };
    const example = tokenizeSequence(templated, row);
    const prompt = [BOS, ...ids('<|user|> the cat <|end|> <|assistant|>')];
    const completion = ids('sat on a mat <|end|>');
    expect(example.inputIds).toEqual([...prompt, ...completion]);
    expect(example.completionMask).toEqual([...prompt.map(() => 0), ...completion.map(() => 1)]);
  });

  it('without a chat template, conversations use the documented plain format and get EOS', () => {
    expect(plainChat([user('Hi'), assistant('Hello')], false)).toBe('\n\nUser: Hi\n\nAssistant: Hello');
    expect(plainChat([user('Hi')], true)).toBe('\n\nUser: Hi\n\nAssistant:');
    const example = tokenizeSequence(plain, { prompt: [user('the cat')], completion: [assistant('sat')] });
    expect(example.inputIds).toEqual([BOS, ...ids('User: the cat Assistant: sat'), EOS]);
    expect(example.completionMask).toEqual([0, 0, 0, 0, 0, 1, 1]);
  });
});

describe('truncation to max length', () => {
  it('cuts the prompt from its start (keeping BOS) while the completion fits in the other half', () => {
    const row = { prompt: 'the cat sat on the mat .', completion: 'a dog' };
    const example = tokenizeSequence(plain, row, { maxLength: 6 });
    expect(example.inputIds).toEqual([BOS, ...ids('mat .'), ...ids('a dog'), EOS]);
    expect(example.completionMask).toEqual([0, 0, 0, 1, 1, 1]);
    expect(example.truncated).toBe(true);
  });

  it('when both are long, the prompt keeps its last half and the completion its start', () => {
    const row = { prompt: 'the cat sat on the mat', completion: 'a dog ran on a mat .' };
    const example = tokenizeSequence(plain, row, { maxLength: 6 });
    expect(example.inputIds).toEqual([BOS, ...ids('the mat'), ...ids('a dog ran')]);
    expect(example.completionMask).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('a plain text keeps its start; a short row is untouched', () => {
    expect(tokenizeSequence(plain, { text: 'a dog ran on a mat' }, { maxLength: 3 }).inputIds).toEqual([
      BOS,
      ...ids('a dog'),
    ]);
    const short = tokenizeSequence(plain, { prompt: 'a', completion: 'dog' }, { maxLength: 64 });
    expect(short).toMatchObject({ inputIds: [BOS, id('a'), id('dog'), EOS], truncated: false });
  });
});

describe('preference rows', () => {
  it('gives prompt, chosen and rejected ids; both completions share one budget', () => {
    const row = { prompt: 'the cat', chosen: 'sat on the mat', rejected: 'ran' };
    expect(tokenizePreference(plain, row)).toEqual({
      promptIds: [BOS, ...ids('the cat')],
      chosenIds: [...ids('sat on the mat'), EOS],
      rejectedIds: [id('ran'), EOS],
      truncated: false,
    });
    const cut = tokenizePreference(plain, row, { maxLength: 6 });
    expect(cut).toEqual({
      promptIds: [BOS, ...ids('the cat')],
      chosenIds: ids('sat on the'),
      rejectedIds: [id('ran'), EOS],
      truncated: true,
    });
  });

  it('conversational preference renders the prompt once and each completion after it', () => {
    const row = { prompt: [user('the cat')], chosen: [assistant('sat')], rejected: [assistant('ran')] };
    const example = tokenizePreference(templated, row);
    expect(example.promptIds).toEqual([BOS, ...ids('<|user|> the cat <|end|> <|assistant|>')]);
    expect(example.chosenIds).toEqual(ids('sat <|end|>'));
    expect(example.rejectedIds).toEqual(ids('ran <|end|>'));
  });

  it('prompts for generation end with the generation prompt and keep their end', () => {
    expect(tokenizePrompt(templated, { prompt: [user('a dog')] })).toEqual([
      BOS,
      ...ids('<|user|> a dog <|end|> <|assistant|>'),
    ]);
    expect(tokenizePrompt(plain, { prompt: 'the cat sat on' }, { maxLength: 3 })).toEqual([BOS, ...ids('sat on')]);
  });
});

function records(rows: Array<Record<string, unknown>>): RecordsRead {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return { columns, records: rows.map((values, i) => ({ line: i + 1, values })), unreadable: [], fileProblems: [] };
}

describe('token lengths against max_length', () => {
  it('buckets lengths evenly up to max_length, with one bucket for longer rows', () => {
    expect(lengthHistogram([1, 5, 8, 9, 100], 8, 4)).toEqual({
      maxLength: 8,
      buckets: [
        { from: 1, to: 2, count: 1 },
        { from: 3, to: 4, count: 0 },
        { from: 5, to: 6, count: 1 },
        { from: 7, to: 8, count: 1 },
        { from: 9, to: 100, count: 2 },
      ],
      over: 2,
      longest: 100,
    });
  });

  it('reports rows over max_length as errors, or with truncation as warnings that keep the row', () => {
    const rows = records([
      { prompt: 'the cat', chosen: 'sat', rejected: 'ran' },
      { prompt: 'the cat sat on the mat', chosen: 'a dog ran', rejected: 'ran' },
    ]);
    const strict = validateRecords(rows, { tokenizer: plain, maxLength: 6 });
    const message = 'is 11 tokens (prompt 7 + chosen 4 / rejected 2); max_length is 6';
    expect(strict.problems).toEqual([{ line: 2, field: 'chosen', message, severity: 'error' }]);
    expect(strict.valid.map((v) => v.line)).toEqual([1]);
    expect(strict.histogram?.over).toBe(1);
    expect(strict.histogram?.longest).toBe(11);
    const lenient = validateRecords(rows, { tokenizer: plain, maxLength: 6, truncate: true });
    expect(lenient.problems).toEqual([
      { line: 2, field: 'chosen', message: `${message}: it will be truncated`, severity: 'warning' },
    ]);
    expect(lenient.valid.map((v) => v.line)).toEqual([1, 2]);
    expect(lenient.truncated).toBe(1);
  });

  it('reports a row that the chat template cannot split into prompt and completion', () => {
    const odd =
      '{% for m in messages %}{{ m.content }} {% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';
    const tokenizer = createHfTokenizer(
      wordLevelTokenizerJson(WORDS),
      { ...SPECIALS, chat_template: odd },
      '/odd.json',
    );
    const rows = records([{ prompt: [user('the cat')], completion: [assistant('sat')] }]);
    const result = validateRecords(rows, { tokenizer, maxLength: 16 });
    expect(result.problems).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/renders the prompt differently/) }),
    ]);
    expect(result.valid).toEqual([]);
  });
});
