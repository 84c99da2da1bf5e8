/**
 * CSV as RFC 4180 describes it: comma-separated fields, records ending in CRLF or LF, fields in double quotes may hold
 * commas, line breaks and doubled quotes (""). The first record is the header; rows are numbered from 1 after it.
 */
import { emptyRead, nonUtf8Lines, type RecordsRead } from './records';
import { error } from './types';

interface CsvRecord {
  /** The file lines the record spans: a quoted field may hold line breaks. */
  firstLine: number;
  lastLine: number;
  fields: string[];
}

class CsvParser {
  private at = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** Every record, or the line where a quoted field opens and never closes. */
  parse(): CsvRecord[] | { unclosedQuoteAt: number } {
    const records: CsvRecord[] = [];
    while (this.at < this.text.length) {
      const firstLine = this.line;
      const fields = this.record();
      if (fields === undefined) return { unclosedQuoteAt: firstLine };
      records.push({ firstLine, lastLine: this.line - 1, fields });
    }
    return records;
  }

  private record(): string[] | undefined {
    const fields: string[] = [];
    for (;;) {
      const field = this.text[this.at] === '"' ? this.quoted() : this.unquoted();
      if (field === undefined) return undefined;
      fields.push(field);
      if (this.text[this.at] !== ',') break;
      this.at++;
    }
    // At a line break or the end of the text.
    if (this.text.startsWith('\r\n', this.at)) this.at += 2;
    else if (this.at < this.text.length) this.at++;
    this.line++;
    return fields;
  }

  private unquoted(): string {
    let end = this.at;
    while (end < this.text.length && this.text[end] !== ',' && this.text[end] !== '\n') end++;
    const field = this.text.slice(this.at, end);
    this.at = end;
    return this.text[end] === '\n' && field.endsWith('\r') ? field.slice(0, -1) : field;
  }

  private quoted(): string | undefined {
    let value = '';
    let from = this.at + 1;
    for (;;) {
      const quote = this.text.indexOf('"', from);
      if (quote < 0) return undefined;
      value += this.text.slice(from, quote);
      if (this.text[quote + 1] !== '"') {
        this.at = quote + 1;
        break;
      }
      value += '"';
      from = quote + 2;
    }
    this.line += value.split('\n').length - 1;
    // Text after the closing quote is not RFC 4180; keep it rather than lose it.
    return value + this.unquoted();
  }
}

function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0]?.trim() === '';
}

export function readCsv(bytes: Buffer): RecordsRead {
  const badLines = new Set(nonUtf8Lines(bytes));
  const parsed = new CsvParser(bytes.toString('utf8').replace(/^\uFEFF/, '')).parse();
  if (!Array.isArray(parsed)) {
    return emptyRead(error(0, null, `line ${parsed.unclosedQuoteAt} opens a quoted field that is never closed`));
  }
  const [header, ...rows] = parsed.filter((record) => !isBlankRecord(record));
  if (!header) return emptyRead(error(0, null, 'the file is empty'));
  const read = emptyRead();
  read.columns = header.fields.map((name) => name.trim());
  const repeated = read.columns.filter((name, index) => read.columns.indexOf(name) !== index);
  if (repeated.length > 0) read.fileProblems.push(error(0, null, `the header repeats ${repeated.join(', ')}`));
  rows.forEach((record, index) => {
    const row = index + 1;
    const bad = [...badLines].find((line) => line >= record.firstLine && line <= record.lastLine);
    if (bad !== undefined) {
      read.unreadable.push(error(row, null, `has bytes that are not UTF-8 (line ${bad} of the file)`));
    } else if (record.fields.length !== read.columns.length) {
      const counts = `${record.fields.length} fields; the header has ${read.columns.length}`;
      read.unreadable.push(error(row, null, `has ${counts} (line ${record.firstLine} of the file)`));
    } else {
      read.records.push({ line: row, values: Object.fromEntries(read.columns.map((c, i) => [c, record.fields[i]])) });
    }
  });
  return read;
}
