/**
 * Every row checked before anything is written or trained: fields and types, the layout's conversion, one format for
 * the whole dataset, duplicates, and (with a tokenizer and max_length) token lengths. Each problem names its line or
 * row and field; the rows that have no error are the ones an import may keep.
 */
import { InputError } from '../errors';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { convertRecord, isConversational } from './convert';
import { FieldReader } from './fields';
import { detectLayout, type KindChoice, type LayoutSpec } from './kinds';
import { type LengthHistogram, lengthHistogram, rowLength } from './lengths';
import type { RecordsRead } from './records';
import { type DatasetFormat, type DatasetRow, error, type Problem, type Turns, warning } from './types';

export interface ValidateOptions {
  kind?: KindChoice;
  /** Counts tokens; with maxLength, rows longer than it are problems. */
  tokenizer?: Tokenizer;
  maxLength?: number;
  /** Rows longer than maxLength are kept (a warning) for the trainer to truncate, instead of being errors. */
  truncate?: boolean;
}

export interface Candidate {
  line: number;
  row: DatasetRow;
  invalid: boolean;
}

export interface Validation {
  spec?: LayoutSpec;
  format?: DatasetFormat;
  /** Rows in the file, unreadable ones included (a self-instruct task counts one row per instance). */
  rows: number;
  /** The rows without errors, in file order. */
  valid: Array<{ line: number; row: DatasetRow }>;
  /** Every problem, sorted by line; `fatal` ones are about the whole file and no choice can get past them. */
  problems: Problem[];
  fatal: boolean;
  histogram?: LengthHistogram;
  /** Valid rows longer than maxLength, kept because truncation was chosen. */
  truncated: number;
}

function formatOfRow(row: DatasetRow): DatasetFormat {
  const first = Object.values(row).find((value) => typeof value === 'string' || Array.isArray(value)) as Turns;
  return isConversational(first) ? 'conversational' : 'standard';
}

function checkFormat(candidates: Candidate[], problems: Problem[]): DatasetFormat | undefined {
  const format = candidates[0] ? formatOfRow(candidates[0].row) : undefined;
  for (const candidate of candidates) {
    if (formatOfRow(candidate.row) === format) continue;
    candidate.invalid = true;
    const [other, mine] = format === 'standard' ? ['text', 'messages'] : ['messages', 'text'];
    problems.push(error(candidate.line, null, `holds ${mine} but earlier rows hold ${other}`));
  }
  return format;
}

function checkDuplicates(candidates: Candidate[], problems: Problem[]): void {
  const seen = new Map<string, number>();
  for (const candidate of candidates) {
    if (candidate.invalid) continue;
    const key = JSON.stringify(candidate.row);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, candidate.line);
    else {
      candidate.invalid = true;
      problems.push(error(candidate.line, null, `duplicates the row from line ${first}`));
    }
  }
}

function checkLengths(
  candidates: Candidate[],
  spec: LayoutSpec,
  options: ValidateOptions & { tokenizer: Tokenizer },
  problems: Problem[],
): { histogram?: LengthHistogram; truncated: number } {
  const lengths: number[] = [];
  let truncated = 0;
  const { maxLength, truncate } = options;
  for (const candidate of candidates) {
    if (candidate.invalid) continue;
    let length: ReturnType<typeof rowLength>;
    try {
      length = rowLength(options.tokenizer, spec.kind, candidate.row);
    } catch (cause) {
      if (!(cause instanceof InputError)) throw cause;
      candidate.invalid = true;
      problems.push(error(candidate.line, null, cause.message));
      continue;
    }
    lengths.push(length.tokens);
    if (maxLength === undefined || length.tokens <= maxLength) continue;
    const message = `is ${length.tokens} tokens (${length.parts}); max_length is ${maxLength}`;
    if (truncate) {
      truncated++;
      problems.push(warning(candidate.line, length.field, `${message}: it will be truncated`));
    } else {
      candidate.invalid = true;
      problems.push(error(candidate.line, length.field, message));
    }
  }
  return { histogram: maxLength === undefined ? undefined : lengthHistogram(lengths, maxLength), truncated };
}

function convertAll(read: RecordsRead, spec: LayoutSpec, problems: Problem[]) {
  const candidates: Candidate[] = [];
  let failedRecords = 0;
  for (const record of read.records) {
    const reader = new FieldReader(record);
    const rows = convertRecord(reader, spec);
    problems.push(...reader.problems);
    if (rows.length === 0) failedRecords++;
    for (const row of rows) candidates.push({ line: record.line, row, invalid: false });
  }
  return { candidates, failedRecords };
}

export function validateRecords(read: RecordsRead, options: ValidateOptions = {}): Validation {
  const unreadable = read.unreadable.length;
  if (read.fileProblems.length > 0) return fatal(read.fileProblems, unreadable + read.records.length);
  const spec = detectLayout(read.columns, read.records, options.kind);
  if (!('layout' in spec)) return fatal([spec], unreadable + read.records.length);
  const problems: Problem[] = [...read.unreadable];
  const { candidates, failedRecords } = convertAll(read, spec, problems);
  const format = checkFormat(candidates, problems);
  checkDuplicates(candidates, problems);
  const { tokenizer } = options;
  const lengths = tokenizer ? checkLengths(candidates, spec, { ...options, tokenizer }, problems) : { truncated: 0 };
  problems.sort((a, b) => a.line - b.line);
  return {
    spec,
    format,
    rows: unreadable + failedRecords + candidates.length,
    valid: candidates.filter((c) => !c.invalid).map(({ line, row }) => ({ line, row })),
    problems,
    fatal: false,
    ...lengths,
  };
}

function fatal(problems: Problem[], rows: number): Validation {
  return { rows, valid: [], problems, fatal: true, truncated: 0 };
}
