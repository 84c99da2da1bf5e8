/**
 * Held-out evaluation: a model answers each held-out demo prompt and the oracle scores the answer. Decoding is greedy
 * (temperature 0), so a checkpoint's score is a fixed number rather than a sample, and two checkpoints differ only by
 * what they learned.
 */
import type { Decoder } from '../generation/generate';
import { generateAll } from '../generation/generate';
import type { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { DEMO_MAX_CHARS } from './chat-format';
import type { EvalPrompt } from './datasets';
import { scoreResponse } from './oracle';
import { DEMO_CATEGORIES, type DemoCategory } from './prompts';

/** Longer than any reply the generator writes (a whole conversation fits in this), so only a run-on hits it. */
export const EVAL_MAX_NEW_TOKENS = DEMO_MAX_CHARS;

export interface EvaluatedReply {
  prompt: string;
  category: DemoCategory;
  reply: string;
  score: number;
}

export interface OracleEvaluation {
  /** Mean oracle score over all prompts, in [0, 1]. */
  score: number;
  /** Mean per category; NaN for a category with no prompt. */
  byCategory: Record<DemoCategory, number>;
  replies: EvaluatedReply[];
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function summarize(replies: EvaluatedReply[]): OracleEvaluation {
  const byCategory = Object.fromEntries(
    DEMO_CATEGORIES.map((category) => [
      category,
      mean(replies.filter((reply) => reply.category === category).map((reply) => reply.score)),
    ]),
  ) as Record<DemoCategory, number>;
  return { score: mean(replies.map((reply) => reply.score)), byCategory, replies };
}

/** Answers every prompt greedily with `decoder` (reset between prompts) and scores each answer. */
export async function evaluateWithDecoder(
  decoder: Decoder,
  tokenizer: Tokenizer,
  prompts: readonly EvalPrompt[],
  maxNewTokens = EVAL_MAX_NEW_TOKENS,
): Promise<OracleEvaluation> {
  const replies: EvaluatedReply[] = [];
  for (const { prompt, category } of prompts) {
    decoder.reset();
    // BOS then the prompt, as the trainers tokenize a prompt.
    const promptIds = tokenizer.encode(prompt, { addBos: true });
    const ids = await generateAll(decoder, promptIds, { maxNewTokens, temperature: 0, stopIds: tokenizer.stopIds });
    const reply = tokenizer.decode(ids);
    replies.push({ prompt, category, reply, score: scoreResponse(prompt, reply).score });
  }
  return summarize(replies);
}

/** The same on the ONNX Runtime path, about 15× faster than tfjs for these one-token steps. */
export async function evaluateModel(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: readonly EvalPrompt[],
): Promise<OracleEvaluation> {
  const decoder = await OnnxDecoder.create(model);
  try {
    return await evaluateWithDecoder(decoder, tokenizer, prompts);
  } finally {
    decoder.dispose();
  }
}
