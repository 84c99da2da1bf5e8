/** Reading dataset files: each format, gzip, and the problems reported (not thrown) with their line or row. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readDatasetFile } from '../../main/engine/datasets/read';
import { tempDir } from '../helpers/paths';

const dir = tempDir('datasets-read');
let counter = 0;

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, `${counter++}-${name}`);
  writeFileSync(file, content);
  return file;
}

/** Bytes that are not UTF-8 (a lone continuation byte and a truncated 2-byte sequence), inside otherwise good text. */
function withBadBytes(before: string, after: string): Buffer {
  return Buffer.concat([Buffer.from(before), Buffer.from([0x80, 0xc3]), Buffer.from(after)]);
}

describe('JSONL', () => {
  it('reads one object per line, numbering lines from 1 and skipping blank ones', async () => {
    const file = write('a.jsonl', '{"text":"one"}\n\n{"text":"two","extra":1}\r\n');
    const read = await readDatasetFile(file);
    expect(read).toMatchObject({ fileFormat: 'jsonl', gzip: false, columns: ['text', 'extra'] });
    expect(read.records).toEqual([
      { line: 1, values: { text: 'one' } },
      { line: 3, values: { text: 'two', extra: 1 } },
    ]);
    expect(read.unreadable).toEqual([]);
  });

  it('reports invalid JSON, a non-object and non-UTF-8 bytes by line, and still reads the other lines', async () => {
    const lines = Buffer.concat([
      Buffer.from('{"text":"ok"}\n{"text": "broken\n[1,2]\n'),
      withBadBytes('{"text":"caf', '"}\n'),
      Buffer.from('{"text":"last"}\n'),
    ]);
    const read = await readDatasetFile(write('bad.jsonl', lines));
    expect(read.records.map((r) => r.line)).toEqual([1, 5]);
    expect(read.unreadable).toEqual([
      expect.objectContaining({ line: 2, field: null, message: expect.stringMatching(/^is not valid JSON/) }),
      expect.objectContaining({ line: 3, message: 'is not a JSON object (it is a list)' }),
      expect.objectContaining({ line: 4, message: 'has bytes that are not UTF-8' }),
    ]);
  });

  it('reports an empty file, and a file of blank lines, as empty', async () => {
    for (const content of ['', '\n  \n\n']) {
      const read = await readDatasetFile(write('empty.jsonl', content));
      expect(read.fileProblems).toEqual([expect.objectContaining({ line: 0, message: 'the file is empty' })]);
      expect(read.records).toEqual([]);
    }
  });
});

describe('JSON arrays', () => {
  it('numbers rows from 1 in array order; reads JSONL named .json as JSONL', async () => {
    const read = await readDatasetFile(write('rows.json', ' [{"prompt":"a"}, {"prompt":"b"}, 3]'));
    expect(read.fileFormat).toBe('json');
    expect(read.records).toEqual([
      { line: 1, values: { prompt: 'a' } },
      { line: 2, values: { prompt: 'b' } },
    ]);
    expect(read.unreadable).toEqual([
      expect.objectContaining({ line: 3, message: 'is not a JSON object (it is a number)' }),
    ]);
    const lines = await readDatasetFile(write('lines.json', '{"prompt":"a"}\n{"prompt":"b"}\n'));
    expect(lines.fileFormat).toBe('jsonl');
    expect(lines.records).toHaveLength(2);
  });

  it('reports a row with a syntax error or bad bytes by row and file line, and reads the others', async () => {
    const text = Buffer.concat([
      Buffer.from('[\n{"prompt":"a, [b]"},\n{"prompt":}\n,{"prompt": "say \\"]\\""},\n'),
      withBadBytes('{"prompt":"', '"},\n{"prompt":"last"},\n]'),
    ]);
    const read = await readDatasetFile(write('broken.json', text));
    expect(read.records).toEqual([
      { line: 1, values: { prompt: 'a, [b]' } },
      { line: 3, values: { prompt: 'say "]"' } },
      { line: 5, values: { prompt: 'last' } },
    ]);
    expect(read.unreadable).toEqual([
      expect.objectContaining({ line: 2, message: expect.stringMatching(/^is not valid JSON \(line 3 of the file\)/) }),
      expect.objectContaining({ line: 4, message: 'has bytes that are not UTF-8 (line 5 of the file)' }),
      expect.objectContaining({ line: 6, message: 'is missing: a stray comma (line 6 of the file)' }),
    ]);
  });

  it('reports an array never closed, text after it, and an object that is not an array', async () => {
    const cases = [
      ['[{"prompt":"a"},\n{"prompt":"b"}', 'the array is never closed with "]"'],
      ['[{"prompt":"a"}] x', 'there is text after the closing "]"'],
      ['[]', 'the file has no rows'],
    ];
    for (const [content, message] of cases) {
      const read = await readDatasetFile(write('x.json', content as string));
      expect(read.fileProblems).toEqual([expect.objectContaining({ line: 0, message })]);
    }
  });
});

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; rows numbered after the header', async () => {
    const csv =
      'prompt,completion\r\n' + '"Say ""hi"", please","hi"\r\n' + 'plain,"two\nlines"\r\n' + '\r\n' + 'last,row';
    const read = await readDatasetFile(write('a.csv', csv));
    expect(read).toMatchObject({ fileFormat: 'csv', columns: ['prompt', 'completion'] });
    expect(read.records).toEqual([
      { line: 1, values: { prompt: 'Say "hi", please', completion: 'hi' } },
      { line: 2, values: { prompt: 'plain', completion: 'two\nlines' } },
      { line: 3, values: { prompt: 'last', completion: 'row' } },
    ]);
  });

  it('reports a row with the wrong number of fields and a row with bad bytes, naming the file line', async () => {
    const csv = Buffer.concat([
      Buffer.from('prompt,completion\n"multi\nline",ok\nonly one field\n'),
      withBadBytes('bad,', '\n'),
      Buffer.from('good,row\n'),
    ]);
    const read = await readDatasetFile(write('b.csv', csv));
    expect(read.records.map((r) => r.line)).toEqual([1, 4]);
    expect(read.unreadable).toEqual([
      expect.objectContaining({ line: 2, message: 'has 1 fields; the header has 2 (line 4 of the file)' }),
      expect.objectContaining({ line: 3, message: 'has bytes that are not UTF-8 (line 5 of the file)' }),
    ]);
  });

  it('reports a quote never closed, and a header without rows', async () => {
    const open = await readDatasetFile(write('c.csv', 'prompt\n"ok"\n"never closed\nmore\n'));
    expect(open.fileProblems).toEqual([
      expect.objectContaining({ message: 'line 3 opens a quoted field that is never closed' }),
    ]);
    const headerOnly = await readDatasetFile(write('d.csv', 'prompt,completion\n'));
    expect(headerOnly.fileProblems).toEqual([expect.objectContaining({ message: 'the file has no rows' })]);
  });
});

