/**
 * Agreement between annotators on shared prompts. Each vote's outcome is the model it preferred (or "tie", "both
 * bad"), which compares across the shuffled orders of blind mode. Over every pair of votes by two different
 * annotators on the same prompt: the share that agree, and a chance-corrected kappa in Fleiss' form (chance from the
 * pooled outcome shares; for two annotators this is Scott's π).
 */
import type { VoteRecord } from '../catalogue/catalogue';

export interface Agreement {
  annotators: string[];
  sharedPrompts: number;
  pairwiseAgreement: number | null;
  kappa: number | null;
}

export function voteOutcome(vote: VoteRecord): string {
  if (vote.choice === 'A') return `model:${vote.answers[0]?.model}`;
  if (vote.choice === 'B') return `model:${vote.answers[1]?.model}`;
  return vote.choice;
}

function votesByPrompt(votes: VoteRecord[]): Map<string, VoteRecord[]> {
  const byPrompt = new Map<string, VoteRecord[]>();
  for (const vote of votes) byPrompt.set(vote.prompt, [...(byPrompt.get(vote.prompt) ?? []), vote]);
  return byPrompt;
}

export function agreement(votes: VoteRecord[]): Agreement {
  const annotators = [...new Set(votes.map((vote) => vote.annotator))].sort();
  let shared = 0;
  let pairs = 0;
  let agreeing = 0;
  const outcomeCounts = new Map<string, number>();
  for (const group of votesByPrompt(votes).values()) {
    if (new Set(group.map((vote) => vote.annotator)).size < 2) continue;
    shared += 1;
    for (const [i, first] of group.entries()) {
      for (const second of group.slice(i + 1)) {
        if (first.annotator === second.annotator) continue;
        pairs += 1;
        if (voteOutcome(first) === voteOutcome(second)) agreeing += 1;
        for (const outcome of [voteOutcome(first), voteOutcome(second)]) {
          outcomeCounts.set(outcome, (outcomeCounts.get(outcome) ?? 0) + 1);
        }
      }
    }
  }
  if (pairs === 0) return { annotators, sharedPrompts: shared, pairwiseAgreement: null, kappa: null };
  const observed = agreeing / pairs;
  const chance = [...outcomeCounts.values()].reduce((sum, count) => sum + (count / (2 * pairs)) ** 2, 0);
  return {
    annotators,
    sharedPrompts: shared,
    pairwiseAgreement: observed,
    kappa: chance < 1 ? (observed - chance) / (1 - chance) : null,
  };
}
