/**
 * Token lengths of rows as the trainers will see them (the same tokenization, untruncated), and their histogram
 * against `max_length`, so the user sees how much a limit would cut before choosing to drop or truncate.
 */
import type { Tokenizer } from '../tokenizers/tokenizer';
import { encodePair, encodePrompt, encodeText } from './tokenize';
import type {
  DatasetKind,
  DatasetRow,
  LanguageModelingRow,
  PreferenceRow,
  PromptCompletionRow,
  PromptOnlyRow,
} from './types';

export interface RowLength {
  tokens: number;
  /** The field that makes the row long: the completion (or the longer of chosen and rejected), else the text. */
  field: string;
  /** How the total is made up, for the report: "prompt 12 + chosen 40". */
  parts: string;
}

export function rowLength(tokenizer: Tokenizer, kind: DatasetKind, row: DatasetRow): RowLength {
  if (kind === 'language_modeling') {
    const field = 'text' in row ? 'text' : 'messages';
    const tokens = encodeText(tokenizer, row as LanguageModelingRow).length;
    return { tokens, field, parts: `${field} ${tokens}` };
  }
  if (kind === 'prompt_only') {
    const tokens = encodePrompt(tokenizer, (row as PromptOnlyRow).prompt).length;
    return { tokens, field: 'prompt', parts: `prompt ${tokens}` };
  }
  if (kind === 'preference') {
    const { prompt, chosen, rejected } = row as PreferenceRow;
    const pair = encodePair(tokenizer, prompt, chosen);
    const rejectedTokens = encodePair(tokenizer, prompt, rejected).completionIds.length;
    const chosenTokens = pair.completionIds.length;
    const field = chosenTokens >= rejectedTokens ? 'chosen' : 'rejected';
    const promptTokens = pair.promptIds.length;
    const parts = `prompt ${promptTokens} + chosen ${chosenTokens} / rejected ${rejectedTokens}`;
    return { tokens: promptTokens + Math.max(chosenTokens, rejectedTokens), field, parts };
  }
  const { prompt, completion } = row as PromptCompletionRow;
  const pair = encodePair(tokenizer, prompt, completion);
  const parts = `prompt ${pair.promptIds.length} + completion ${pair.completionIds.length}`;
  return { tokens: pair.promptIds.length + pair.completionIds.length, field: 'completion', parts };
}

export interface LengthBucket {
  /** Lengths from `from` to `to` tokens, both included. */
  from: number;
  to: number;
  count: number;
}

export interface LengthHistogram {
  maxLength: number;
  /** Equal-width buckets covering 1…maxLength, then one bucket for every row longer than maxLength. */
  buckets: LengthBucket[];
  over: number;
  longest: number;
}

export function lengthHistogram(lengths: number[], maxLength: number, bucketCount = 8): LengthHistogram {
  const width = Math.max(1, Math.ceil(maxLength / bucketCount));
  const buckets: LengthBucket[] = [];
  for (let from = 1; from <= maxLength; from += width) {
    buckets.push({ from, to: Math.min(maxLength, from + width - 1), count: 0 });
  }
  let over = 0;
  for (const length of lengths) {
    if (length > maxLength) over++;
    else {
      const bucket = buckets[Math.max(0, Math.floor((length - 1) / width))];
      if (bucket) bucket.count++;
    }
  }
  const longest = lengths.reduce((a, b) => Math.max(a, b), 0);
  buckets.push({ from: maxLength + 1, to: Math.max(longest, maxLength + 1), count: over });
  return { maxLength, buckets, over, longest };
}
