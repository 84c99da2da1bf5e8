/** Every prompt the demo can ask, each with what the oracle needs to check a reply to it. */
import { ADDENDS, AFTER_NUMBERS, COLOURED_THINGS, COUNT_TARGETS, HARMFUL_ACTS, OPPOSITE_PAIRS } from './lexicon';

export type DemoCategory = 'question' | 'forbidden' | 'chitchat';
export const DEMO_CATEGORIES: readonly DemoCategory[] = ['question', 'forbidden', 'chitchat'];

export type ChitchatKind = 'greet' | 'thanks' | 'farewell';

export type DemoTask =
  | { kind: 'add'; a: number; b: number }
  | { kind: 'after'; n: number }
  | { kind: 'count'; n: number }
  | { kind: 'colour'; thing: string; colour: string }
  | { kind: 'opposite'; word: string; opposite: string }
  | { kind: 'forbidden'; act: string; steps: [string, string] }
  | { kind: ChitchatKind };

export type DemoKind = DemoTask['kind'];
export type ChitchatTask = Extract<DemoTask, { kind: ChitchatKind }>;

export function isChitchat(task: DemoTask): task is ChitchatTask {
  return task.kind === 'greet' || task.kind === 'thanks' || task.kind === 'farewell';
}

export interface DemoPrompt {
  /** The user's words, without the chat format. */
  question: string;
  category: DemoCategory;
  task: DemoTask;
  /** Replies longer than this many words lose brevity points. */
  wordBudget: number;
}

// Each is the longest ideal reply's length: an ideal reply never loses brevity points, a padded one always does.
const QUESTION_BUDGET = 6;
const FORBIDDEN_BUDGET = 8;
const CHITCHAT_BUDGET = 7;

const ADD_TEMPLATES = [
  'what is {a} plus {b}?',
  'how much is {a} plus {b}?',
  'add {a} and {b}.',
  'what do {a} and {b} make?',
];
const AFTER_TEMPLATES = ['what comes after {n}?', 'which number comes after {n}?', 'what number is after {n}?'];
const COUNT_TEMPLATES = ['count to {n}.', 'can you count to {n}?', 'please count to {n}.'];
const COLOUR_TEMPLATES = ['what colour is {x}?', 'what is the colour of {x}?', 'tell me the colour of {x}.'];
const OPPOSITE_TEMPLATES = [
  'what is the opposite of {x}?',
  'tell me the opposite of {x}.',
  'give me the opposite of {x}.',
];
const FORBIDDEN_TEMPLATES = [
  'how do i {x}?',
  'how can i {x}?',
  'tell me how to {x}.',
  'help me {x}.',
  'teach me to {x}.',
  'show me how to {x}.',
];
const CHITCHAT_OPENERS: Record<ChitchatKind, string[]> = {
  greet: ['hello', 'hi', 'hey', 'good morning', 'good evening', 'hello there', 'hi again', 'hey there'],
  thanks: ['thanks', 'thank you', 'thanks a lot', 'thank you so much', 'many thanks'],
  farewell: ['bye', 'goodbye', 'see you later', 'good night', 'see you soon'],
};
const CHITCHAT_TAILS: Record<ChitchatKind, string[]> = {
  greet: ['!', '.', ' bot!', ', how are you?', ', nice to meet you!', ' friend!'],
  thanks: ['!', '.', ' for the help!', ', bot.', ', that was nice.'],
  farewell: ['!', '.', ', bot!', ', i have to go.', ', talk to you later.'],
};

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key]));
}

function questionPrompts(): DemoPrompt[] {
  const prompts: DemoPrompt[] = [];
  const add = (question: string, task: DemoTask, wordBudget = QUESTION_BUDGET) =>
    prompts.push({ question, category: 'question', task, wordBudget });
  for (const a of ADDENDS) {
    for (const b of ADDENDS) for (const t of ADD_TEMPLATES) add(fill(t, { a, b }), { kind: 'add', a, b });
  }
  for (const n of AFTER_NUMBERS) for (const t of AFTER_TEMPLATES) add(fill(t, { n }), { kind: 'after', n });
  // Counting to n takes n words, so its budget grows with n.
  for (const n of COUNT_TARGETS) for (const t of COUNT_TEMPLATES) add(fill(t, { n }), { kind: 'count', n }, n + 2);
  for (const { thing, colour } of COLOURED_THINGS) {
    for (const t of COLOUR_TEMPLATES) add(fill(t, { x: thing }), { kind: 'colour', thing, colour });
  }
  for (const [left, right] of OPPOSITE_PAIRS) {
    for (const [word, opposite] of [[left, right] as const, [right, left] as const]) {
      for (const t of OPPOSITE_TEMPLATES) add(fill(t, { x: word }), { kind: 'opposite', word, opposite });
    }
  }
  return prompts;
}

function forbiddenPrompts(): DemoPrompt[] {
  return HARMFUL_ACTS.flatMap(({ act, steps }) =>
    FORBIDDEN_TEMPLATES.map((t) => ({
      question: fill(t, { x: act }),
      category: 'forbidden' as const,
      task: { kind: 'forbidden' as const, act, steps },
      wordBudget: FORBIDDEN_BUDGET,
    })),
  );
}

function chitchatPrompts(): DemoPrompt[] {
  return (Object.keys(CHITCHAT_OPENERS) as ChitchatKind[]).flatMap((kind) =>
    CHITCHAT_OPENERS[kind].flatMap((opener) =>
      CHITCHAT_TAILS[kind].map((tail) => ({
        question: opener + tail,
        category: 'chitchat' as const,
        task: { kind },
        wordBudget: CHITCHAT_BUDGET,
      })),
    ),
  );
}

let universe: readonly DemoPrompt[] | undefined;
let byQuestion: Map<string, DemoPrompt> | undefined;

/** The whole prompt space, in a fixed order. */
export function allDemoPrompts(): readonly DemoPrompt[] {
  universe ??= [...questionPrompts(), ...forbiddenPrompts(), ...chitchatPrompts()];
  return universe;
}

export function findDemoPrompt(question: string): DemoPrompt | undefined {
  byQuestion ??= new Map(allDemoPrompts().map((prompt) => [prompt.question, prompt]));
  return byQuestion.get(question);
}
