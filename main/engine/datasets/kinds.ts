/**
 * Which layout a file is in, from its columns: TRL's own columns, or a well-known layout that import converts (hh-rlhf,
 * Alpaca, ShareGPT, self-instruct). The user's --kind narrows the candidates; the first that fits wins.
 */
import { type DatasetKind, error, type Problem, type SourceRecord } from './types';

export type Layout = 'trl' | 'implicit-prompt' | 'hh-rlhf' | 'alpaca' | 'sharegpt' | 'self-instruct';

/** What `awb datasets import --kind` offers, and the TRL kinds each accepts. */
export type KindChoice = 'sft' | 'preference' | 'prompts' | 'unpaired';
export const KIND_CHOICES: Record<KindChoice, DatasetKind[]> = {
  sft: ['language_modeling', 'prompt_completion'],
  preference: ['preference'],
  prompts: ['prompt_only'],
  unpaired: ['unpaired_preference'],
};

export interface LayoutSpec {
  layout: Layout;
  kind: DatasetKind;
  /** Columns that must all be present; other columns are ignored. */
  columns: string[];
  /** Told apart from a layout with the same columns by what the rows hold. */
  matches?: (records: SourceRecord[]) => boolean;
}

/** hh-rlhf's turns are "\n\nHuman: …" and "\n\nAssistant: …" inside one string. */
export const HH_ASSISTANT = '\n\nAssistant:';
const HH_HUMAN = '\n\nHuman:';

function looksLikeHhRlhf(records: SourceRecord[]): boolean {
  const chosen = records[0]?.values.chosen;
  return typeof chosen === 'string' && chosen.includes(HH_HUMAN) && chosen.includes(HH_ASSISTANT);
}

// Most specific first: a file with prompt, completion and label is unpaired preference, not prompt-completion.
const LAYOUTS: LayoutSpec[] = [
  { layout: 'sharegpt', kind: 'language_modeling', columns: ['conversations'] },
  { layout: 'self-instruct', kind: 'prompt_completion', columns: ['instruction', 'instances'] },
  { layout: 'alpaca', kind: 'prompt_completion', columns: ['instruction', 'output'] },
  { layout: 'trl', kind: 'preference', columns: ['prompt', 'chosen', 'rejected'] },
  { layout: 'hh-rlhf', kind: 'preference', columns: ['chosen', 'rejected'], matches: looksLikeHhRlhf },
  { layout: 'implicit-prompt', kind: 'preference', columns: ['chosen', 'rejected'] },
  { layout: 'trl', kind: 'unpaired_preference', columns: ['prompt', 'completion', 'label'] },
  { layout: 'trl', kind: 'prompt_completion', columns: ['prompt', 'completion'] },
  { layout: 'trl', kind: 'language_modeling', columns: ['messages'] },
  { layout: 'trl', kind: 'language_modeling', columns: ['text'] },
  { layout: 'trl', kind: 'prompt_only', columns: ['prompt'] },
];

const NEEDS: Record<KindChoice | 'any', string> = {
  sft: 'text, messages, prompt + completion, instruction + output (Alpaca), instruction + instances (self-instruct) or conversations (ShareGPT)',
  preference: 'chosen + rejected, with or without prompt',
  prompts: 'prompt',
  unpaired: 'prompt + completion + label',
  any: 'text, messages, prompt, prompt + completion, chosen + rejected (with or without prompt), prompt + completion + label, instruction + output (Alpaca), instruction + instances (self-instruct) or conversations (ShareGPT)',
};

/** The layout of the file, or the problem that says why none fits (with the columns it would need). */
export function detectLayout(columns: string[], records: SourceRecord[], choice?: KindChoice): LayoutSpec | Problem {
  const allowed = choice ? KIND_CHOICES[choice] : undefined;
  const found = LAYOUTS.find(
    (spec) =>
      (!allowed || allowed.includes(spec.kind)) &&
      spec.columns.every((column) => columns.includes(column)) &&
      (!spec.matches || spec.matches(records)),
  );
  if (found) return found;
  const have = columns.length > 0 ? columns.join(', ') : 'none';
  const what = choice ? `a ${choice} dataset` : 'any known dataset layout';
  return error(0, null, `the columns (${have}) do not make ${what}: it needs ${NEEDS[choice ?? 'any']}`);
}
