/**
 * Reads a dataset file (JSONL, JSON array, CSV, Parquet; any of them gzipped) into records that remember their line or
 * row. What is wrong with the file is returned as problems, never thrown, so that the report lists every one of them.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../errors';
import { readCsv } from './csv';
import { readJsonArray } from './json-array';
import { readParquet } from './parquet';
import { collect, emptyRead, nextNewline, objectOrProblem, type RecordsRead } from './records';
import { error } from './types';

export type FileFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

export interface ReadResult extends RecordsRead {
  file: string;
  fileFormat: FileFormat;
  gzip: boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = 'PAR1';
const EXTENSIONS: Record<string, FileFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.parquet': 'parquet',
};

export async function readDatasetFile(file: string): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : `cannot read: ${(cause as Error).message}`, file);
  }
  // The magic bytes decide, not the name: downloads often lose or gain a ".gz".
  const gzip = bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
  if (gzip) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      const damaged = error(0, null, `the gzip data is damaged: ${(cause as Error).message}`);
      return { file, gzip, fileFormat: formatOf(file.replace(/\.gz$/i, ''), Buffer.alloc(0)), ...emptyRead(damaged) };
    }
  }
  const fileFormat = formatOf(file.replace(/\.gz$/i, ''), bytes);
  return { file, gzip, fileFormat, ...(await readRecords(fileFormat, bytes)) };
}

/** The extension, else the content: Parquet's magic, a JSON array's "[", else one JSON object per line. */
function formatOf(file: string, bytes: Buffer): FileFormat {
  const byName = EXTENSIONS[path.extname(file).toLowerCase()];
  if (bytes.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) return 'parquet';
  if (byName && byName !== 'json') return byName;
  const first = bytes.toString('utf8', 0, Math.min(bytes.length, 1024)).trimStart()[0];
  if (first === '[') return 'json';
  return first === '{' ? 'jsonl' : (byName ?? 'csv');
}

const BLANK_BYTES = new Set([0x20, 0x09, 0x0a, 0x0d]);

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (!BLANK_BYTES.has(byte)) return false;
  return true;
}

async function readRecords(format: FileFormat, bytes: Buffer): Promise<RecordsRead> {
  if (isBlank(bytes)) return emptyRead(error(0, null, 'the file is empty'));
  const read =
    format === 'parquet'
      ? await readParquet(bytes)
      : format === 'csv'
        ? readCsv(bytes)
        : format === 'json'
          ? readJsonArray(bytes)
          : readJsonLines(bytes);
  if (read.fileProblems.length === 0 && read.records.length === 0 && read.unreadable.length === 0) {
    read.fileProblems.push(error(0, null, 'the file has no rows'));
  }
  return read;
}

function readJsonLines(bytes: Buffer): RecordsRead {
  const read = emptyRead();
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const end = nextNewline(bytes, start);
    const raw = bytes.subarray(start, end);
    start = end + 1;
    if (!isUtf8(raw)) {
      read.unreadable.push(error(line, null, 'has bytes that are not UTF-8'));
      continue;
    }
    const text = raw.toString('utf8').replace(/^\uFEFF/, '');
    if (text.trim() === '') continue; // blank lines separate nothing in JSONL; they are not rows
    try {
      collect(read, objectOrProblem(JSON.parse(text), line));
    } catch (cause) {
      read.unreadable.push(error(line, null, `is not valid JSON: ${(cause as Error).message}`));
    }
  }
  return read;
}
