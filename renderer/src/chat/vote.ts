import { type VerbRequest, VOTE_CHOICES } from '../../../preload/contract';
import { pairKey, type Round, type Slot } from './round';

export type VoteChoice = (typeof VOTE_CHOICES)[number];
export type Pair = readonly [Slot, Slot];

export { VOTE_CHOICES };

/** Button labels: "A" and "B" are the pair's first and second answer, named by the slots on screen. */
export function choiceLabel(choice: VoteChoice, pair: Pair): string {
  if (choice === 'A') return `${pair[0]} is better`;
  if (choice === 'B') return `${pair[1]} is better`;
  return choice === 'tie' ? 'Tie' : 'Both bad';
}

/**
 * The vote as the contract stores it: only the two compared answers, in the pair's order, so that choice "A" always
 * means the first of them whatever slots the user compared. `blind` is true only while the names were still hidden.
 */
export function votePayload(round: Round, pair: Pair, choice: VoteChoice, annotator: string): VerbRequest<'votes.add'> {
  const answers = pair.map((slot) => {
    const answer = round.answers.find((candidate) => candidate.slot === slot);
    if (!answer) throw new Error(`no answer in slot ${slot}`);
    return { model: answer.model, text: answer.text };
  });
  return { prompt: round.prompt, answers, choice, annotator: annotator.trim(), blind: round.blind && !round.revealed };
}

/** Why the pair cannot be voted on yet, or undefined. */
export function voteBlocker(round: Round, pair: Pair, annotator: string): string | undefined {
  const answers = round.answers.filter((answer) => pair.includes(answer.slot));
  if (answers.some((answer) => !answer.done)) return 'Wait until both answers have finished.';
  if (answers.some((answer) => answer.error)) return 'An answer failed: there is nothing to compare.';
  if (round.votedPairs.includes(pairKey(pair))) return `You voted on ${pair[0]} vs ${pair[1]} in this round.`;
  if (!annotator.trim()) return 'Type your name as the annotator: agreement is measured between annotators.';
  return undefined;
}

/** Picking a slot the other side holds swaps them, so a pair always has two different answers. */
export function withPairSide(pair: Pair, side: 0 | 1, slot: Slot): Pair {
  const other = pair[1 - side] as Slot;
  const next: [Slot, Slot] = [pair[0], pair[1]];
  next[side] = slot;
  if (other === slot) next[1 - side] = pair[side];
  return next;
}
