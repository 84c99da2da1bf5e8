/**
 * The split of the prompt space into training prompts and held-out prompts. It depends only on its own seed, never on
 * a dataset's, so that datasets generated with any seed (and the shipped base model's corpus) never see a held-out
 * prompt.
 */
import { allDemoPrompts, DEMO_CATEGORIES, type DemoCategory, type DemoPrompt } from './prompts';
import { randomFromSeed, shuffled } from './random';

export const DEMO_SPLIT_SEED = 20_250_601;
export const HELD_OUT_PER_CATEGORY = 40;

export interface DemoPromptSplit {
  training: Record<DemoCategory, DemoPrompt[]>;
  heldOut: Record<DemoCategory, DemoPrompt[]>;
}

const splits = new Map<number, DemoPromptSplit>();

export function demoPromptSplit(splitSeed: number): DemoPromptSplit {
  let split = splits.get(splitSeed);
  if (split === undefined) {
    split = computeSplit(splitSeed);
    splits.set(splitSeed, split);
  }
  return split;
}

function computeSplit(splitSeed: number): DemoPromptSplit {
  const random = randomFromSeed(splitSeed);
  const training = {} as DemoPromptSplit['training'];
  const heldOut = {} as DemoPromptSplit['heldOut'];
  for (const category of DEMO_CATEGORIES) {
    const prompts = allDemoPrompts().filter((p) => p.category === category);
    const groups = [...groupBy(prompts, spreadKey).values()].map((group) => shuffled(random, group));
    const held = new Set(roundRobin(shuffled(random, groups), HELD_OUT_PER_CATEGORY));
    heldOut[category] = prompts.filter((p) => held.has(p));
    training[category] = prompts.filter((p) => !held.has(p));
  }
  return { training, heldOut };
}

/** Held-out prompts are spread over these groups, so that every kind of question and every harmful act is tested. */
function spreadKey(prompt: DemoPrompt): string {
  return prompt.task.kind === 'forbidden' ? prompt.task.act : prompt.task.kind;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** One from each group in turn, each group kept at least one short of empty so training sees every group too. */
function roundRobin<T>(groups: readonly T[][], count: number): T[] {
  const taken: T[] = [];
  for (let round = 0; taken.length < count; round++) {
    const before = taken.length;
    for (const group of groups) {
      if (taken.length < count && round < group.length - 1) taken.push(group[round] as T);
    }
    if (taken.length === before) throw new Error(`cannot hold out ${count} prompts`);
  }
  return taken;
}
