/**
 * Run records: one `run.json` per run folder, rewritten atomically (temp file + rename) at each change, so frequent
 * progress updates never rewrite the catalogue and a crash leaves the previous record whole. A run marked running
 * whose process is gone was interrupted: it can be resumed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunStatus } from '../../../preload/contract';
import { InputError } from '../errors';
import type { Recipe, Stage } from './recipe';

export interface StageRecord {
  name: string;
  method: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  base?: string;
  maxSteps?: number;
  step?: number;
  /** The workspace model this stage produced (a data stage passes its base model on). */
  output?: string;
  /** The workspace dataset a data stage (RLAIF) produced. */
  outputDataset?: string;
  /** Held-out metrics at the end of the stage (e.g. eval_accuracy). */
  evaluation?: Record<string, number>;
}

export interface RunRecord {
  id: string;
  name: string;
  recipe: Recipe;
  status: RunStatus['status'];
  stages: StageRecord[];
  pid?: number;
  message?: string;
  /** The run and checkpoint this one branched from (awb runs fork). */
  forkedFrom?: { run: string; stage: string; step: number };
  createdAt: string;
  updatedAt: string;
}

const RECORD_FILE = 'run.json';

/** Whether a process runs: it exists and, on Linux, is not a zombie (killed, its parent not yet told). */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true; // no /proc here: the signal check has to do
  }
}

/** As a reader should see it: a running record whose process died is interrupted. */
function observed(record: RunRecord): RunRecord {
  return record.status === 'running' && !alive(record.pid) ? { ...record, status: 'interrupted' } : record;
}

export class RunStore {
  private constructor(
    private readonly folder: string,
    private readonly records: Map<string, RunRecord>,
  ) {}

  static async open(workspace: string): Promise<RunStore> {
    const folder = path.join(workspace, 'runs');
    const records = new Map<string, RunRecord>();
    for (const id of existsSync(folder) ? await readdir(folder) : []) {
      const file = path.join(folder, id, RECORD_FILE);
      if (existsSync(file)) records.set(id, JSON.parse(await readFile(file, 'utf8')) as RunRecord);
    }
    return new RunStore(folder, records);
  }

  list(): RunRecord[] {
    return [...this.records.values()].map(observed).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): RunRecord {
    const record = this.records.get(id);
    if (!record) throw new InputError(`no run with id "${id}" (awb runs list shows them)`);
    return observed(record);
  }

  async create(recipe: Recipe & { stages: Stage[] }, extra: Partial<RunRecord> = {}): Promise<RunRecord> {
    const now = new Date();
    const id = `${recipe.name}-${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${Math.random().toString(36).slice(2, 6)}`;
    const stages = (recipe.stages as Stage[]).map(
      (stage): StageRecord => ({ name: stage.name, method: stage.method, status: 'pending' }),
    );
    const record: RunRecord = {
      id,
      name: recipe.name,
      recipe,
      status: 'queued',
      stages,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      ...extra,
    };
    await this.write(record);
    return record;
  }

  async update(id: string, patch: Partial<RunRecord>): Promise<RunRecord> {
    const record = { ...this.get(id), ...patch, updatedAt: new Date().toISOString() };
    await this.write(record);
    return record;
  }

  async updateStage(id: string, stage: string, patch: Partial<StageRecord>): Promise<RunRecord> {
    const record = this.get(id);
    return this.update(id, { stages: record.stages.map((s) => (s.name === stage ? { ...s, ...patch } : s)) });
  }

  private async write(record: RunRecord): Promise<void> {
    const folder = path.join(this.folder, record.id);
    await mkdir(folder, { recursive: true });
    const temporary = path.join(folder, `${RECORD_FILE}.tmp`);
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
    await rename(temporary, path.join(folder, RECORD_FILE));
    this.records.set(record.id, record);
  }
}
