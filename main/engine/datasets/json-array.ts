/**
 * A JSON array of row objects, read element by element: the array is split at its top-level commas first, so that a
 * syntax error or bad bytes in one row make that row unreadable (with its row and file line) and the others are read.
 */
import { collect, emptyRead, nonUtf8Lines, objectOrProblem, type RecordsRead } from './records';
import { error } from './types';

interface Element {
  text: string;
  firstLine: number;
  lastLine: number;
}

const OPENERS = new Set(['{', '[']);
const CLOSERS = new Set(['}', ']']);

/** The array's elements as text, or why the text is not an array at all. */
function splitArray(text: string): Element[] | string {
  let at = text.search(/\S/);
  if (text[at] !== '[') return 'a .json dataset must be an array of row objects';
  const elements: Element[] = [];
  let line = 1 + countNewlines(text, 0, at);
  let start = at + 1;
  let depth = 0;
  let inString = false;
  for (at = start; at < text.length; at++) {
    const c = text[at] as string;
    if (inString) {
      if (c === '\\') at++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c) && depth > 0) depth--;
    else if (depth === 0 && (c === ',' || c === ']')) {
      const element = elementAt(text, start, at, line);
      line = element.lastLine;
      if (element.text !== '' || c === ',' || elements.length > 0) elements.push(element);
      start = at + 1;
      if (c === ']') return text.slice(start).trim() === '' ? elements : 'there is text after the closing "]"';
    }
  }
  return 'the array is never closed with "]"';
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function elementAt(text: string, start: number, end: number, line: number): Element {
  const raw = text.slice(start, end);
  // An empty element (a stray comma) is placed on the comma's line.
  const lead = raw.trim() === '' ? 0 : raw.length - raw.trimStart().length;
  const firstLine = line + countNewlines(text, start, start + lead);
  return { text: raw.trim(), firstLine, lastLine: line + countNewlines(text, start, end) };
}

export function readJsonArray(bytes: Buffer): RecordsRead {
  const badLines = nonUtf8Lines(bytes);
  const elements = splitArray(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  if (typeof elements === 'string') return emptyRead(error(0, null, elements));
  const read = emptyRead();
  elements.forEach((element, index) => {
    const row = index + 1;
    const where = `line ${element.firstLine} of the file`;
    const bad = badLines.find((line) => line >= element.firstLine && line <= element.lastLine);
    if (bad !== undefined) {
      read.unreadable.push(error(row, null, `has bytes that are not UTF-8 (line ${bad} of the file)`));
      return;
    }
    if (element.text === '') {
      read.unreadable.push(error(row, null, `is missing: a stray comma (${where})`));
      return;
    }
    try {
      collect(read, objectOrProblem(JSON.parse(element.text), row));
    } catch (cause) {
      read.unreadable.push(error(row, null, `is not valid JSON (${where}): ${(cause as Error).message}`));
    }
  });
  return read;
}
