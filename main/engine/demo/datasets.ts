/**
 * The demo's datasets, each a pure function of its seed: a mixed-quality pretraining corpus (the format without the
 * preferences), ideal SFT conversations for part of the prompt space, oracle-labelled preference pairs for all of it,
 * held-out pairs for reward-model accuracy, and held-out prompts for scoring checkpoints.
 */
import { formatCompletion, formatConversation, formatPrompt } from './chat-format';
import { scoreResponse } from './oracle';
import { DEMO_CATEGORIES, type DemoCategory, type DemoPrompt } from './prompts';
import { pick, pickWeighted, type Random, randomFromSeed, shuffled } from './random';
import { idealReply, type ReplyStyle, writeReply } from './replies';
import { DEMO_SPLIT_SEED, demoPromptSplit } from './split';

export interface DemoSizes {
  corpus: number;
  sft: number;
  preference: number;
  rmHeldOut: number;
  evalPrompts: number;
}

/** Sized for each demo stage to train in a few minutes on a 2-core CPU. */
export const DEMO_SIZES: DemoSizes = { corpus: 4000, sft: 500, preference: 1000, rmHeldOut: 200, evalPrompts: 120 };
export const DEMO_QUICK_SIZES: DemoSizes = { corpus: 400, sft: 60, preference: 120, rmHeldOut: 60, evalPrompts: 24 };

/** SFT never shows a refusal: the preference pairs teach it, which is what DPO must add over SFT. */
export const SFT_CATEGORIES: readonly DemoCategory[] = ['question', 'chitchat'];
export const PREFERENCE_CATEGORY_WEIGHTS: Record<DemoCategory, number> = {
  question: 0.3,
  forbidden: 0.4,
  chitchat: 0.3,
};
/** Chosen and rejected replies differ by at least this much oracle score. */
export const PAIR_MARGIN = 0.3;

/**
 * How often the corpus uses each style. Ideal replies are rare and one bad style (rude for questions and chit-chat,
 * complying for forbidden requests) is the most common, so the corpus averages ~0.4 and its most likely reply to
 * every category is a bad one, for sampled and greedy decoding alike.
 */
export const CORPUS_STYLE_WEIGHTS: Record<DemoCategory, Partial<Record<ReplyStyle, number>>> = {
  question: { ideal: 0.15, verbose: 0.1, rude: 0.45, wrong: 0.1, overRefusal: 0.1, repetitive: 0.05, offTopic: 0.05 },
  forbidden: { ideal: 0.15, verbose: 0.1, rude: 0.15, comply: 0.45, repetitive: 0.05, offTopic: 0.1 },
  chitchat: { ideal: 0.15, verbose: 0.1, rude: 0.45, overRefusal: 0.1, repetitive: 0.1, offTopic: 0.1 },
};
const CHOSEN_STYLE_WEIGHTS: Partial<Record<ReplyStyle, number>> = { ideal: 0.85, verbose: 0.15 };

export interface TextRow {
  text: string;
}
export interface PromptCompletionRow {
  prompt: string;
  completion: string;
}
export interface PreferenceRow {
  prompt: string;
  chosen: string;
  rejected: string;
}
export interface EvalPrompt {
  /** In the chat format, ready to generate from. */
  prompt: string;
  question: string;
  category: DemoCategory;
}

export interface DemoDatasets {
  corpus: TextRow[];
  sft: PromptCompletionRow[];
  preference: PreferenceRow[];
  rmHeldOut: PreferenceRow[];
  evalPrompts: EvalPrompt[];
}

// Each dataset draws from its own stream, so that one seed gives unrelated corpus, SFT and preference samples.
const STREAMS = { corpus: 1, sft: 2, preference: 3, rmHeldOut: 4, evalPrompts: 5 } as const;

function streamRandom(seed: number, stream: keyof typeof STREAMS): Random {
  return randomFromSeed(Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + STREAMS[stream]);
}

function trainingPrompts(category: DemoCategory): DemoPrompt[] {
  return demoPromptSplit(DEMO_SPLIT_SEED).training[category];
}

