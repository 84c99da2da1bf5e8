/**
 * One record of a detected layout → rows in TRL's columns. Problems go to the reader; a record with any error gives
 * no rows. Choices made here, so that they can be relied on:
 * - hh-rlhf: the prompt is chosen's text up to and including the last "\n\nAssistant:" that chosen and rejected share,
 *   so both completions start with the assistant's reply (" To be honest…").
 * - Other implicit prompts: conversational rows split after the longest run of identical leading messages; standard
 *   rows split at the last whitespace inside the longest common prefix, the space going to the completions.
 * - Alpaca and self-instruct: prompt = instruction, then a blank line and the input when there is one; no template
 *   preamble is added (the chat template or the tokenizer's format adds its own).
 * - ShareGPT: from human/user → user, gpt/assistant → assistant, system → system.
 */
import type { FieldReader } from './fields';
import { HH_ASSISTANT, type LayoutSpec } from './kinds';
import type { DatasetRow, Message, PreferenceRow, Turns } from './types';

const SHAREGPT_KEYS = {
  role: 'from',
  content: 'value',
  roles: { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system' },
};

export function isConversational(turns: Turns): turns is Message[] {
  return Array.isArray(turns);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The completion must be in the prompt's format: a text prompt and a messages completion cannot be rendered. */
function sameFormat(reader: FieldReader, prompt: Turns, field: string, turns: Turns): boolean {
  if (isConversational(prompt) === isConversational(turns)) return true;
  const [mine, theirs] = isConversational(turns) ? ['messages', 'text'] : ['text', 'messages'];
  reader.error(field, `is ${mine} but the prompt is ${theirs}`);
  return false;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export function splitHhRlhf(chosen: string, rejected: string): PreferenceRow | undefined {
  const shared = commonPrefixLength(chosen, rejected);
  if (shared < HH_ASSISTANT.length) return undefined;
  const at = chosen.lastIndexOf(HH_ASSISTANT, shared - HH_ASSISTANT.length);
  if (at < 0) return undefined;
  const end = at + HH_ASSISTANT.length;
  return { prompt: chosen.slice(0, end), chosen: chosen.slice(end), rejected: rejected.slice(end) };
}

function splitText(chosen: string, rejected: string): PreferenceRow | undefined {
  let end = commonPrefixLength(chosen, rejected);
  while (end > 0 && !/\s/.test(chosen[end - 1] as string)) end--;
  end = Math.max(0, end - 1); // before the whitespace: completions start with it, as tokenizers expect
  return end > 0
    ? { prompt: chosen.slice(0, end), chosen: chosen.slice(end), rejected: rejected.slice(end) }
    : undefined;
}

function splitMessages(chosen: Message[], rejected: Message[]): PreferenceRow | undefined {
  let shared = 0;
  while (shared < chosen.length && shared < rejected.length && same(chosen[shared], rejected[shared])) shared++;
  if (shared === 0) return undefined;
  return { prompt: chosen.slice(0, shared), chosen: chosen.slice(shared), rejected: rejected.slice(shared) };
}

function implicitPreference(reader: FieldReader, layout: LayoutSpec['layout']): PreferenceRow | undefined {
  const chosen = reader.turns('chosen');
  const rejected = reader.turns('rejected');
  if (chosen === undefined || rejected === undefined) return undefined;
  if (!sameFormat(reader, chosen, 'rejected', rejected)) return undefined;
  if (same(chosen, rejected)) return reader.error('rejected', 'is the same as chosen');
  const row = isConversational(chosen)
    ? splitMessages(chosen, rejected as Message[])
    : layout === 'hh-rlhf'
      ? splitHhRlhf(chosen, rejected as string)
      : splitText(chosen, rejected as string);
  if (!row) {
    const where = layout === 'hh-rlhf' ? `an "${HH_ASSISTANT.trim()}" turn` : 'a beginning';
    return reader.error('chosen', `and rejected share no prompt to split off (no ${where} in common)`);
  }
  for (const field of ['chosen', 'rejected'] as const) {
    const rest = row[field];
    if (rest.length === 0) return reader.error(field, 'is empty once the shared prompt is split off');
    if (typeof rest === 'string' && rest.trim() === '')
      reader.warn(field, 'is only whitespace once the prompt is split off');
  }
  return row;
}

function explicitPreference(reader: FieldReader): PreferenceRow | undefined {
  const prompt = reader.turns('prompt');
  const chosen = reader.turns('chosen');
  const rejected = reader.turns('rejected');
  if (prompt === undefined || chosen === undefined || rejected === undefined) return undefined;
  if (!sameFormat(reader, prompt, 'chosen', chosen) || !sameFormat(reader, prompt, 'rejected', rejected)) {
    return undefined;
  }
  if (same(chosen, rejected)) return reader.error('rejected', 'is the same as chosen');
  return { prompt, chosen, rejected };
}

function promptCompletion(reader: FieldReader): { prompt: Turns; completion: Turns } | undefined {
  const prompt = reader.turns('prompt');
  const completion = reader.turns('completion');
  if (prompt === undefined || completion === undefined) return undefined;
  return sameFormat(reader, prompt, 'completion', completion) ? { prompt, completion } : undefined;
}

function instructionPrompt(instruction: string, input: string): string {
  return input.trim() === '' ? instruction : `${instruction}\n\n${input}`;
}

function alpaca(reader: FieldReader): DatasetRow[] {
  const instruction = reader.text('instruction');
  const input = reader.optionalText('input');
  const output = reader.text('output');
  if (instruction === undefined || input === undefined || output === undefined) return [];
  return [{ prompt: instructionPrompt(instruction, input), completion: output }];
}

function selfInstruct(reader: FieldReader): DatasetRow[] {
  const instruction = reader.text('instruction');
  const instances = reader.list('instances');
  if (instruction === undefined || instances === undefined) return [];
  const rows = instances.map((item, index) => {
    const instance = reader.object(`instances[${index}]`, item);
    if (!instance) return undefined;
    const input = reader.optionalText(`instances[${index}].input`, instance.input);
    const output = reader.text(`instances[${index}].output`, instance.output);
    if (input === undefined || output === undefined) return undefined;
    return { prompt: instructionPrompt(instruction, input), completion: output };
  });
  return rows.every((row) => row !== undefined) ? rows : [];
}

function trlRow(reader: FieldReader, spec: LayoutSpec): DatasetRow | undefined {
  switch (spec.kind) {
    case 'language_modeling': {
      if (spec.columns.includes('text')) return optional(reader.text('text'), (text) => ({ text }));
      return optional(reader.messages('messages'), (messages) => ({ messages }));
    }
    case 'prompt_only':
      return optional(reader.turns('prompt'), (prompt) => ({ prompt }));
    case 'prompt_completion':
      return promptCompletion(reader);
    case 'unpaired_preference': {
      const pair = promptCompletion(reader);
      const label = reader.label('label');
      return pair && label !== undefined ? { ...pair, label } : undefined;
    }
    case 'preference':
      return explicitPreference(reader);
  }
}

function optional<T, R>(value: T | undefined, make: (value: T) => R): R | undefined {
  return value === undefined ? undefined : make(value);
}

/** The record's rows (self-instruct gives one per instance), or none when it has an error. */
export function convertRecord(reader: FieldReader, spec: LayoutSpec): DatasetRow[] {
  let rows: Array<DatasetRow | undefined>;
  if (spec.layout === 'alpaca') rows = alpaca(reader);
  else if (spec.layout === 'self-instruct') rows = selfInstruct(reader);
  else if (spec.layout === 'sharegpt')
    rows = [optional(reader.messages('conversations', undefined, SHAREGPT_KEYS), (messages) => ({ messages }))];
  else if (spec.layout === 'hh-rlhf' || spec.layout === 'implicit-prompt')
    rows = [implicitPreference(reader, spec.layout)];
  else rows = [trlRow(reader, spec)];
  const hasError = reader.problems.some((problem) => problem.severity === 'error');
  return hasError ? [] : rows.filter((row) => row !== undefined);
}
