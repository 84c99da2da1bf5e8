/**
 * A model prompted as judge over an OpenAI-compatible chat endpoint. Each pair is asked twice, the second time with
 * the answers swapped, since judges favour a position: the verdict is the choice both orders agree on, and the
 * confidence the mean of what the judge states (a JSON `confidence`) or, when it states none, 1 for two agreeing
 * orders and 0.5 for a disagreement. A request that fails, times out or gets an unreadable reply is retried with
 * exponential backoff; after the last retry the judge is unavailable and the run pauses.
 */
import { type Judge, JudgeUnavailableError, type Verdict } from './judge';

export interface ChatEndpoint {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  /** The first retry waits this long, each next one twice as long. */
  backoffMs?: number;
}

/** Short, so that a small local checkpoint's context holds it with both answers. */
export function judgePrompt(prompt: string, first: string, second: string): string {
  return [
    'Which answer is better (correct, helpful, harmless, polite)?',
    `Question: ${prompt}`,
    `A: ${first.trim()}`,
    `B: ${second.trim()}`,
    'Reply {"choice": "A" or "B", "confidence": 0.5 to 1}.',
  ].join('\n');
}

/** {"choice", "confidence"} from JSON in the reply, else the first standalone A or B; undefined when neither. */
export function parseVerdict(reply: string): { choice: 'A' | 'B'; confidence?: number } | undefined {
  const json = /\{[^{}]*\}/.exec(reply)?.[0];
  if (json) {
    try {
      const parsed = JSON.parse(json) as { choice?: unknown; confidence?: unknown };
      const choice = typeof parsed.choice === 'string' ? parsed.choice.trim().toUpperCase() : undefined;
      const confidence =
        typeof parsed.confidence === 'number' ? Math.min(1, Math.max(0.5, parsed.confidence)) : undefined;
      if (choice === 'A' || choice === 'B') return { choice, ...(confidence !== undefined ? { confidence } : {}) };
    } catch {
      // not JSON after all: look for a bare letter
    }
  }
  const letter = /(?:^|[^A-Za-z])([AB])(?![A-Za-z])/.exec(reply)?.[1];
  return letter === 'A' || letter === 'B' ? { choice: letter } : undefined;
}

/** One chat completion (no retries): the reply's text. */
export async function chatCompletion(
  endpoint: ChatEndpoint,
  messages: Array<{ role: string; content: string }>,
  maxTokens = 32,
): Promise<string> {
  const response = await fetch(
    new URL('v1/chat/completions', endpoint.url.endsWith('/') ? endpoint.url : `${endpoint.url}/`),
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(endpoint.apiKey ? { Authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: endpoint.model,
        messages,
        temperature: 0,
        max_tokens: maxTokens,
      }),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    },
  );
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
  const text = body.choices?.[0]?.message?.content;
  if (typeof text !== 'string') throw new Error('the reply has no choices[0].message.content');
  return text;
}

/**
 * Calls `attempt` until it gives a value, waiting backoffMs, 2·backoffMs, … between tries; `attempt` throws or
 * returns a reason string for a failed try. After the last try the endpoint is unavailable.
 */
export async function withRetries<T>(
  endpoint: ChatEndpoint,
  name: string,
  attempt: () => Promise<T | string>,
): Promise<T> {
  let problem = '';
  for (let tries = 0; tries <= endpoint.retries; tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, (endpoint.backoffMs ?? 500) * 2 ** (tries - 1)));
    try {
      const result = await attempt();
      if (typeof result !== 'string') return result;
      problem = result;
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  throw new JudgeUnavailableError(name, `${endpoint.retries + 1} tries, last: ${problem}`);
}

/** One order's verdict, retried until it is readable. */
function askWithRetries(endpoint: ChatEndpoint, content: string, name: string) {
  return withRetries(endpoint, name, async () => {
    const reply = await chatCompletion(endpoint, [{ role: 'user', content }]);
    const verdict = parseVerdict(reply);
    return verdict ? { ...verdict, reply } : `an unreadable verdict: ${JSON.stringify(reply.slice(0, 80))}`;
  });
}

export function promptedJudge(endpoint: ChatEndpoint): Judge {
  const name = `${endpoint.model} at ${endpoint.url}`;
  return {
    name,
    async judge(prompt, answerA, answerB): Promise<Verdict> {
      const forward = await askWithRetries(endpoint, judgePrompt(prompt, answerA, answerB), name);
      const swapped = await askWithRetries(endpoint, judgePrompt(prompt, answerB, answerA), name);
      const swappedChoice = swapped.choice === 'A' ? 'B' : 'A';
      const agree = forward.choice === swappedChoice;
      const stated = [forward.confidence, swapped.confidence].filter((c): c is number => c !== undefined);
      const confidence = !agree ? 0.5 : stated.length > 0 ? stated.reduce((a, b) => a + b, 0) / stated.length : 1;
      return {
        choice: forward.choice,
        confidence,
        rationale: `A→B: ${forward.reply.trim()} | B→A: ${swapped.reply.trim()}`,
      };
    },
  };
}
