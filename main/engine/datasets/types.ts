/**
 * Dataset rows in TRL's columns (https://huggingface.co/docs/trl/dataset_formats): every imported file, whatever its
 * layout, is stored as one of these kinds, in the standard (plain text) or conversational ([{role, content}]) format.
 */

export interface Message {
  role: string;
  content: string;
}

/** Plain text (standard format) or a list of messages (conversational format). */
export type Turns = string | Message[];

export type DatasetFormat = 'standard' | 'conversational';

export type DatasetKind =
  | 'language_modeling'
  | 'prompt_only'
  | 'prompt_completion'
  | 'preference'
  | 'unpaired_preference';

export type LanguageModelingRow = { text: string } | { messages: Message[] };

export interface PromptOnlyRow {
  prompt: Turns;
}

export interface PromptCompletionRow {
  prompt: Turns;
  completion: Turns;
}

/** Always with an explicit prompt: an implicit one (hh-rlhf) is split out on import. */
export interface PreferenceRow {
  prompt: Turns;
  chosen: Turns;
  rejected: Turns;
}

export interface UnpairedPreferenceRow {
  prompt: Turns;
  completion: Turns;
  /** True when the completion is desirable. */
  label: boolean;
}

export interface RowOfKind {
  language_modeling: LanguageModelingRow;
  prompt_only: PromptOnlyRow;
  prompt_completion: PromptCompletionRow;
  preference: PreferenceRow;
  unpaired_preference: UnpairedPreferenceRow;
}

export type DatasetRow = RowOfKind[DatasetKind];

/** Where a problem is: `line` is the JSONL line or the row of the other formats (1-based); 0 is the whole file. */
export interface Problem {
  line: number;
  /** The field, with a path into nested values (`messages[2].content`); null when the problem is the whole row. */
  field: string | null;
  message: string;
  /** Errors make a row invalid; warnings are reported and the row is kept. */
  severity: 'error' | 'warning';
}

/** One record as read from the file, before it is checked: the raw values and where they came from. */
export interface SourceRecord {
  line: number;
  values: Record<string, unknown>;
}

export function error(line: number, field: string | null, message: string): Problem {
  return { line, field, message, severity: 'error' };
}

export function warning(line: number, field: string | null, message: string): Problem {
  return { line, field, message, severity: 'warning' };
}
