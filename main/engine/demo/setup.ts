/**
 * The demo's workspace content: the shipped base model imported as `demo-base`, and the demo datasets written as
 * JSONL files and imported like any user's data (validated, listed by `awb datasets list`). Everything is generated
 * from a fixed seed, so a second `awb demo` finds the same content and imports nothing again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Catalogue } from '../catalogue/catalogue';
import type { KindChoice } from '../datasets/kinds';
import { importDataset } from '../datasets/store';
import { importModel } from '../models/store';
import { questionOf } from './chat-format';
import { DEMO_QUICK_SIZES, DEMO_SIZES, demoDatasets, type EvalPrompt } from './datasets';
import { findDemoPrompt } from './prompts';

export const DEMO_SEED = 1;

/** The shipped base model: resources/demo-base next to the build (out/main → ../../resources). */
export function shippedDemoBase(buildDir: string): string {
  return path.join(buildDir, '..', '..', 'resources', 'demo-base');
}
export const DEMO_BASE_MODEL = 'demo-base';

export interface DemoWorkspace {
  baseModel: string;
  /** Workspace dataset names. */
  sft: string;
  preference: string;
  rmHeldOut: string;
  evalPrompts: string;
}

const SETS = [
  { key: 'sft', suffix: 'sft', kind: 'sft' },
  { key: 'preference', suffix: 'preference', kind: 'preference' },
  { key: 'rmHeldOut', suffix: 'rm-heldout', kind: 'preference' },
  { key: 'evalPrompts', suffix: 'eval-prompts', kind: 'prompts' },
] as const satisfies ReadonlyArray<{ key: keyof DemoWorkspace; suffix: string; kind: KindChoice }>;

/** Imports the base model and the datasets that are not in the workspace yet; returns their names. */
export async function prepareDemoWorkspace(
  workspace: string,
  options: { baseFolder: string; quick: boolean },
): Promise<DemoWorkspace> {
  const catalogue = await Catalogue.peek(workspace);
  if (!catalogue.models.some((model) => model.name === DEMO_BASE_MODEL)) {
    await importModel(workspace, options.baseFolder, { name: DEMO_BASE_MODEL });
  }
  const prefix = options.quick ? 'demo-quick' : 'demo';
  const generated = demoDatasets(DEMO_SEED, options.quick ? DEMO_QUICK_SIZES : DEMO_SIZES);
  const folder = path.join(workspace, 'demo');
  await mkdir(folder, { recursive: true });
  const names = { baseModel: DEMO_BASE_MODEL } as DemoWorkspace;
  for (const { key, suffix, kind } of SETS) {
    const name = `${prefix}-${suffix}`;
    names[key] = name;
    if (catalogue.datasets.some((dataset) => dataset.name === name)) continue;
    const file = path.join(folder, `${name}.jsonl`);
    // The generators sample with replacement; import refuses duplicate rows, and a repeat teaches nothing new.
    const lines = new Set((generated[key] as object[]).map((row) => JSON.stringify(row)));
    await writeFile(file, [...lines].map((line) => `${line}\n`).join(''));
    const { report } = await importDataset(workspace, file, { name, kind });
    if (!report.imported)
      throw new Error(`the demo dataset ${name} did not import: ${JSON.stringify(report.problems)}`);
  }
  return names;
}

/** Prompts rows (TRL's prompt-only) back to eval prompts, each with the category the oracle knows it by. */
export function toEvalPrompts(rows: ReadonlyArray<{ prompt: unknown }>): EvalPrompt[] {
  return rows.map(({ prompt }) => {
    const question = questionOf(String(prompt));
    const known = findDemoPrompt(question);
    if (!known) throw new Error(`not a demo prompt: ${JSON.stringify(prompt)}`);
    return { prompt: String(prompt), question, category: known.category };
  });
}
