/** datasets.*: list, upload (a browser's file), validate-and-import, preview with the chat template, edit a row. */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetSummary } from '../../../preload/contract';
import { Catalogue, type DatasetRecord } from '../catalogue/catalogue';
import { plainChat, renderChat } from '../datasets/chat';
import type { KindChoice } from '../datasets/kinds';
import { emptyRead } from '../datasets/records';
import { datasetTokenizer, importDataset, loadDataset } from '../datasets/store';
import type { DatasetKind, DatasetRow, Message, Turns } from '../datasets/types';
import { validateRecords } from '../datasets/validate';
import { InputError } from '../errors';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { ApiContext, VerbHandlers } from './context';
import type { Jobs } from './jobs';

type DatasetVerbs = 'datasets.list' | 'datasets.upload' | 'datasets.import' | 'datasets.preview' | 'datasets.updateRow';

const KIND_OF: Record<DatasetKind, KindChoice> = {
  language_modeling: 'sft',
  prompt_completion: 'sft',
  preference: 'preference',
  unpaired_preference: 'unpaired',
  prompt_only: 'prompts',
};

export function datasetSummary(record: DatasetRecord): DatasetSummary {
  return {
    name: record.name,
    kind: record.kind,
    format: record.format,
    layout: record.layout,
    source: record.source,
    rows: record.rows,
    accepted: record.accepted,
    truncated: record.truncated,
    ...(record.maxLength ? { maxLength: record.maxLength } : {}),
    createdAt: record.createdAt,
  };
}

function renderTurns(tokenizer: Tokenizer | undefined, prompt: Turns, reply?: Turns): string {
  if (typeof prompt === 'string') return reply === undefined ? prompt : `${prompt}${reply as string}`;
  const messages: Message[] = [...prompt, ...((reply as Message[] | undefined) ?? [])];
  const open = reply === undefined;
  return tokenizer ? renderChat(tokenizer, messages, open) : plainChat(messages, open);
}

/** A row as the model reads it: the chat template applied when a model is given, plain turns otherwise. */
function renderRow(tokenizer: Tokenizer | undefined, row: DatasetRow): string {
  if ('chosen' in row) {
    return `CHOSEN:\n${renderTurns(tokenizer, row.prompt, row.chosen)}\n\nREJECTED:\n${renderTurns(tokenizer, row.prompt, row.rejected)}`;
  }
  if ('completion' in row) return renderTurns(tokenizer, row.prompt, row.completion);
  if ('prompt' in row) return renderTurns(tokenizer, row.prompt);
  if ('text' in row) return row.text;
  return renderTurns(tokenizer, row.messages, []);
}

async function storedReport(workspace: string, record: DatasetRecord) {
  const file = path.join(workspace, record.folder, 'report.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { histogram?: unknown }) : {};
}

/** Checks an edited row as import would check it, against the dataset's kind. */
function checkRow(record: DatasetRecord, row: Record<string, unknown>): DatasetRow {
  const read = emptyRead();
  read.records.push({ line: 1, values: row });
  read.columns.push(...Object.keys(row));
  const validation = validateRecords(read, { kind: KIND_OF[record.kind] });
  const problem = validation.problems.find((p) => p.severity === 'error');
  if (problem || validation.spec?.kind !== record.kind || !validation.valid[0]) {
    throw new InputError(`the edited row is not a valid ${record.kind} row: ${problem?.message ?? 'wrong fields'}`);
  }
  return validation.valid[0].row;
}

export function datasetsApi({ workspace }: ApiContext, jobs: Jobs) {
  const handlers: VerbHandlers<DatasetVerbs> = {
    'datasets.list': async () => ({ datasets: (await Catalogue.peek(workspace)).datasets.map(datasetSummary) }),
    'datasets.upload': async ({ filename, base64 }) => {
      const folder = path.join(workspace, 'uploads');
      await mkdir(folder, { recursive: true });
      const file = path.join(folder, `${randomUUID().slice(0, 8)}-${path.basename(filename).replace(/[^\w.-]/g, '_')}`);
      await writeFile(file, Buffer.from(base64, 'base64'));
      return { path: file };
    },
    'datasets.import': ({ path: file, invalid, jobId, ...options }) =>
      jobs.run(jobId, async (onPhase) => {
        const imported = await importDataset(workspace, file, { ...options, dropInvalid: invalid === 'drop', onPhase });
        return { report: imported.report, ...(imported.record ? { dataset: datasetSummary(imported.record) } : {}) };
      }),
    'datasets.preview': async ({ name, offset, limit, model }) => {
      const { record, rows } = await loadDataset(workspace, name);
      const tokenizer = model ? await datasetTokenizer(workspace, model) : undefined;
      const page = (rows as DatasetRow[]).slice(offset, offset + limit);
      const { histogram } = await storedReport(workspace, record);
      return {
        total: rows.length,
        rows: page.map((row, i) => ({ index: offset + i, row: { ...row }, rendered: renderRow(tokenizer, row) })),
        ...(histogram ? { histogram: histogram as never } : {}),
      };
    },
    'datasets.updateRow': async ({ name, index, row }) => {
      const { record, rows } = await loadDataset(workspace, name);
      if (index >= rows.length)
        throw new InputError(`dataset ${name} has ${rows.length} rows; there is no row ${index}`);
      (rows as DatasetRow[])[index] = checkRow(record, row);
      const file = path.join(workspace, record.folder, 'rows.jsonl');
      const temporary = `${file}.tmp`;
      await writeFile(temporary, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await rename(temporary, file);
      return { index };
    },
  };
  return handlers;
}
