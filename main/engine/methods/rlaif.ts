/**
 * RLAIF (SPEC §4): for each prompt, two answers sampled from the stage's model, a judge picks the better one with a
 * confidence, and the pairs at or above the threshold (default 0.7) become a preference dataset for DPO or the reward
 * model. Every judgement is appended to the stage's labels.jsonl as it is made, the low-confidence ones included
 * (kept for inspection), so a paused or killed run loses no label and resuming asks only about the prompts left.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { importDataset } from '../datasets/store';
import { tokenizePrompt } from '../datasets/tokenize';
import type { Turns } from '../datasets/types';
import { questionOf } from '../demo/chat-format';
import { readJsonLines } from '../io/json-lines';
import type { Judge } from '../judges/judge';
import { JudgeSpecSchema } from '../judges/judge';
import type { CausalLM } from '../models/model';
import { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { sampleResponses } from './ppo-rollout';

export const RlaifOptionsSchema = z.object({
  judge: JudgeSpecSchema,
  threshold: z.number().min(0.5).max(1).default(0.7),
  response_length: z.number().int().positive().default(64),
  temperature: z.number().positive().default(0.9),
  /** Label at most this many prompts of the dataset (all by default). */
  max_prompts: z.number().int().positive().optional(),
});
export type RlaifOptions = z.infer<typeof RlaifOptionsSchema>;

export interface Label {
  index: number;
  prompt: string;
  answers: [string, string];
  choice: 'A' | 'B';
  confidence: number;
  kept: boolean;
  rationale?: string;
}

export interface RlaifContext {
  workspace: string;
  model: CausalLM;
  tokenizer: Tokenizer;
  rows: Array<{ prompt?: Turns }>;
  options: RlaifOptions;
  judge: Judge;
  seed: number;
  /** The stage's folder in the run: labels.jsonl goes there. */
  folder: string;
  /** The preference dataset to create. */
  datasetName: string;
  shouldStop?: () => boolean;
  onLabel?: (done: number, total: number, label: Label) => void;
}

/** What a judge reads: the user's words, not the chat format around them. */
function judgeText(prompt: Turns): string {
  if (typeof prompt === 'string') return questionOf(prompt);
  return [...prompt].reverse().find((message) => message.role === 'user')?.content ?? '';
}

async function labelPrompt(context: RlaifContext, decoder: OnnxDecoder, index: number, row: { prompt: Turns }) {
  const { options, tokenizer } = context;
  const promptIds = tokenizePrompt(tokenizer, row, {
    maxLength: context.model.config.maxPositions - options.response_length,
  });
  const sampling = {
    temperature: options.temperature,
    maxNewTokens: options.response_length,
    stopIds: tokenizer.stopIds,
  };
  // One after the other: the two answers share the decoder and its cache.
  const answers: string[] = [];
  for (const k of [0, 1]) {
    const [response] = await sampleResponses(decoder, [promptIds], {
      ...sampling,
      seed: context.seed * 10_007 + index * 2 + k,
    });
    answers.push(tokenizer.decode((response?.responseIds ?? []).filter((id) => !tokenizer.stopIds.includes(id))));
  }
  const [first, second] = answers as [string, string];
  const verdict = await context.judge.judge(judgeText(row.prompt), first, second);
  const kept = first !== second && verdict.confidence >= options.threshold;
  const prompt = typeof row.prompt === 'string' ? row.prompt : JSON.stringify(row.prompt);
  return { index, prompt, answers: [first, second], ...verdict, kept } satisfies Label;
}

/** The kept labels as preference rows in the dataset's own prompt format. */
async function writeDataset(context: RlaifContext, labels: Label[]) {
  const rows = labels
    .filter((label) => label.kept)
    .map((label) => {
      const prompt = context.rows[label.index]?.prompt as Turns;
      const [a, b] = label.answers;
      const [chosen, rejected] = label.choice === 'A' ? [a, b] : [b, a];
      return typeof prompt === 'string'
        ? { prompt, chosen, rejected }
        : {
            prompt,
            chosen: [{ role: 'assistant', content: chosen }],
            rejected: [{ role: 'assistant', content: rejected }],
          };
    });
  if (rows.length === 0) throw new Error(`no pair reached the confidence threshold ${context.options.threshold}`);
  const file = path.join(context.folder, 'preference.jsonl');
  await writeFile(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  const { record, report } = await importDataset(context.workspace, file, {
    name: context.datasetName,
    kind: 'preference',
    dropInvalid: true,
  });
  if (!record) throw new Error(`the judged pairs did not import: ${report.problems[0]?.message ?? 'no valid row'}`);
  return record;
}

/** Labels the prompts not labelled yet; returns the labels and the dataset, or stopped: true when asked to stop. */
export async function runRlaif(context: RlaifContext) {
  await mkdir(context.folder, { recursive: true });
  const file = path.join(context.folder, 'labels.jsonl');
  const labels = await readJsonLines<Label>(file);
  const done = new Set(labels.map((label) => label.index));
  const prompts = context.rows.flatMap((row, index) =>
    row.prompt === undefined ? [] : [{ index, row: row as { prompt: Turns } }],
  );
  const todo = prompts.slice(0, context.options.max_prompts ?? prompts.length);
  const decoder = await OnnxDecoder.create(context.model);
  try {
    for (const { index, row } of todo) {
      if (done.has(index)) continue;
      if (context.shouldStop?.()) return { labels, stopped: true as const };
      const label = await labelPrompt(context, decoder, index, row);
      await appendFile(file, `${JSON.stringify(label)}\n`);
      labels.push(label);
      context.onLabel?.(labels.length, todo.length, label);
    }
  } finally {
    decoder.dispose();
  }
  return { labels, stopped: false as const, dataset: await writeDataset(context, labels) };
}
