/**
 * Judges behind one interface (SPEC §4 RLAIF): given a prompt and two answers, which is better and how sure. A scripted
 * rule (verifiable rewards, such as the demo's oracle), the trained reward model, and a prompted model (a local
 * checkpoint, or any OpenAI-compatible chat endpoint: llama.cpp, vLLM, Ollama, this app's `awb serve`, a hosted API).
 */
import { z } from 'zod';

export interface Verdict {
  choice: 'A' | 'B';
  /** In [0.5, 1]: how sure the judge is that `choice` is the better answer. */
  confidence: number;
  /** Why, when the judge says (the rule's reasons, a prompted judge's reply). */
  rationale?: string;
}

export interface Judge {
  readonly name: string;
  judge(prompt: string, answerA: string, answerB: string): Promise<Verdict>;
  dispose?(): void;
}

/** An OpenAI-compatible chat endpoint a recipe names (a judge, or a Constitutional AI critic). */
export const EndpointSpecSchema = z
  .object({
    type: z.literal('openai'),
    /** The server's base URL, e.g. http://127.0.0.1:7860 (the /v1/chat/completions path is added). */
    url: z.string().url(),
    model: z.string().min(1),
    /** The environment variable that holds the API key (the key itself never goes into a recipe or a log). */
    api_key_env: z.string().optional(),
    timeout_ms: z.number().int().positive().default(30_000),
    retries: z.number().int().nonnegative().default(4),
    /** The first retry waits this long, each next one twice as long. */
    backoff_ms: z.number().int().nonnegative().default(500),
  })
  .strict();
export type EndpointSpec = z.infer<typeof EndpointSpecSchema>;

/** The judge a recipe names (an RLAIF stage's `judge` setting). */
export const JudgeSpecSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('rule'), rule: z.enum(['demo-oracle']) }).strict(),
  z.object({ type: z.literal('reward_model'), model: z.string().min(1) }).strict(),
  EndpointSpecSchema,
]);
export type JudgeSpec = z.infer<typeof JudgeSpecSchema>;

/** The judge could not be reached or kept answering nonsense after every retry: the run pauses, nothing is lost. */
export class JudgeUnavailableError extends Error {
  constructor(judge: string, cause: string) {
    super(`the judge ${judge} is unavailable (${cause}); the labelled rows are kept and resuming continues from here`);
    this.name = 'JudgeUnavailableError';
  }
}
