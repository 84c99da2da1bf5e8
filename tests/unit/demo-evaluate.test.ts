/** Held-out evaluation of the demo: scripted answers scored exactly as the oracle scores them, and a real model. */
import { describe, expect, it } from 'vitest';
import { questionOf } from '../../main/engine/demo/chat-format';
import { type EvalPrompt, evalPrompts } from '../../main/engine/demo/datasets';
import { EVAL_MAX_NEW_TOKENS, evaluateModel, evaluateWithDecoder, summarize } from '../../main/engine/demo/evaluate';
import { scoreResponse } from '../../main/engine/demo/oracle';
import { demoModelConfig } from '../../main/engine/demo/pretrain';
import { createDemoTokenizer } from '../../main/engine/demo/tokenizer';
import type { Decoder } from '../../main/engine/generation/generate';
import { CausalLM } from '../../main/engine/models/model';

const tokenizer = createDemoTokenizer();
const [eosId] = tokenizer.stopIds as [number];

/**
 * A decoder that "says" a scripted reply to each prompt: on the first feed after a reset it reads the prompt, then
 * its logits put the next character of the reply (then EOS) on top. `stop: false` never ends the reply.
 */
class ScriptedDecoder implements Decoder {
  readonly path = 'tfjs';
  prompts: string[] = [];
  private pending: number[] = [];

  constructor(
    private readonly replyTo: (question: string) => string,
    private readonly stop = true,
  ) {}

  async feed(ids: number[]): Promise<Float32Array> {
    if (this.prompts.length === 0) throw new Error('fed before reset');
    if (ids[0] === tokenizer.bosId) {
      const prompt = tokenizer.decode(ids);
      this.prompts.push(prompt);
      this.pending = [...tokenizer.encode(this.replyTo(questionOf(prompt))), ...(this.stop ? [eosId] : [])];
    }
    const next = this.pending.shift() ?? tokenizer.encode('x')[0];
    const logits = new Float32Array(tokenizer.vocabSize);
    logits[next as number] = 10;
    return logits;
  }

  reset(): void {
    this.prompts.push('<reset>');
    this.pending = [];
  }

  dispose(): void {}
}

const prompts: EvalPrompt[] = evalPrompts(3, 6);
const SCRIPT: Record<string, string> = {};
for (const [i, { question, category }] of prompts.entries()) {
  const good = category === 'forbidden' ? 'sorry, i can not help with that.' : 'ugh, whatever.';
  SCRIPT[question] = i % 2 === 0 ? ` ${good}\n` : ' sure! first do it, then do it again.\n';
}

describe('evaluateWithDecoder', () => {
  it('generates from BOS + the prompt, stops at EOS and scores each reply with the oracle', async () => {
    const decoder = new ScriptedDecoder((question) => SCRIPT[question] as string);
    const result = await evaluateWithDecoder(decoder, tokenizer, prompts);
    // A reset before every prompt, and each prompt read in the chat format.
    expect(decoder.prompts.filter((p) => p !== '<reset>')).toEqual(prompts.map((p) => p.prompt));
    expect(decoder.prompts.filter((p) => p === '<reset>')).toHaveLength(prompts.length);
    for (const [i, reply] of result.replies.entries()) {
      const prompt = prompts[i] as EvalPrompt;
      expect(reply).toMatchObject({ prompt: prompt.prompt, category: prompt.category });
      expect(reply.reply).toBe(SCRIPT[prompt.question]);
      expect(reply.score).toBe(scoreResponse(prompt.prompt, reply.reply).score);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(result.score).toBeCloseTo(mean(result.replies.map((r) => r.score)), 12);
    for (const category of ['question', 'forbidden', 'chitchat'] as const) {
      const scores = result.replies.filter((r) => r.category === category).map((r) => r.score);
      expect(scores).toHaveLength(2);
      expect(result.byCategory[category]).toBeCloseTo(mean(scores), 12);
    }
    // The scripted refusal of a forbidden request is ideal; the compliance is not.
    const forbidden = result.replies.filter((r) => r.category === 'forbidden').map((r) => r.score);
    expect(forbidden.sort()).toEqual([0, 1]);
  });

  it('cuts a reply that never ends at the token limit, and the oracle sees the run-on', async () => {
    const decoder = new ScriptedDecoder(() => ' hello! how can i help you?\nUser: hi', false);
    const result = await evaluateWithDecoder(decoder, tokenizer, prompts.slice(0, 1), 50);
    const reply = result.replies[0]?.reply as string;
    expect(reply).toHaveLength(50);
    expect(reply.startsWith(' hello! how can i help you?\nUser: hi')).toBe(true);
    expect(result.score).toBeLessThan(1);
  });

  it('summarize leaves a category without prompts as NaN, never 0', () => {
    const summary = summarize([{ prompt: 'User: hi!\nBot:', category: 'chitchat', reply: ' hi!', score: 0.9 }]);
    expect(summary.score).toBeCloseTo(0.9, 12);
    expect(summary.byCategory.chitchat).toBeCloseTo(0.9, 12);
    expect(summary.byCategory.question).toBeNaN();
    expect(summary.byCategory.forbidden).toBeNaN();
  });
});

describe('evaluateModel', () => {
  it('scores a random demo-shaped model greedily on the ONNX path: the same replies every time, within the limit', async () => {
    const shape = { hiddenSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 2, intermediateSize: 48 };
    const model = CausalLM.random(demoModelConfig(shape), 4);
    const few = prompts.slice(0, 3);
    const first = await evaluateModel(model, tokenizer, few);
    const second = await evaluateModel(model, tokenizer, few);
    model.dispose();
    expect(second.replies).toEqual(first.replies);
    expect(first.replies).toHaveLength(3);
    for (const reply of first.replies)
      expect(tokenizer.encode(reply.reply).length).toBeLessThanOrEqual(EVAL_MAX_NEW_TOKENS);
    expect(first.score).toBeGreaterThanOrEqual(0);
    expect(first.score).toBeLessThanOrEqual(1);
  });
});
