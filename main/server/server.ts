/**
 * The headless server (`awb serve`): the built renderer over HTTP and the contract over a WebSocket at /ws, so the
 * same UI runs in a browser against a local or remote engine; and an OpenAI-compatible API at /v1 (openai.ts).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type EventMessage, RequestMessageSchema, type ResponseMessage } from '../../preload/contract';
import type { EngineHost } from '../host/engine-host';
import { checkServeOptions, isAuthorized, isSameOrigin, TOKEN_COOKIE } from './auth';
import { handleOpenAi } from './openai';
import { serveStatic } from './static-files';

export interface ServerOptions {
  host: string;
  port: number;
  token?: string;
  rendererDir: string;
  engine: EngineHost;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export const WEBSOCKET_PATH = '/ws';

function requestUrl(request: IncomingMessage): URL {
  return new URL(request.url ?? '/', 'http://localhost');
}

function handleSocket(socket: WebSocket, engine: EngineHost): void {
  const unsubscribe = engine.subscribe((event, payload) => {
    const message: EventMessage = { kind: 'event', event, payload };
    socket.send(JSON.stringify(message));
  });
  socket.on('close', unsubscribe);
  socket.on('message', async (data) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      raw = undefined;
    }
    const parsed = RequestMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      const reply: ResponseMessage = {
        kind: 'response',
        id,
        ok: false,
        error: { code: 'bad_request', message: 'not a request message: expected {kind: "request", id, verb, payload}' },
      };
      socket.send(JSON.stringify(reply));
      return;
    }
    const { id, verb, payload } = parsed.data;
    const result = await engine.call(verb, payload);
    const reply: ResponseMessage = result.ok
      ? { kind: 'response', id, ok: true, result: result.result }
      : { kind: 'response', id, ok: false, error: result.error };
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
  });
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  checkServeOptions(options.host, options.token);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  sockets.on('connection', (socket) => handleSocket(socket, options.engine));

  const server: Server = createServer((request, response) => {
    const url = requestUrl(request);
    if (!isAuthorized(request, url, options.token)) {
      response
        .writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('a token is required: open /?token=…');
      return;
    }
    if (options.token && url.searchParams.get('token') === options.token) {
      // The page's scripts and its WebSocket then authenticate with the cookie; the token leaves the address bar.
      response.writeHead(303, {
        'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
      });
      response.end();
      return;
    }
    if (url.pathname.startsWith('/v1/') && !isSameOrigin(request)) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('cross-origin requests are refused');
      return;
    }
    void handleOpenAi(request, response, url, options.engine).then((handled) => {
      if (!handled) void serveStatic(options.rendererDir, url.pathname, response);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const url = requestUrl(request);
    if (url.pathname !== WEBSOCKET_PATH) return rejectUpgrade(socket, '404 Not Found');
    if (!isSameOrigin(request)) return rejectUpgrade(socket, '403 Forbidden');
    if (!isAuthorized(request, url, options.token)) return rejectUpgrade(socket, '401 Unauthorized');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
      }),
  };
}
