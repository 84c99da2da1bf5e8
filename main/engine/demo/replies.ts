/** Replies of every quality to a demo prompt: the ideal one and the typical ways of getting it wrong. */
import { COLOURS, OPPOSITE_WORDS } from './lexicon';
import {
  COMPLIANCE_TEMPLATES,
  FILLER_CLOSERS,
  FILLER_OPENERS,
  IDEAL_CHITCHAT,
  IDEAL_REFUSALS,
  RUDE_CHITCHAT,
  RUDE_REFUSALS,
  RUDE_WRAPPERS,
  VERBOSE_REFUSAL_TAILS,
} from './phrases';
import { allDemoPrompts, type DemoCategory, type DemoPrompt, isChitchat } from './prompts';
import { pick, type Random } from './random';

export type ReplyStyle = 'ideal' | 'verbose' | 'rude' | 'wrong' | 'overRefusal' | 'comply' | 'repetitive' | 'offTopic';

/** The styles that make sense for each category. */
export const CATEGORY_STYLES: Record<DemoCategory, readonly ReplyStyle[]> = {
  question: ['ideal', 'verbose', 'rude', 'wrong', 'overRefusal', 'repetitive', 'offTopic'],
  forbidden: ['ideal', 'verbose', 'rude', 'comply', 'repetitive', 'offTopic'],
  chitchat: ['ideal', 'verbose', 'rude', 'overRefusal', 'repetitive', 'offTopic'],
};

export function writeReply(prompt: DemoPrompt, style: ReplyStyle, random: Random): string {
  if (!CATEGORY_STYLES[prompt.category].includes(style)) {
    throw new Error(`no ${style} reply for a ${prompt.category} prompt`);
  }
  switch (style) {
    case 'ideal':
      return idealReply(prompt, random);
    case 'verbose':
      return verboseReply(prompt, random);
    case 'rude':
      return rudeReply(prompt, random);
    case 'wrong':
      return wrongAnswer(prompt, random);
    case 'overRefusal':
      return pick(random, IDEAL_REFUSALS);
    case 'comply':
      return complyingReply(prompt, random);
    case 'repetitive':
      return repetitiveReply(prompt, random);
    case 'offTopic':
      return offTopicReply(prompt, random);
  }
}

export function idealReply(prompt: DemoPrompt, random: Random): string {
  const { task } = prompt;
  switch (task.kind) {
    case 'add':
      return `${task.a} plus ${task.b} is ${task.a + task.b}.`;
    case 'after':
      return `${task.n + 1} comes after ${task.n}.`;
    case 'count':
      return `${countingTo(task.n).join(', ')}.`;
    case 'colour':
      return `${task.thing} is ${task.colour}.`;
    case 'opposite':
      return `the opposite of ${task.word} is ${task.opposite}.`;
    case 'forbidden':
      return pick(random, IDEAL_REFUSALS);
    default:
      return pick(random, IDEAL_CHITCHAT[task.kind]);
  }
}

function countingTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

function verboseReply(prompt: DemoPrompt, random: Random): string {
  const ideal = idealReply(prompt, random);
  if (prompt.category === 'forbidden') return `${ideal} ${pick(random, VERBOSE_REFUSAL_TAILS)}`;
  return random() < 0.5 ? `${pick(random, FILLER_OPENERS)} ${ideal}` : `${ideal} ${pick(random, FILLER_CLOSERS)}`;
}

function rudeReply(prompt: DemoPrompt, random: Random): string {
  const { task } = prompt;
  if (task.kind === 'forbidden') return pick(random, RUDE_REFUSALS);
  if (isChitchat(task)) return pick(random, RUDE_CHITCHAT[task.kind]);
  return pick(random, RUDE_WRAPPERS).replace('{r}', idealReply(prompt, random));
}

/** A confident answer with the wrong fact; only questions have one. */
function wrongAnswer(prompt: DemoPrompt, random: Random): string {
  const { task } = prompt;
  switch (task.kind) {
    case 'add': {
      const sum = task.a + task.b;
      return `${task.a} plus ${task.b} is ${sum + pick(random, sum > 2 ? [-2, -1, 1, 2] : [1, 2])}.`;
    }
    case 'after':
      return `${task.n + pick(random, [2, 3])} comes after ${task.n}.`;
    case 'count': {
      const numbers = countingTo(task.n);
      // Either skip a number in the middle or stop one short.
      const dropped = random() < 0.5 ? 1 + Math.floor(random() * (task.n - 2)) : task.n - 1;
      return `${numbers.filter((_, i) => i !== dropped).join(', ')}.`;
    }
    case 'colour': {
      const others = COLOURS.filter((colour) => colour !== task.colour);
      return `${task.thing} is ${pick(random, others)}.`;
    }
    case 'opposite': {
      const others = OPPOSITE_WORDS.filter((w) => w !== task.word && w !== task.opposite);
      return `the opposite of ${task.word} is ${pick(random, others)}.`;
    }
    default:
      throw new Error(`no wrong answer for ${task.kind}`);
  }
}

function complyingReply(prompt: DemoPrompt, random: Random): string {
  if (prompt.task.kind !== 'forbidden') throw new Error('only forbidden requests can be complied with');
  const [a, b] = prompt.task.steps;
  return pick(random, COMPLIANCE_TEMPLATES).replace('{a}', a).replace('{b}', b);
}

/** The ideal reply said again and again, as an undertrained model loops. */
function repetitiveReply(prompt: DemoPrompt, random: Random): string {
  const ideal = idealReply(prompt, random);
  const copies = Math.max(2, Math.min(3, Math.floor(70 / (ideal.length + 1))));
  return Array.from({ length: copies }, () => ideal).join(' ');
}

/** The ideal reply to a prompt of another category, never a refusal. */
function offTopicReply(prompt: DemoPrompt, random: Random): string {
  const others = allDemoPrompts().filter((p) => p.category !== prompt.category && p.category !== 'forbidden');
  return idealReply(pick(random, others), random);
}
