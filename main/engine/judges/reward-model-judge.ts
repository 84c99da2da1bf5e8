/** The trained reward model as judge: P(A better) = σ(r_A − r_B), the Bradley–Terry probability it was trained on. */
import * as tf from '@tensorflow/tfjs';
import { renderChat } from '../datasets/chat';
import { padBatch, padIdOf } from '../methods/batching';
import { scoreLastToken } from '../models/heads';
import type { CausalLM } from '../models/model';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { Judge, Verdict } from './judge';

export function rewardModelJudge(name: string, model: CausalLM, tokenizer: Tokenizer): Judge {
  if (!model.params['score.weight']) throw new Error(`${name} has no score head: train it with the reward method`);
  const encode = (prompt: string, answer: string) => {
    const ids = tokenizer.encode(renderChat(tokenizer, [{ role: 'user', content: prompt }], true) + answer, {
      addBos: true,
      addEos: true,
    });
    const kept = ids.slice(-model.config.maxPositions);
    return { ids: kept, mask: kept.map(() => 1) };
  };
  return {
    name: `reward_model:${name}`,
    async judge(prompt, answerA, answerB): Promise<Verdict> {
      const scores = tf.tidy(() => {
        const batch = padBatch([encode(prompt, answerA), encode(prompt, answerB)], padIdOf(tokenizer.stopIds));
        return scoreLastToken(model, model.forward({ tokens: batch.tokens }).hidden, batch.lengths);
      });
      const [a, b] = Array.from(await scores.data()) as [number, number];
      scores.dispose();
      const pA = 1 / (1 + Math.exp(b - a));
      return {
        choice: pA >= 0.5 ? 'A' : 'B',
        confidence: Math.max(pA, 1 - pA),
        rationale: `r_A ${a.toFixed(3)}, r_B ${b.toFixed(3)}`,
      };
    },
    dispose: () => model.dispose(),
  };
}
