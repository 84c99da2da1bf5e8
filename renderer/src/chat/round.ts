/**
 * One chat round: a prompt answered by 2–4 models side by side. Pure updates, so streaming, finishing and voting are
 * easy to follow and to test.
 */
import type { ChatToken, VerbResponse } from '../../../preload/contract';

export const SLOTS = ['A', 'B', 'C', 'D'] as const;
export type Slot = (typeof SLOTS)[number];

export interface Answer {
  slot: Slot;
  model: string;
  requestId: string;
  text: string;
  done: boolean;
  cancelled: boolean;
  error?: string;
  tokens?: number;
  tokensPerSecond?: number;
}

export interface Round {
  prompt: string;
  /** The order was shuffled and the names are hidden until a vote is cast (or the user reveals them). */
  blind: boolean;
  revealed: boolean;
  answers: Answer[];
  /** Pairs already voted on in this round ("A-B"), so a pair is not voted on twice by accident. */
  votedPairs: string[];
}

/** Fisher–Yates; `random` is injectable so a test can fix the order. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

export function newRound(prompt: string, models: string[], blind: boolean, newId: () => string): Round {
  const ordered = blind ? shuffled(models) : models;
  const answers = ordered.map((model, index) => ({
    slot: SLOTS[index] as Slot,
    model,
    requestId: newId(),
    text: '',
    done: false,
    cancelled: false,
  }));
  return { prompt, blind, revealed: !blind, answers, votedPairs: [] };
}

function updateAnswer(round: Round, requestId: string, update: (answer: Answer) => Answer): Round {
  if (!round.answers.some((answer) => answer.requestId === requestId)) return round;
  return {
    ...round,
    answers: round.answers.map((answer) => (answer.requestId === requestId ? update(answer) : answer)),
  };
}

/** Tokens of another round, or arriving after the answer finished, are ignored (the reply has the whole text). */
export function appendToken(round: Round, token: ChatToken): Round {
  return updateAnswer(round, token.requestId, (answer) =>
    answer.done ? answer : { ...answer, text: answer.text + token.text },
  );
}

export function finishAnswer(round: Round, reply: VerbResponse<'chat.generate'>): Round {
  return updateAnswer(round, reply.requestId, (answer) => ({
    ...answer,
    text: reply.text,
    done: true,
    cancelled: reply.cancelled,
    tokens: reply.tokens,
    tokensPerSecond: reply.tokensPerSecond,
  }));
}

export function failAnswer(round: Round, requestId: string, error: string): Round {
  return updateAnswer(round, requestId, (answer) => ({ ...answer, done: true, error }));
}

export function pendingAnswers(round: Round | undefined): Answer[] {
  return round?.answers.filter((answer) => !answer.done) ?? [];
}

export function pairKey(pair: readonly [Slot, Slot]): string {
  return pair.join('-');
}

export function markVoted(round: Round, pair: readonly [Slot, Slot]): Round {
  return { ...round, revealed: true, votedPairs: [...round.votedPairs, pairKey(pair)] };
}
