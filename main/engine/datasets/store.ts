/**
 * Datasets in the workspace: import (every row validated before anything is written), list, load. Each dataset is a
 * folder datasets/NAME with rows.jsonl (its rows in TRL's columns) and report.json (the import's problems and
 * histogram), staged and renamed into place so that a failed or interrupted import leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Catalogue, type DatasetRecord } from '../catalogue/catalogue';
import { InputError } from '../errors';
import { configFromHf } from '../models/hf-config';
import { readJsonFile } from '../models/hf-folder';
import { findModel, loadTokenizer } from '../models/store';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { KindChoice, Layout } from './kinds';
import type { LengthHistogram } from './lengths';
import { type FileFormat, readDatasetFile } from './read';
import type { DatasetFormat, DatasetKind, DatasetRow, Problem, RowOfKind } from './types';
import { type Validation, validateRecords } from './validate';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ROWS_FILE = 'rows.jsonl';
const REPORT_FILE = 'report.json';

export interface ImportOptions {
  name?: string;
  kind?: KindChoice;
  /** Import the valid rows and leave out the invalid ones (they stay in the report). */
  dropInvalid?: boolean;
  /** Keep rows longer than maxLength, for the trainer to truncate. */
  truncate?: boolean;
  maxLength?: number;
  /** The workspace model whose tokenizer counts tokens (needed with maxLength). */
  model?: string;
  /** Called at the start of each phase (reading, validating, writing); may throw to cancel before anything is written. */
  onPhase?: (phase: string) => void;
}

/** What `awb datasets import --json` prints (SPEC §7), with the details the human report shows. */
export interface ImportReport {
  name: string;
  kind: DatasetKind | null;
  format: DatasetFormat | null;
  layout: Layout | null;
  file: string;
  fileFormat: FileFormat;
  gzip: boolean;
  /** Rows in the file; rows imported (0 when the import was refused); rows with errors. */
  rows: number;
  accepted: number;
  invalid: number;
  truncated: number;
  imported: boolean;
  problems: Problem[];
  histogram?: LengthHistogram;
}

export interface ImportResult {
  report: ImportReport;
  /** The catalogue record, when the dataset was imported. */
  record?: DatasetRecord;
}

export function defaultDatasetName(file: string): string {
  return path
    .basename(file)
    .replace(/\.gz$/i, '')
    .replace(/\.(jsonl|ndjson|json|csv|parquet)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-');
}

/** A model's tokenizer without its weights: only config.json (for the vocabulary size) and the tokenizer files. */
export async function datasetTokenizer(workspace: string, modelName: string): Promise<Tokenizer> {
  const record = await findModel(workspace, modelName);
  const folder = path.join(workspace, record.folder);
  const configFile = path.join(folder, 'config.json');
  const config = configFromHf(await readJsonFile(configFile), configFile);
  return loadTokenizer(folder, record, config.vocabSize);
}

async function checkOptions(workspace: string, name: string, options: ImportOptions): Promise<void> {
  if (!NAME_PATTERN.test(name)) {
    throw new InputError(`dataset name "${name}" must be letters, digits, '.', '_' or '-' (at most 64)`);
  }
  if ((await Catalogue.peek(workspace)).datasets.some((dataset) => dataset.name === name)) {
    throw new InputError(`a dataset named "${name}" already exists; pass --name`);
  }
  if (options.maxLength !== undefined && (!Number.isInteger(options.maxLength) || options.maxLength < 1)) {
    throw new InputError(`max length must be a positive whole number of tokens, not ${options.maxLength}`);
  }
  if (options.maxLength !== undefined && !options.model) {
    throw new InputError('counting tokens against a max length needs the model whose tokenizer to use: pass --model');
  }
  if (options.truncate && options.maxLength === undefined) throw new InputError('truncating needs --max-length');
}

function reportOf(name: string, read: Awaited<ReturnType<typeof readDatasetFile>>, validation: Validation) {
  const invalid = validation.rows - validation.valid.length;
  return {
    name,
    kind: validation.spec?.kind ?? null,
    format: validation.format ?? null,
    layout: validation.spec?.layout ?? null,
    file: read.file,
    fileFormat: read.fileFormat,
    gzip: read.gzip,
    rows: validation.rows,
    accepted: 0,
    invalid,
    truncated: validation.truncated,
    imported: false,
    problems: validation.problems,
    ...(validation.histogram ? { histogram: validation.histogram } : {}),
  } satisfies ImportReport;
}

async function writeDatasetFolder(workspace: string, name: string, rows: DatasetRow[], report: ImportReport) {
  const datasetsDir = path.join(workspace, 'datasets');
  const staging = path.join(datasetsDir, `.staging-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(path.join(staging, ROWS_FILE), rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    await writeFile(path.join(staging, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
    await rename(staging, path.join(datasetsDir, name));
  } catch (cause) {
    await rm(staging, { recursive: true, force: true });
    throw cause;
  }
  return path.join('datasets', name);
}

/**
 * Reads, converts and validates the file, then imports it when nothing is wrong, or when the user chose to drop
 * the invalid rows. A refused import writes nothing; its report says why.
 */
export async function importDataset(
  workspace: string,
  file: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const name = options.name ?? defaultDatasetName(file);
  await checkOptions(workspace, name, options);
  const tokenizer = options.model ? await datasetTokenizer(workspace, options.model) : undefined;
  options.onPhase?.('reading');
  const read = await readDatasetFile(file);
  options.onPhase?.('validating');
  const validation = validateRecords(read, { ...options, tokenizer });
  const report: ImportReport = reportOf(name, read, validation);
  const acceptable = !validation.fatal && validation.valid.length > 0 && (report.invalid === 0 || options.dropInvalid);
  if (!acceptable || !validation.spec || !validation.format) return { report };
  options.onPhase?.('writing');
  report.accepted = validation.valid.length;
  report.imported = true;
  const catalogue = await Catalogue.open(workspace);
  const record: DatasetRecord = {
    name,
    kind: validation.spec.kind,
    format: validation.format,
    layout: validation.spec.layout,
    source: path.resolve(file),
    fileFormat: read.fileFormat,
    gzip: read.gzip,
    rows: report.rows,
    accepted: report.accepted,
    truncated: report.truncated,
    ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength, tokenizerModel: options.model }),
    folder: await writeDatasetFolder(
      workspace,
      name,
      validation.valid.map(({ row }) => row),
      report,
    ),
    createdAt: new Date().toISOString(),
  };
  await catalogue.addDataset(record);
  return { report, record };
}

export async function listDatasets(workspace: string): Promise<DatasetRecord[]> {
  return (await Catalogue.peek(workspace)).datasets;
}

/** A dataset's rows, typed by its kind: narrow on `kind` to get the trainer's row type. */
export type LoadedDataset = {
  [K in DatasetKind]: { kind: K; record: DatasetRecord; rows: Array<RowOfKind[K]> };
}[DatasetKind];

export async function loadDataset(workspace: string, name: string): Promise<LoadedDataset> {
  const record = (await Catalogue.peek(workspace)).datasets.find((dataset) => dataset.name === name);
  if (!record) throw new InputError(`no dataset named "${name}" in the workspace (awb datasets list shows them)`);
  const file = path.join(workspace, record.folder, ROWS_FILE);
  const text = await readFile(file, 'utf8');
  const rows = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as DatasetRow);
  return { kind: record.kind, record, rows } as LoadedDataset;
}
