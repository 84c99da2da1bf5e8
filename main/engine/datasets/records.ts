/** Records read from a file, and what could not be read: shared by the readers of each format. */
import { isUtf8 } from 'node:buffer';
import { error, type Problem, type SourceRecord } from './types';

export interface RecordsRead {
  /** The columns the file offers: the CSV header, the Parquet schema, or every key seen in JSON rows. */
  columns: string[];
  records: SourceRecord[];
  /** Rows that could not be read at all (invalid JSON, bytes that are not UTF-8): reported, never imported. */
  unreadable: Problem[];
  /** Problems with the file as a whole (empty, a header without the needed columns): nothing can be imported. */
  fileProblems: Problem[];
}

export function emptyRead(problem?: Problem): RecordsRead {
  return { columns: [], records: [], unreadable: [], fileProblems: problem ? [problem] : [] };
}

export function collect(read: RecordsRead, item: SourceRecord | Problem): void {
  if ('values' in item) {
    read.records.push(item);
    for (const key of Object.keys(item.values)) if (!read.columns.includes(key)) read.columns.push(key);
  } else read.unreadable.push(item);
}

export function objectOrProblem(value: unknown, line: number): SourceRecord | Problem {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return error(line, null, `is not a JSON object (it is ${describe(value)})`);
  }
  return { line, values: value as Record<string, unknown> };
}

/** Lines (1-based) that hold bytes which are not UTF-8. */
export function nonUtf8Lines(bytes: Buffer): number[] {
  const lines: number[] = [];
  let line = 1;
  for (let start = 0; start <= bytes.length; line++) {
    const end = nextNewline(bytes, start);
    if (!isUtf8(bytes.subarray(start, end))) lines.push(line);
    start = end + 1;
  }
  return lines;
}

export function nextNewline(bytes: Buffer, start: number): number {
  const end = bytes.indexOf(0x0a, start);
  return end < 0 ? bytes.length : end;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}
