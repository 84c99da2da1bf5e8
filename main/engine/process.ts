/**
 * Entry of the engine process: an Electron utilityProcess in the app, a Node child process under the CLI and the
 * headless server. It selects the backend, reports ready, then answers requests from its host.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ContractErrorData, isVerbName, RequestMessageSchema } from '../../preload/contract';
import { shippedDemoBase } from './demo/setup';
import { Engine } from './engine';
import { BUSY_AFTER_MS, type EngineToHost } from './protocol';

interface HostChannel {
  send(message: EngineToHost): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function hostChannel(): HostChannel {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (!process.send) throw new Error('the engine process must be started by a host (no IPC channel)');
  // A host that dies takes its engine with it.
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message) => process.send?.(message),
    onMessage: (listener) => process.on('message', listener),
  };
}

function errorData(error: unknown): ContractErrorData {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'bad_request' || code === 'unknown_verb' ? { code, message } : { code: 'engine_error', message };
}

async function main(): Promise<void> {
  const channel = hostChannel();
  let engine: Engine;
  try {
    engine = await Engine.start({
      workspace: process.env.AWB_WORKSPACE ?? process.cwd(),
      forcedBackend: process.env.AWB_BACKEND,
      emit: (event, payload) => channel.send({ kind: 'event', event, payload }),
      demoBaseFolder: shippedDemoBase(path.dirname(fileURLToPath(import.meta.url))),
    });
    await engine.queue.recover();
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode ?? 1;
    channel.send({ kind: 'fatal', message: error instanceof Error ? error.message : String(error), exitCode });
    setTimeout(() => process.exit(exitCode), 50);
    return;
  }
  const backend = engine.backend;
  let running = 0;
  let busyTimer: NodeJS.Timeout | undefined;
  let busyReported = false;
  channel.onMessage(async (raw) => {
    const parsed = RequestMessageSchema.safeParse(raw);
    if (!parsed.success) return; // the host only sends requests; anything else is dropped
    const { id, verb, payload } = parsed.data;
    if (running++ === 0) {
      busyTimer = setTimeout(() => {
        busyReported = true;
        channel.send({ kind: 'state', state: 'busy', backend });
      }, BUSY_AFTER_MS);
    }
    try {
      if (!isVerbName(verb) || !Engine.handles(verb)) {
        throw Object.assign(new Error(`the engine does not answer ${verb}`), { code: 'unknown_verb' });
      }
      channel.send({ kind: 'response', id, ok: true, result: await engine.handle(verb, payload) });
    } catch (error) {
      channel.send({ kind: 'response', id, ok: false, error: errorData(error) });
    } finally {
      if (--running === 0) {
        clearTimeout(busyTimer);
        if (busyReported) channel.send({ kind: 'state', state: 'ready', backend });
        busyReported = false;
      }
    }
  });
  channel.send({ kind: 'state', state: 'ready', backend });
}

void main();
