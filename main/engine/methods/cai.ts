/**
 * Constitutional AI's supervised phase (SPEC §4): for each prompt, the model's answer, then `rounds` of critique under
 * a principle drawn (seeded) from the constitution and a revision; the last revisions become an SFT dataset for the
 * next stage ("@cai"), and the whole trail (answer, each principle, critique and revision) is appended to the stage's
 * cai-trail.jsonl as it is made, so a stopped run resumes with the prompts left. The critic is the stage's own model
 * (self-critique) or any OpenAI-compatible chat endpoint (a stronger model).
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { importDataset } from '../datasets/store';
import type { Message, Turns } from '../datasets/types';
import { chatPromptIds } from '../generation/chat-prompt';
import { seededRandom } from '../generation/sampler';
import { readJsonLines } from '../io/json-lines';
import { EndpointSpecSchema } from '../judges/judge';
import { type ChatEndpoint, chatCompletion, withRetries } from '../judges/prompted-judge';
import type { CausalLM } from '../models/model';
import type { OnnxDecoder } from '../onnx/onnx-decoder';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { type Constitution, ConstitutionSchema } from './constitution';
import { sampleResponses } from './ppo-rollout';

export const CaiOptionsSchema = z.object({
  /** A constitution file (JSON in the layout above), or the constitution itself. */
  constitution: z.union([z.string().min(1), ConstitutionSchema]),
  rounds: z.number().int().positive().default(1),
  critic: z
    .discriminatedUnion('type', [z.object({ type: z.literal('self') }).strict(), EndpointSpecSchema])
    .default({ type: 'self' }),
  response_length: z.number().int().positive().default(64),
  temperature: z.number().positive().default(0.7),
  max_prompts: z.number().int().positive().optional(),
});
export type CaiOptions = z.infer<typeof CaiOptionsSchema>;

export interface TrailRound {
  principle: number;
  critique: string;
  revision: string;
}

export interface Trail {
  index: number;
  prompt: string;
  answer: string;
  rounds: TrailRound[];
}

/** A model that answers a conversation: the stage's own checkpoint or a chat endpoint. */
type Chat = (messages: Message[]) => Promise<string>;

export async function loadConstitution(source: CaiOptions['constitution']): Promise<Constitution> {
  if (typeof source !== 'string') return source;
  const parsed = ConstitutionSchema.safeParse(JSON.parse(await readFile(source, 'utf8')));
  if (!parsed.success) throw new Error(`${source} is not a constitution: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The stage's own model as a chat: sampled on the ONNX path with the chat template applied. */
export function selfChat(
  decoder: OnnxDecoder,
  model: CausalLM,
  tokenizer: Tokenizer,
  options: CaiOptions,
  seed: number,
): Chat {
  let calls = 0;
  return async (messages) => {
    const room = model.config.maxPositions - options.response_length;
    const [response] = await sampleResponses(decoder, [chatPromptIds(tokenizer, messages, room)], {
      temperature: options.temperature,
      maxNewTokens: options.response_length,
      stopIds: tokenizer.stopIds,
      seed: seed * 7919 + calls++,
    });
    return tokenizer.decode((response?.responseIds ?? []).filter((id) => !tokenizer.stopIds.includes(id)));
  };
}

export function endpointChat(endpoint: ChatEndpoint, maxTokens: number): Chat {
  const name = `${endpoint.model} at ${endpoint.url}`;
  return (messages) => withRetries(endpoint, name, () => chatCompletion(endpoint, messages, maxTokens));
}

function userText(prompt: Turns): string {
  if (typeof prompt !== 'string') return [...prompt].reverse().find((m) => m.role === 'user')?.content ?? '';
  const match = /^User: ([\s\S]*?)\nBot:$/.exec(prompt.trim());
  return match ? (match[1] as string) : prompt;
}

async function reviseOne(chat: Chat, constitution: Constitution, rounds: number, prompt: Turns, random: () => number) {
  const question = userText(prompt);
  const answer = await chat([{ role: 'user', content: question }]);
  const trail: TrailRound[] = [];
  let current = answer;
  for (let round = 0; round < rounds; round++) {
    const principle = Math.floor(random() * constitution.constitutions.length);
    const { critic, revision } = constitution.constitutions[principle] as { critic: string; revision: string };
    const asked: Message[] = [
      { role: 'user', content: question },
      { role: 'assistant', content: current.trim() },
      { role: 'user', content: critic },
    ];
    const critique = await chat(asked);
    const revised = await chat([
      ...asked,
      { role: 'assistant', content: critique.trim() },
      { role: 'user', content: revision },
    ]);
    trail.push({ principle, critique, revision: revised });
    current = revised;
  }
  return { answer, rounds: trail };
}

export interface CaiContext {
  workspace: string;
  rows: Array<{ prompt?: Turns }>;
  options: CaiOptions;
  chat: Chat;
  seed: number;
  folder: string;
  datasetName: string;
  shouldStop?: () => boolean;
  onTrail?: (done: number, total: number) => void;
}

/** Critiques and revises the prompts not done yet; writes the SFT dataset of final revisions. */
export async function runCai(context: CaiContext) {
  await mkdir(context.folder, { recursive: true });
  const constitution = await loadConstitution(context.options.constitution);
  const file = path.join(context.folder, 'cai-trail.jsonl');
  const trails = await readJsonLines<Trail>(file);
  const done = new Set(trails.map((trail) => trail.index));
  const prompts = context.rows.flatMap((row, index) =>
    row.prompt === undefined ? [] : [{ index, prompt: row.prompt }],
  );
  const todo = prompts.slice(0, context.options.max_prompts ?? prompts.length);
  for (const { index, prompt } of todo) {
    if (done.has(index)) continue;
    if (context.shouldStop?.()) return { trails, stopped: true as const };
    const random = seededRandom(context.seed * 104_729 + index);
    const revised = await reviseOne(context.chat, constitution, context.options.rounds, prompt, random);
    const trail: Trail = { index, prompt: typeof prompt === 'string' ? prompt : JSON.stringify(prompt), ...revised };
    await appendFile(file, `${JSON.stringify(trail)}\n`);
    trails.push(trail);
    context.onTrail?.(trails.length, todo.length);
  }
  const rows = trails.map((trail) => {
    const prompt = context.rows[trail.index]?.prompt as Turns;
    const final = (trail.rounds.at(-1)?.revision ?? trail.answer).trim();
    return typeof prompt === 'string'
      ? { prompt, completion: ` ${final}\n` }
      : { prompt, completion: [{ role: 'assistant', content: final }] };
  });
  const datasetFile = path.join(context.folder, 'revisions.jsonl');
  await writeFile(datasetFile, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  const { record, report } = await importDataset(context.workspace, datasetFile, {
    name: context.datasetName,
    kind: 'sft',
    dropInvalid: true,
  });
  if (!record) throw new Error(`the revisions did not import: ${report.problems[0]?.message ?? 'no valid row'}`);
  return { trails, stopped: false as const, dataset: record };
}
