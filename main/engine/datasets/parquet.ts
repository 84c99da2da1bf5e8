/**
 * Parquet through hyparquet (pure JS, every codec via hyparquet-compressors). Rows are numbered from 1 in file order.
 * Text columns come back decoded by the library (invalid UTF-8 becomes U+FFFD there, so it cannot be reported);
 * unannotated byte columns are decoded here, strictly, so that bytes which are not UTF-8 are reported.
 */
import { isUtf8 } from 'node:buffer';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { emptyRead, type RecordsRead } from './records';
import { error } from './types';

class NotUtf8 extends Error {}

/** Plain JSON values: bytes become text, 64-bit integers numbers, nested lists and structs stay nested. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    if (!isUtf8(value)) throw new NotUtf8();
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  }
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

export async function readParquet(bytes: Buffer): Promise<RecordsRead> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  let columns: string[];
  try {
    columns = parquetSchema(parquetMetadata(file)).children.map((child) => child.element.name);
    rows = await parquetReadObjects({ file, compressors, utf8: false });
  } catch (cause) {
    return emptyRead(error(0, null, `cannot be read as Parquet: ${(cause as Error).message}`));
  }
  const read = emptyRead();
  read.columns = columns;
  rows.forEach((row, index) => {
    try {
      read.records.push({ line: index + 1, values: plain(row) as Record<string, unknown> });
    } catch (cause) {
      if (!(cause instanceof NotUtf8)) throw cause;
      read.unreadable.push(error(index + 1, null, 'has bytes that are not UTF-8'));
    }
  });
  return read;
}
