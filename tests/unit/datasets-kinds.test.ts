/** Layout detection, conversion to TRL's columns, and row validation, on records as a reader returns them. */
import { describe, expect, it } from 'vitest';
import type { KindChoice } from '../../main/engine/datasets/kinds';
import type { RecordsRead } from '../../main/engine/datasets/records';
import { validateRecords } from '../../main/engine/datasets/validate';

function records(rows: Array<Record<string, unknown>>): RecordsRead {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return { columns, records: rows.map((values, i) => ({ line: i + 1, values })), unreadable: [], fileProblems: [] };
}

function validate(rows: Array<Record<string, unknown>>, kind?: KindChoice) {
  return validateRecords(records(rows), { kind });
}

function converted(rows: Array<Record<string, unknown>>, kind?: KindChoice) {
  const result = validate(rows, kind);
  expect(result.problems).toEqual([]);
  return {
    kind: result.spec?.kind,
    layout: result.spec?.layout,
    format: result.format,
    rows: result.valid.map((v) => v.row),
  };
}

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });

describe("TRL's own columns", () => {
  it('detects each kind in the standard format and keeps its columns', () => {
    expect(converted([{ text: 'Once upon a time' }])).toMatchObject({ kind: 'language_modeling', format: 'standard' });
    expect(converted([{ prompt: 'Hi' }])).toMatchObject({ kind: 'prompt_only', rows: [{ prompt: 'Hi' }] });
    expect(converted([{ prompt: 'Hi', completion: ' there', id: 7 }])).toEqual({
      kind: 'prompt_completion',
      layout: 'trl',
      format: 'standard',
      rows: [{ prompt: 'Hi', completion: ' there' }],
    });
    expect(converted([{ prompt: 'Q', chosen: ' good', rejected: ' bad' }])).toMatchObject({
      kind: 'preference',
      rows: [{ prompt: 'Q', chosen: ' good', rejected: ' bad' }],
    });
    // CSV has no booleans: "TRUE" and "false" are read as labels.
    const unpaired = [
      { prompt: 'Q', completion: ' a', label: true },
      { prompt: 'Q', completion: ' b', label: 'false' },
      { prompt: 'Q', completion: ' c', label: 'TRUE' },
    ];
    expect(converted(unpaired)).toMatchObject({
      kind: 'unpaired_preference',
      rows: [{ label: true }, { label: false }, { label: true }],
    });
  });

  it('detects the conversational format from lists of messages', () => {
    const messages = [user('Hi'), assistant('Hello')];
    expect(converted([{ messages }])).toEqual({
      kind: 'language_modeling',
      layout: 'trl',
      format: 'conversational',
      rows: [{ messages }],
    });
    const pair = { prompt: [user('Hi')], completion: [assistant('Hello')] };
    expect(converted([pair])).toMatchObject({ kind: 'prompt_completion', format: 'conversational', rows: [pair] });
  });

  it('splits an implicit conversational prompt after the messages chosen and rejected share', () => {
    const shared = [user('Hi'), assistant('Hello'), user('Tell me a joke')];
    const row = { chosen: [...shared, assistant('Why did…')], rejected: [...shared, assistant('No.')] };
    expect(converted([row])).toEqual({
      kind: 'preference',
      layout: 'implicit-prompt',
      format: 'conversational',
      rows: [{ prompt: shared, chosen: [assistant('Why did…')], rejected: [assistant('No.')] }],
    });
  });

  it('splits an implicit text prompt at the last whitespace the two share, the space going to the completions', () => {
    const { rows } = converted([{ chosen: 'The sky is blue', rejected: 'The sky is green' }]);
    expect(rows).toEqual([{ prompt: 'The sky is', chosen: ' blue', rejected: ' green' }]);
    const midWord = converted([{ chosen: 'I know it', rejected: 'I knew it' }]).rows;
    expect(midWord).toEqual([{ prompt: 'I', chosen: ' know it', rejected: ' knew it' }]);
  });
});

describe('converted layouts', () => {
  it('hh-rlhf: the prompt ends with the last "\\n\\nAssistant:" both share, even when the replies share words', () => {
    const prompt = '\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Is the sky blue?\n\nAssistant:';
    const row = { chosen: `${prompt} I think it is blue.`, rejected: `${prompt} I think it is green.` };
    expect(converted([row])).toEqual({
      kind: 'preference',
      layout: 'hh-rlhf',
      format: 'standard',
      rows: [{ prompt, chosen: ' I think it is blue.', rejected: ' I think it is green.' }],
    });
  });

  it('hh-rlhf: a pair with no shared assistant turn is reported', () => {
    const row = { chosen: '\n\nHuman: A\n\nAssistant: x', rejected: '\n\nHuman: B\n\nAssistant: y' };
    expect(validate([row]).problems).toEqual([
      expect.objectContaining({ line: 1, field: 'chosen', message: expect.stringMatching(/share no prompt/) }),
    ]);
  });

  it('Alpaca: instruction, then a blank line and the input when there is one, → prompt; output → completion', () => {
    const rows = [
      { instruction: 'Translate to French.', input: 'cat', output: 'chat' },
      { instruction: 'Name a colour.', input: '', output: 'Blue' },
      { instruction: 'Count to two.', output: '1, 2' },
    ];
    expect(converted(rows)).toEqual({
      kind: 'prompt_completion',
      layout: 'alpaca',
      format: 'standard',
      rows: [
        { prompt: 'Translate to French.\n\ncat', completion: 'chat' },
        { prompt: 'Name a colour.', completion: 'Blue' },
        { prompt: 'Count to two.', completion: '1, 2' },
      ],
    });
  });

  it('ShareGPT: conversations of {from, value} become messages with TRL roles; an unknown speaker is an error', () => {
    const conversations = [
      { from: 'system', value: 'Be brief.' },
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello' },
    ];
    expect(converted([{ conversations }])).toEqual({
      kind: 'language_modeling',
      layout: 'sharegpt',
      format: 'conversational',
      rows: [{ messages: [{ role: 'system', content: 'Be brief.' }, user('Hi'), assistant('Hello')] }],
    });
    const bad = validate([{ conversations: [{ from: 'robot', value: 'beep' }] }]);
    expect(bad.problems).toEqual([
      expect.objectContaining({
        field: 'conversations[0].from',
        message: expect.stringMatching(/"robot" is not a known/),
      }),
    ]);
  });

  it('self-instruct seed tasks: one prompt-completion row per instance', () => {
    const task = {
      id: 'seed_task_1',
      instruction: 'What is the relation between the given pairs?',
      instances: [
        { input: 'Night : Day', output: 'Opposites.' },
        { input: '', output: 'None given.' },
      ],
      is_classification: false,
    };
    const result = validate([task]);
    expect(result).toMatchObject({ spec: { layout: 'self-instruct', kind: 'prompt_completion' }, rows: 2 });
    expect(result.valid).toEqual([
      { line: 1, row: { prompt: `${task.instruction}\n\nNight : Day`, completion: 'Opposites.' } },
      { line: 1, row: { prompt: task.instruction, completion: 'None given.' } },
    ]);
    const broken = validate([{ ...task, instances: [{ input: 'x', output: 3 }] }]);
    expect(broken.problems).toEqual([
      expect.objectContaining({ line: 1, field: 'instances[0].output', message: 'must be text, not a number' }),
    ]);
  });
});

