/** The OpenAI-compatible endpoint: chat completions (whole and streamed), the model list, and its refusals. */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineHost } from '../../main/host/engine-host';
import { type RunningServer, startServer } from '../../main/server/server';
import type { CallResult } from '../../preload/contract';
import { tempDir } from '../helpers/paths';

/** Answers chat.generate as the engine would, streaming "Hel" + "lo" as chat.token events first. */
function chatEngine() {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const calls: Array<[string, unknown]> = [];
  const engine = {
    call: async (verb: string, payload: unknown): Promise<CallResult<unknown>> => {
      calls.push([verb, payload]);
      if (verb === 'models.list')
        return { ok: true, result: { models: [{ name: 'sft', createdAt: '2026-12-01T00:00:00Z' }] } };
      const request = payload as { requestId: string; model: string; sampling: { maxNewTokens: number } };
      if (request.model !== 'sft')
        return { ok: false, error: { code: 'engine_error', message: `no model named "${request.model}"` } };
      for (const text of ['Hel', 'lo'])
        for (const listener of listeners) listener('chat.token', { requestId: request.requestId, model: 'sft', text });
      return {
        ok: true,
        result: {
          requestId: request.requestId,
          model: 'sft',
          text: 'Hello',
          tokens: 2,
          tokensPerSecond: 100,
          cancelled: false,
        },
      };
    },
    subscribe: (listener: (event: string, payload: unknown) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { engine: engine as unknown as EngineHost, calls };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve() {
  const fake = chatEngine();
  server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: tempDir('renderer'), engine: fake.engine });
  return { ...fake, url: server.url };
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL('v1/chat/completions', url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('POST /v1/chat/completions', () => {
  it("answers in OpenAI's format, with OpenAI's sampling names mapped onto chat.generate", async () => {
    const { url, calls } = await serve();
    const reply = await post(url, {
      model: 'sft',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 2,
    });
    expect(reply.status).toBe(200);
    const body = await reply.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'sft', usage: { completion_tokens: 2 } });
    expect(body.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hello' },
      finish_reason: 'length',
    });
    expect(calls[0]?.[0]).toBe('chat.generate');
    expect(calls[0]?.[1]).toMatchObject({ model: 'sft', sampling: { temperature: 0, maxNewTokens: 2, topP: 1 } });
  });

  it('streams chunks as server-sent events with stream: true, ending with [DONE]', async () => {
    const { url } = await serve();
    const reply = await post(url, { model: 'sft', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(reply.headers.get('content-type')).toBe('text/event-stream');
    const events = (await reply.text())
      .split('\n\n')
      .filter(Boolean)
      .map((line) => line.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('Hello');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('refuses bad requests with OpenAI-style errors: an unknown model 404, a bad body 400, not JSON 415', async () => {
    const { url } = await serve();
    const unknown = await post(url, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/no model named/);
    const bad = await post(url, { model: 'sft', messages: [] });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/messages/);
    const text = await fetch(new URL('v1/chat/completions', url), { method: 'POST', body: '{}' });
    expect(text.status).toBe(415);
    const foreign = await post(
      url,
      { model: 'sft', messages: [{ role: 'user', content: 'hi' }] },
      { Origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
  });

  it('lists the workspace models at GET /v1/models', async () => {
    const { url } = await serve();
    const body = await (await fetch(new URL('v1/models', url))).json();
    expect(body).toEqual({
      object: 'list',
      data: [{ id: 'sft', object: 'model', created: 1796083200, owned_by: 'workspace' }],
    });
  });
});