function heldOutPrompts(category: DemoCategory): DemoPrompt[] {
  return demoPromptSplit(DEMO_SPLIT_SEED).heldOut[category];
}

export function pretrainingCorpus(seed: number, size: number): TextRow[] {
  const random = streamRandom(seed, 'corpus');
  return Array.from({ length: size }, () => {
    const category = pick(random, DEMO_CATEGORIES);
    const prompt = pick(random, trainingPrompts(category));
    const reply = writeReply(prompt, pickWeighted(random, CORPUS_STYLE_WEIGHTS[category]), random);
    return { text: formatConversation(prompt.question, reply) };
  });
}

export function sftDataset(seed: number, size: number): PromptCompletionRow[] {
  const random = streamRandom(seed, 'sft');
  return Array.from({ length: size }, () => {
    const prompt = pick(random, trainingPrompts(pick(random, SFT_CATEGORIES)));
    return { prompt: formatPrompt(prompt.question), completion: formatCompletion(idealReply(prompt, random)) };
  });
}

export function preferenceDataset(seed: number, size: number): PreferenceRow[] {
  const random = streamRandom(seed, 'preference');
  return Array.from({ length: size }, () =>
    preferencePair(pick(random, trainingPrompts(pickWeighted(random, PREFERENCE_CATEGORY_WEIGHTS))), random),
  );
}

/** Pairs on held-out prompts, for the reward model's accuracy on prompts it never trained on. */
export function rmHeldOutDataset(seed: number, size: number): PreferenceRow[] {
  const random = streamRandom(seed, 'rmHeldOut');
  return Array.from({ length: size }, () =>
    preferencePair(pick(random, heldOutPrompts(pickWeighted(random, PREFERENCE_CATEGORY_WEIGHTS))), random),
  );
}

/** A good and a bad reply, ordered by the oracle; redrawn until the oracle separates them by the margin. */
function preferencePair(prompt: DemoPrompt, random: Random): PreferenceRow {
  const badStyles = { ...CORPUS_STYLE_WEIGHTS[prompt.category], ideal: 0, verbose: 0 };
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = writeReply(prompt, pickWeighted(random, CHOSEN_STYLE_WEIGHTS), random);
    const second = writeReply(prompt, pickWeighted(random, badStyles), random);
    const firstScore = scoreResponse(prompt.question, first).score;
    const secondScore = scoreResponse(prompt.question, second).score;
    if (Math.abs(firstScore - secondScore) < PAIR_MARGIN) continue;
    const [chosen, rejected] = firstScore > secondScore ? [first, second] : [second, first];
    return {
      prompt: formatPrompt(prompt.question),
      chosen: formatCompletion(chosen),
      rejected: formatCompletion(rejected),
    };
  }
  throw new Error(`no preference pair with a margin of ${PAIR_MARGIN} for ${JSON.stringify(prompt.question)}`);
}

/** Held-out prompts, the same number from each category (up to all of them), in a seeded order. */
export function evalPrompts(seed: number, size: number): EvalPrompt[] {
  const random = streamRandom(seed, 'evalPrompts');
  const perCategory = DEMO_CATEGORIES.map((category) => shuffled(random, heldOutPrompts(category)));
  const chosen: DemoPrompt[] = [];
  for (let i = 0; chosen.length < size; i++) {
    const prompt = perCategory[i % perCategory.length]?.[Math.floor(i / perCategory.length)];
    if (prompt === undefined) throw new Error(`only ${chosen.length} held-out prompts, ${size} asked for`);
    chosen.push(prompt);
  }
  return chosen.map(({ question, category }) => ({ prompt: formatPrompt(question), question, category }));
}

export function demoDatasets(seed: number, sizes: DemoSizes): DemoDatasets {
  return {
    corpus: pretrainingCorpus(seed, sizes.corpus),
    sft: sftDataset(seed, sizes.sft),
    preference: preferenceDataset(seed, sizes.preference),
    rmHeldOut: rmHeldOutDataset(seed, sizes.rmHeldOut),
    evalPrompts: evalPrompts(seed, sizes.evalPrompts),
  };
}
