/** Who may use the headless server: loopback by default; any other address only with a token. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'awb_token';

export class ServeOptionsError extends Error {
  readonly exitCode = 2;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** Refuses to start a server that anyone on the network could drive. */
export function checkServeOptions(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 8) {
    throw new ServeOptionsError('--token must be at least 8 characters long');
  }
  if (!isLoopbackHost(host) && !token) {
    throw new ServeOptionsError(
      `refusing to listen on ${host} without --token: anyone who can reach this address could drive the engine ` +
        'and read your workspace. Pass --token T (or set AWB_TOKEN), or use --host 127.0.0.1.',
    );
  }
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The token a request carries: `Authorization: Bearer T`, the `awb_token` cookie or `?token=T`. */
export function requestToken(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  return cookieToken(request) ?? url.searchParams.get('token') ?? undefined;
}

export function isAuthorized(request: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (!token) return true;
  const given = requestToken(request, url);
  return given !== undefined && safeEqual(given, token);
}

/** A WebSocket from a page of another origin (e.g. a web site the user visits) must not reach the engine. */
export function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: scripts and the CLI send no Origin
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
