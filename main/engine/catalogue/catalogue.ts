/**
 * The workspace's catalogue: models, datasets, runs, votes, settings and lineage, in one JSON file that lowdb writes
 * atomically (temp file + rename), so a crash never leaves it half-written.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { DatasetFormat, DatasetKind } from '../datasets/types';
import type { Architecture } from '../models/config';

export interface ModelRecord {
  name: string;
  architecture: Architecture;
  modelType: string;
  parameters: number;
  tokenizer: 'llama2c' | 'hf';
  /** Where it came from: the imported path, or the run that produced it. */
  source: string;
  /** The model it was trained from (lineage); absent for imported models. */
  parent?: string;
  /** Its folder, relative to the workspace. */
  folder: string;
  createdAt: string;
}

export interface DatasetRecord {
  name: string;
  /** TRL's dataset type and format of the stored rows. */
  kind: DatasetKind;
  format: DatasetFormat;
  /** The layout the file was in: TRL's columns ("trl") or one import converted (hh-rlhf, alpaca, sharegpt, …). */
  layout: string;
  /** The imported file (absolute path), its format and whether it was gzipped. */
  source: string;
  fileFormat: string;
  gzip: boolean;
  /** Rows in the file, rows stored, and of those stored, how many are longer than maxLength (to be truncated). */
  rows: number;
  accepted: number;
  truncated: number;
  /** The limit the rows were checked against, and the model whose tokenizer counted them. */
  maxLength?: number;
  tokenizerModel?: string;
  /** Its folder, relative to the workspace: rows.jsonl (the rows in TRL's columns) and report.json. */
  folder: string;
  createdAt: string;
}

/** A vote from the chat pane (the contract's Vote). */
export interface VoteRecord {
  id: string;
  prompt: string;
  answers: Array<{ model: string; text: string }>;
  choice: 'A' | 'B' | 'tie' | 'both_bad';
  annotator: string;
  blind: boolean;
  at: string;
}

export interface CatalogueData {
  version: 1;
  models: ModelRecord[];
  datasets: DatasetRecord[];
  votes: VoteRecord[];
}

export const CATALOGUE_FILE = 'catalogue.json';
const EMPTY: CatalogueData = { version: 1, models: [], datasets: [], votes: [] };

export class Catalogue {
  private constructor(
    readonly workspace: string,
    private readonly db: Low<CatalogueData>,
  ) {}

  /** Opens (and creates, the first time) the workspace's catalogue. */
  static async open(workspace: string): Promise<Catalogue> {
    await mkdir(workspace, { recursive: true });
    // Not lowdb's JSONFilePreset: it silently keeps data in memory when NODE_ENV is "test".
    const db = new Low<CatalogueData>(new JSONFile(path.join(workspace, CATALOGUE_FILE)), structuredClone(EMPTY));
    await Catalogue.read(db);
    return new Catalogue(workspace, db);
  }

  /** Reads the file, filling in the lists that catalogues written by older versions lack. */
  private static async read(db: Low<CatalogueData>): Promise<void> {
    await db.read();
    db.data = { ...structuredClone(EMPTY), ...db.data };
  }

  /** Reads without creating anything: a workspace that does not exist yet has an empty catalogue. */
  static async peek(workspace: string): Promise<CatalogueData> {
    if (!existsSync(path.join(workspace, CATALOGUE_FILE))) return structuredClone(EMPTY);
    return (await Catalogue.open(workspace)).db.data;
  }

  models(): ModelRecord[] {
    return this.db.data.models;
  }

  findModel(name: string): ModelRecord | undefined {
    return this.db.data.models.find((model) => model.name === name);
  }

  async addModel(record: ModelRecord): Promise<void> {
    await Catalogue.read(this.db); // another process may have written since this one opened it
    await this.db.update((data) => {
      data.models.push(record);
    });
  }

  async removeModel(name: string): Promise<void> {
    await Catalogue.read(this.db);
    await this.db.update((data) => {
      data.models = data.models.filter((model) => model.name !== name);
    });
  }

  datasets(): DatasetRecord[] {
    return this.db.data.datasets;
  }

  findDataset(name: string): DatasetRecord | undefined {
    return this.db.data.datasets.find((dataset) => dataset.name === name);
  }

  async addDataset(record: DatasetRecord): Promise<void> {
    await Catalogue.read(this.db); // another process may have written since this one opened it
    await this.db.update((data) => {
      data.datasets.push(record);
    });
  }

  votes(): VoteRecord[] {
    return this.db.data.votes;
  }

  async addVote(record: VoteRecord): Promise<void> {
    await Catalogue.read(this.db);
    await this.db.update((data) => {
      data.votes.push(record);
    });
  }
}
