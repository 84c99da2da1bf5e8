/** The headless server: the contract over WebSocket, tokens, origins, and files confined to the renderer folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineHost } from '../../main/host/engine-host';
import { checkServeOptions, isLoopbackHost } from '../../main/server/auth';
import { type RunningServer, startServer } from '../../main/server/server';
import type { CallResult, EngineStatus } from '../../preload/contract';
import { tempDir } from '../helpers/paths';

const STATUS: EngineStatus = { state: 'ready', backend: 'wasm', restarts: 0, at: 1 };

/** An engine host stand-in: answers engine.status, and lets the test push events. */
function fakeEngine() {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const calls: Array<[string, unknown]> = [];
  const engine = {
    call: async (verb: string, payload: unknown): Promise<CallResult<unknown>> => {
      calls.push([verb, payload]);
      return { ok: true, result: STATUS };
    },
    subscribe: (listener: (event: string, payload: unknown) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    engine: engine as unknown as EngineHost,
    calls,
    emit: (event: string, payload: unknown) => {
      for (const listener of listeners) listener(event, payload);
    },
  };
}

function rendererDir(): string {
  const dir = tempDir('renderer');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>awb</title>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'do not serve');
  return dir;
}

function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
}

describe('headless server', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the renderer and refuses paths outside it', async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: rendererDir(), engine: fakeEngine().engine });
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${server.url}assets/app.js`)).text()).toBe('console.log(1)');
    expect((await fetch(`${server.url}..%2fsecret.txt`)).status).toBe(404);
    expect((await fetch(`${server.url}%2e%2e/secret.txt`)).status).toBe(404);
  });

  it('answers verbs over the WebSocket, pushes events, and rejects malformed messages', async () => {
    const { engine, calls, emit } = fakeEngine();
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: rendererDir(), engine });
    const socket = await connect(`${server.url.replace('http', 'ws')}ws`);
    const reply = nextMessage(socket);
    socket.send(JSON.stringify({ kind: 'request', id: 7, verb: 'engine.status', payload: {} }));
    expect(await reply).toEqual({ kind: 'response', id: 7, ok: true, result: STATUS });
    expect(calls).toEqual([['engine.status', {}]]);

    const event = nextMessage(socket);
    emit('engine.status', { ...STATUS, state: 'busy' });
    expect(await event).toEqual({ kind: 'event', event: 'engine.status', payload: { ...STATUS, state: 'busy' } });

    const rejected = nextMessage(socket);
    socket.send('{"kind":"request","id":8}');
    expect(await rejected).toMatchObject({ id: 8, ok: false, error: { code: 'bad_request' } });
    expect(calls).toHaveLength(1);
    socket.close();
  });

  it('rejects WebSockets from pages of another origin', async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, rendererDir: rendererDir(), engine: fakeEngine().engine });
    const url = `${server.url.replace('http', 'ws')}ws`;
    await expect(connect(url, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const same = await connect(url, { origin: server.url.replace(/\/$/, '') });
    same.close();
  });

  it('with a token, refuses requests and WebSockets without it and accepts the cookie it sets', async () => {
    const token = 'correct-horse-battery';
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      token,
      rendererDir: rendererDir(),
      engine: fakeEngine().engine,
    });
    const ws = `${server.url.replace('http', 'ws')}ws`;
    expect((await fetch(server.url)).status).toBe(401);
    await expect(connect(ws)).rejects.toThrow('HTTP 401');
    await expect(connect(`${ws}?token=wrong-token-value`)).rejects.toThrow('HTTP 401');

    const login = await fetch(`${server.url}?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toBe(`awb_token=${token}`);
    expect((await fetch(server.url, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(server.url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    (await connect(ws, { headers: { cookie } })).close();
  });

  it('refuses to listen beyond loopback without a token', async () => {
    expect(() => checkServeOptions('0.0.0.0', undefined)).toThrow('without --token');
    expect(() => checkServeOptions('192.168.1.4', undefined)).toThrow('without --token');
    expect(() => checkServeOptions('0.0.0.0', 'short')).toThrow('at least 8 characters');
    expect(() => checkServeOptions('0.0.0.0', 'long-enough-token')).not.toThrow();
    await expect(
      startServer({ host: '0.0.0.0', port: 0, rendererDir: rendererDir(), engine: fakeEngine().engine }),
    ).rejects.toThrow('without --token');
    for (const host of ['127.0.0.1', '127.5.0.1', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
});
