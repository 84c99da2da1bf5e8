/** Append-only JSONL files (metrics, samples, labels, trails): read back without the line a crash may have cut short. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export async function readJsonLines<T>(file: string): Promise<T[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as T] : [];
    } catch {
      return []; // a line cut short by a kill: not a record
    }
  });
}