describe('--kind narrows what is accepted', () => {
  it('picks the first layout the kind accepts, ignoring other columns', () => {
    const unpaired = [{ prompt: 'Q', completion: ' a', label: true }];
    expect(converted(unpaired, 'sft')).toMatchObject({
      kind: 'prompt_completion',
      rows: [{ prompt: 'Q', completion: ' a' }],
    });
    const preference = [{ prompt: 'Q', chosen: ' a', rejected: ' b' }];
    expect(converted(preference, 'prompts')).toMatchObject({ kind: 'prompt_only', rows: [{ prompt: 'Q' }] });
  });

  it('refuses a file whose columns do not make that kind, naming the columns and what is needed', () => {
    const result = validate([{ prompt: 'Q', completion: ' a' }], 'preference');
    expect(result.fatal).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({
        line: 0,
        message:
          'the columns (prompt, completion) do not make a preference dataset: it needs chosen + rejected, with or without prompt',
      }),
    ]);
    expect(validate([{ question: 'Q' }]).problems[0]?.message).toMatch(
      /^the columns \(question\) do not make any known/,
    );
  });
});

describe('row problems', () => {
  it('reports missing, empty, wrongly typed fields and chosen == rejected, each with line and field', () => {
    const result = validate([
      { prompt: 'Q1', chosen: ' a', rejected: ' b' },
      { prompt: 'Q2', rejected: ' b' },
      { prompt: 'Q3', chosen: '', rejected: ' b' },
      { prompt: 'Q4', chosen: 42, rejected: ' b' },
      { prompt: 'Q5', chosen: ' same', rejected: ' same' },
      { prompt: null, chosen: ' a', rejected: ' b' },
      { prompt: 'Q7', chosen: ' ', rejected: ' b' },
    ]);
    expect(result.problems).toEqual([
      { line: 2, field: 'chosen', message: 'is missing', severity: 'error' },
      { line: 3, field: 'chosen', message: 'is empty', severity: 'error' },
      {
        line: 4,
        field: 'chosen',
        message: 'must be text or a list of {role, content} messages, not a number',
        severity: 'error',
      },
      { line: 5, field: 'rejected', message: 'is the same as chosen', severity: 'error' },
      { line: 6, field: 'prompt', message: 'is missing', severity: 'error' },
      { line: 7, field: 'chosen', message: 'is only whitespace', severity: 'warning' },
    ]);
    expect(result.rows).toBe(7);
    expect(result.valid.map((v) => v.line)).toEqual([1, 7]);
  });

  it('reports exact duplicates (after conversion) against the first occurrence', () => {
    const result = validate([{ text: 'a' }, { text: 'b' }, { text: 'a' }]);
    expect(result.problems).toEqual([
      { line: 3, field: null, message: 'duplicates the row from line 1', severity: 'error' },
    ]);
    expect(result.valid.map((v) => v.line)).toEqual([1, 2]);
  });

  it('reports messages with a bad element by path, and mixed formats within a row and across rows', () => {
    const bad = validate([{ messages: [user('Hi'), { role: 'assistant' }] }]);
    expect(bad.problems).toEqual([expect.objectContaining({ field: 'messages[1].content', message: 'is missing' })]);
    const mixedRow = validate([{ prompt: [user('Hi')], completion: 'Hello' }]);
    expect(mixedRow.problems).toEqual([
      expect.objectContaining({ field: 'completion', message: 'is text but the prompt is messages' }),
    ]);
    const mixedRows = validate([
      { prompt: 'Hi', completion: ' a' },
      { prompt: [user('Hi')], completion: [assistant('a')] },
    ]);
    expect(mixedRows.problems).toEqual([
      expect.objectContaining({ line: 2, message: 'holds messages but earlier rows hold text' }),
    ]);
  });

  it('reports a label that is not a boolean', () => {
    const result = validate([{ prompt: 'Q', completion: ' a', label: 'yes' }]);
    expect(result.problems).toEqual([
      expect.objectContaining({ field: 'label', message: 'must be true or false, not text' }),
    ]);
  });
});