describe('Parquet', () => {
  it('reads text, boolean and nested list-of-struct columns, rows numbered from 1', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'prompt', data: ['Hi', 'Bye'], type: 'STRING' },
        { name: 'completion', data: ['Hello', 'See you'], type: 'STRING' },
        { name: 'label', data: [true, false], type: 'BOOLEAN' },
        { name: 'count', data: [1n, 2n], type: 'INT64' },
      ],
    });
    const read = await readDatasetFile(write('a.parquet', new Uint8Array(buffer)));
    expect(read).toMatchObject({ fileFormat: 'parquet', columns: ['prompt', 'completion', 'label', 'count'] });
    expect(read.records).toEqual([
      { line: 1, values: { prompt: 'Hi', completion: 'Hello', label: true, count: 1 } },
      { line: 2, values: { prompt: 'Bye', completion: 'See you', label: false, count: 2 } },
    ]);
  });

  it('reads JSON-typed columns (conversations) and reports a damaged file', async () => {
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
    ];
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'messages', data: [messages], type: 'JSON' }] });
    const read = await readDatasetFile(write('m.parquet', new Uint8Array(buffer)));
    expect(read.records).toEqual([{ line: 1, values: { messages } }]);
    const damaged = Buffer.from(buffer).subarray(0, 40);
    const bad = await readDatasetFile(write('bad.parquet', damaged));
    expect(bad.fileProblems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^cannot be read as Parquet/) }),
    ]);
  });
});

describe('gzip', () => {
  it('decompresses by magic bytes whatever the name, and reads the format inside', async () => {
    const jsonl = gzipSync('{"text":"a"}\n{"text":"b"}\n');
    for (const name of ['rows.jsonl.gz', 'rows.jsonl']) {
      const read = await readDatasetFile(write(name, jsonl));
      expect(read).toMatchObject({ fileFormat: 'jsonl', gzip: true });
      expect(read.records.map((r) => r.values.text)).toEqual(['a', 'b']);
    }
    const csv = await readDatasetFile(write('rows.csv.gz', gzipSync('text\n"x, y"\n')));
    expect(csv).toMatchObject({ fileFormat: 'csv', gzip: true, records: [{ line: 1, values: { text: 'x, y' } }] });
    const parquet = parquetWriteBuffer({ columnData: [{ name: 'text', data: ['p'], type: 'STRING' }] });
    const gzParquet = await readDatasetFile(write('rows.parquet.gz', gzipSync(new Uint8Array(parquet))));
    expect(gzParquet).toMatchObject({ fileFormat: 'parquet', gzip: true, records: [{ values: { text: 'p' } }] });
  });

  it('reports damaged gzip data and a gzipped empty file', async () => {
    const damaged = gzipSync('{"text":"a"}\n'.repeat(100)).subarray(0, 20);
    const read = await readDatasetFile(write('d.jsonl.gz', damaged));
    expect(read.fileProblems).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/^the gzip data is damaged/) }),
    ]);
    const empty = await readDatasetFile(write('e.jsonl.gz', gzipSync('')));
    expect(empty.fileProblems).toEqual([expect.objectContaining({ message: 'the file is empty' })]);
  });

  it('throws for a file that does not exist (a usage problem, not a data problem)', async () => {
    await expect(readDatasetFile(path.join(dir, 'missing.jsonl'))).rejects.toThrow(/no such file/);
  });
});
