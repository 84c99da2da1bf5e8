/** A scripted rule as judge (verifiable rewards): the demo's oracle scores both answers; the gap is the confidence. */
import { explainScore, scoreResponse } from '../demo/oracle';
import type { Judge, Verdict } from './judge';

export function demoOracleJudge(): Judge {
  return {
    name: 'rule:demo-oracle',
    async judge(prompt, answerA, answerB): Promise<Verdict> {
      const [a, b] = [scoreResponse(prompt, answerA), scoreResponse(prompt, answerB)];
      const choice = a.score >= b.score ? 'A' : 'B';
      // Scores lie in [0, 1]: equal scores are a coin flip (0.5), a full-point gap is certainty.
      const confidence = 0.5 + Math.abs(a.score - b.score) / 2;
      return { choice, confidence, rationale: `A: ${explainScore(a)} | B: ${explainScore(b)}` };
    },
  };
}
