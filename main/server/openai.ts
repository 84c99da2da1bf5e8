/**
 * An OpenAI-compatible API over the workspace's checkpoints: `POST /v1/chat/completions` (whole answers, or streamed
 * as server-sent events with `stream: true`) and `GET /v1/models`. Outside tools can chat with checkpoints, and one
 * checkpoint can judge for another run (RLAIF) through the same client code as any hosted API. Every request goes
 * through the contract's chat.generate verb, so the engine validates it as it validates the UI's.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EngineHost } from '../host/engine-host';

const MAX_BODY_BYTES = 1024 * 1024;

const CompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }).passthrough())
    .min(1),
  temperature: z.number().min(0).max(5).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().positive().max(4096).optional(),
  max_completion_tokens: z.number().int().positive().max(4096).optional(),
  seed: z.number().int().nonnegative().optional(),
  stream: z.boolean().optional(),
});
type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

function sendError(response: ServerResponse, status: number, message: string, type = 'invalid_request_error'): void {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message, type } }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function generatePayload(body: CompletionRequest, requestId: string) {
  return {
    requestId,
    model: body.model,
    messages: body.messages.map(({ role, content }) => ({ role, content })),
    sampling: {
      temperature: body.temperature ?? 1,
      topP: body.top_p ?? 1,
      topK: 0,
      maxNewTokens: body.max_completion_tokens ?? body.max_tokens ?? 256,
      seed: body.seed ?? 0,
    },
  };
}

function statusOf(error: { code: string; message: string }): number {
  if (/no model named/.test(error.message)) return 404;
  return error.code === 'bad_request' ? 400 : 500;
}

type Generated = { text: string; tokens: number; cancelled: boolean };

function finishReason(result: Generated, maxTokens: number): 'stop' | 'length' {
  return result.tokens >= maxTokens ? 'length' : 'stop';
}

async function complete(engine: EngineHost, body: CompletionRequest, response: ServerResponse): Promise<void> {
  const id = `chatcmpl-${randomUUID()}`;
  const payload = generatePayload(body, id);
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  let unsubscribe = () => {};
  if (body.stream) {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write(chunk({ role: 'assistant' }, null));
    unsubscribe = engine.subscribe((event, data) => {
      const token = data as { requestId?: string; text?: string };
      if (event === 'chat.token' && token.requestId === id) response.write(chunk({ content: token.text ?? '' }, null));
    });
  }
  const reply = await engine.call('chat.generate', payload);
  unsubscribe();
  if (!reply.ok) {
    if (body.stream) response.end(`data: ${JSON.stringify({ error: { message: reply.error.message } })}\n\n`);
    else sendError(response, statusOf(reply.error), reply.error.message);
    return;
  }
  const result = reply.result as Generated;
  const finish = finishReason(result, payload.sampling.maxNewTokens);
  if (body.stream) {
    response.end(`${chunk({}, finish)}data: [DONE]\n\n`);
    return;
  }
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: finish }],
      usage: { completion_tokens: result.tokens },
    }),
  );
}

async function listModels(engine: EngineHost, response: ServerResponse): Promise<void> {
  const reply = await engine.call('models.list', {});
  if (!reply.ok) return sendError(response, 500, reply.error.message, 'server_error');
  const models = (reply.result as { models: Array<{ name: string; createdAt: string }> }).models;
  const data = models.map((m) => ({
    id: m.name,
    object: 'model',
    created: Math.floor(Date.parse(m.createdAt) / 1000),
    owned_by: 'workspace',
  }));
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ object: 'list', data }));
}

/** Answers /v1/… requests; returns false for other paths. */
export async function handleOpenAi(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  engine: EngineHost,
): Promise<boolean> {
  if (!url.pathname.startsWith('/v1/')) return false;
  if (url.pathname === '/v1/models' && request.method === 'GET') {
    await listModels(engine, response);
    return true;
  }
  if (url.pathname !== '/v1/chat/completions') {
    sendError(response, 404, `no such endpoint: ${request.method} ${url.pathname}`);
    return true;
  }
  if (request.method !== 'POST') {
    sendError(response, 405, 'use POST');
    return true;
  }
  // JSON only: a page on another site cannot send that without a CORS preflight, which this server never grants.
  if (!request.headers['content-type']?.startsWith('application/json')) {
    sendError(response, 415, 'the body must be JSON (Content-Type: application/json)');
    return true;
  }
  let body: CompletionRequest;
  try {
    const parsed = CompletionRequestSchema.safeParse(JSON.parse(await readBody(request)));
    if (!parsed.success)
      throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    body = parsed.data;
  } catch (error) {
    sendError(response, 400, (error as Error).message);
    return true;
  }
  await complete(engine, body, response);
  return true;
}
