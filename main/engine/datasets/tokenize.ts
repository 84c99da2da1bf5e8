/**
 * Rows → token ids for the trainers; pure functions of (tokenizer, row, options).
 *
 * Prompt and completion are tokenized separately and concatenated (as TRL does), so the boundary between them is a
 * token boundary and the completion mask is exact. The prompt gets BOS; a standard completion (and a whole text) gets
 * EOS so that the model learns to stop; a completion rendered by a chat template does not, the template already ends
 * the turn with its own end marker.
 *
 * Truncation to `maxLength` keeps the prompt's end (the part next to the reply, and BOS at the front) and the
 * completion's start: the prompt gives up tokens first, down to half of `maxLength`, and only then is the completion
 * cut from its end. A plain text keeps its start.
 */
import type { Tokenizer } from '../tokenizers/tokenizer';
import { chatTemplating, renderChat, splitChat } from './chat';
import { isConversational } from './convert';
import type { LanguageModelingRow, Message, PreferenceRow, PromptCompletionRow, Turns } from './types';

export interface TokenizeOptions {
  /** Longest sequence in tokens (prompt + completion); unlimited when absent. */
  maxLength?: number;
}

export interface SequenceExample {
  inputIds: number[];
  /** 1 where the token belongs to the completion (counted by the loss), 0 on prompt tokens. */
  completionMask: number[];
  truncated: boolean;
}

export interface PreferenceExample {
  promptIds: number[];
  chosenIds: number[];
  rejectedIds: number[];
  truncated: boolean;
}

interface EncodedPair {
  promptIds: number[];
  completionIds: number[];
}

export function encodePair(tokenizer: Tokenizer, prompt: Turns, completion: Turns): EncodedPair {
  if (isConversational(prompt)) {
    const { promptText, completionText } = splitChat(tokenizer, prompt, completion as Message[]);
    return {
      promptIds: tokenizer.encode(promptText, { addBos: true }),
      completionIds: tokenizer.encode(completionText, { addEos: chatTemplating(tokenizer) === undefined }),
    };
  }
  return {
    promptIds: tokenizer.encode(prompt, { addBos: true }),
    completionIds: tokenizer.encode(completion as string, { addEos: true }),
  };
}

export function encodePrompt(tokenizer: Tokenizer, prompt: Turns): number[] {
  const text = isConversational(prompt) ? renderChat(tokenizer, prompt, true) : prompt;
  return tokenizer.encode(text, { addBos: true });
}

export function encodeText(tokenizer: Tokenizer, row: LanguageModelingRow): number[] {
  if ('text' in row) return tokenizer.encode(row.text, { addBos: true, addEos: true });
  const text = renderChat(tokenizer, row.messages, false);
  return tokenizer.encode(text, { addBos: true, addEos: chatTemplating(tokenizer) === undefined });
}

/** The last `n` tokens, BOS kept at the front when the ids start with it. */
export function keepEnd(ids: number[], n: number, bosId: number | undefined): number[] {
  if (ids.length <= n) return ids;
  if (n <= 0) return [];
  if (bosId !== undefined && ids[0] === bosId) return [bosId, ...ids.slice(ids.length - (n - 1))];
  return ids.slice(ids.length - n);
}

/** How many prompt and completion tokens fit in `maxLength` (see the file's comment for the rule). */
export function budgets(promptLength: number, completionLength: number, maxLength: number): [number, number] {
  if (promptLength + completionLength <= maxLength) return [promptLength, completionLength];
  const prompt = Math.min(promptLength, Math.max(maxLength - completionLength, Math.ceil(maxLength / 2)));
  return [prompt, maxLength - prompt];
}

/** Language modeling (whole text, every token counted) or prompt + completion (completion tokens counted). */
export function tokenizeSequence(
  tokenizer: Tokenizer,
  row: LanguageModelingRow | PromptCompletionRow,
  options: TokenizeOptions = {},
): SequenceExample {
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  if (!('prompt' in row)) {
    const ids = encodeText(tokenizer, row);
    const inputIds = ids.slice(0, maxLength);
    return { inputIds, completionMask: inputIds.map(() => 1), truncated: inputIds.length < ids.length };
  }
  const { promptIds, completionIds } = encodePair(tokenizer, row.prompt, row.completion);
  const [promptBudget, completionBudget] = budgets(promptIds.length, completionIds.length, maxLength);
  const prompt = keepEnd(promptIds, promptBudget, tokenizer.bosId);
  const completion = completionIds.slice(0, completionBudget);
  return {
    inputIds: [...prompt, ...completion],
    completionMask: [...prompt.map(() => 0), ...completion.map(() => 1)],
    truncated: prompt.length < promptIds.length || completion.length < completionIds.length,
  };
}

/** Prompt, chosen and rejected ids; both completions share the completion budget of the longer one. */
export function tokenizePreference(
  tokenizer: Tokenizer,
  row: PreferenceRow,
  options: TokenizeOptions = {},
): PreferenceExample {
  const chosen = encodePair(tokenizer, row.prompt, row.chosen);
  const rejectedIds = encodePair(tokenizer, row.prompt, row.rejected).completionIds;
  const longest = Math.max(chosen.completionIds.length, rejectedIds.length);
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  const [promptBudget, completionBudget] = budgets(chosen.promptIds.length, longest, maxLength);
  const example = {
    promptIds: keepEnd(chosen.promptIds, promptBudget, tokenizer.bosId),
    chosenIds: chosen.completionIds.slice(0, completionBudget),
    rejectedIds: rejectedIds.slice(0, completionBudget),
  };
  const truncated =
    example.promptIds.length < chosen.promptIds.length ||
    Math.max(example.chosenIds.length, example.rejectedIds.length) < longest;
  return { ...example, truncated };
}

/** A prompt ready for generation (ending with the chat template's generation prompt), its end kept. */
export function tokenizePrompt(tokenizer: Tokenizer, row: { prompt: Turns }, options: TokenizeOptions = {}): number[] {
  return keepEnd(encodePrompt(tokenizer, row.prompt), options.maxLength ?? Number.POSITIVE_INFINITY, tokenizer.bosId);
}
